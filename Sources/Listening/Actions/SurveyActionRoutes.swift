import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Action planning after results: HR and IC record what they will do, by when; everyone who
/// reads the survey follows the progress.
struct SurveyActionRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("survey_id", .id), Schema.Property("finding", .text), Schema.Property("action", .text),
        Schema.Property("owner_team", .enumeration(ActionOwner.allCases.map(\.rawValue))), Schema.Property("due_on", .string(format: "date")),
        Schema.Property("status", .enumeration(ActionStatus.allCases.map(\.rawValue))), Schema.Property("version", .integer(minimum: 1)),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])
    static let input = Schema.object([
        Schema.Property("finding", .line(1...300)), Schema.Property("action", .line(1...500)),
        Schema.Property("owner_team", .enumeration(ActionOwner.allCases.map(\.rawValue))), Schema.Property("due_on", .string(format: "date")),
        Schema.Property("status", .enumeration(ActionStatus.allCases.map(\.rawValue)), required: false),
        Schema.Property("version", .integer(minimum: 1), required: false, description: "For a change: the version it was made from."),
    ])

    struct Input: Decodable {
        let finding: String, action: String, ownerTeam: String, dueOn: String, status: String?, version: Int?
        var draft: SurveyActionDraft { SurveyActionDraft(finding: finding, action: action, ownerTeam: ownerTeam, dueOn: dueOn, status: status ?? ActionStatus.planned.rawValue) }
    }

    func register(in table: RouteTable) {
        let authors = ListeningFeature.authors, staff = ListeningFeature.staff
        table.component("SurveyAction", Self.schema)

        table.api(.get, "/api/v1/surveys/{id}/actions", staff,
                  APIOperation(id: "listSurveyActions", summary: "Actions planned after a survey's results, by due day", tag: "Listening", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("SurveyAction")))])), errors: [404])) { _, context in
            struct Actions: Encodable { let data: [SurveyAction] }
            return try Reply.json(Actions(data: try await feature.actions.list(survey: try await api.find(context).id)))
        }

        table.api(.post, "/api/v1/surveys/{id}/actions", authors,
                  APIOperation(id: "createSurveyAction", summary: "Plan an action for a finding", tag: "Listening", parameters: [.pathID()], requestBody: Self.input,
                               success: APIOperation.created(.ref("SurveyAction")), errors: [400, 404, 409, 415, 422])) { request, context in
            let survey = try await api.find(context)
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await feature.actions.create(input.draft, survey: survey, by: try api.actor(context)), status: .created)
        }

        table.api(.put, "/api/v1/surveys/{id}/actions/{action}", authors,
                  APIOperation(id: "updateSurveyAction", summary: "Change an action or its status (give the version it was read at)", tag: "Listening",
                               parameters: [.pathID(), .pathID("action")], requestBody: Self.input, success: APIOperation.ok(.ref("SurveyAction")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let survey = try await api.find(context)
            let id = try context.pathID("action", what: "Action")
            let input = try await request.json(Input.self, context: context)
            guard let version = input.version else { throw AppError.invalid("version", "Give the version you read, so a change made meanwhile is not overwritten.") }
            return try Reply.json(try await feature.actions.update(id, survey: survey.id, input.draft, version: version, by: try api.actor(context)))
        }

        table.page(.post, "/surveys/{id}/actions", authors) { request, context in
            let survey = try await api.find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await feature.actions.create(SurveyActionDraft(finding: values["finding"] ?? "", action: values["action"] ?? "",
                                                                               ownerTeam: values["owner_team"] ?? "", dueOn: values["due_on"] ?? ""),
                                                             survey: survey, by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)#actions", flash: Flash(.success, "Planned: \(saved.action)"), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return Pages.redirect("/surveys/\(survey.id)#actions", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/surveys/{id}/actions/{action}", authors) { request, context in
            let survey = try await api.find(context)
            let id = try context.pathID("action", what: "Action")
            guard let current = try await feature.actions.find(id, survey: survey.id) else { throw AppError.notFound("Action") }
            let values = try await request.form(context: context)
            do {
                let saved = try await feature.actions.update(id, survey: survey.id, SurveyActionDraft(
                    finding: current.finding, action: current.action, ownerTeam: current.ownerTeam.rawValue, dueOn: current.dueOn, status: values["status"] ?? ""),
                    version: Int(values["version"] ?? "") ?? 0, by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)#actions", flash: Flash(.success, "\(saved.action): \(saved.status.rawValue.replacingOccurrences(of: "_", with: " "))."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return Pages.redirect("/surveys/\(survey.id)#actions", flash: Flash(.error, error.message), context: context)
            }
        }
    }
}

enum ActionPages {
    static func section(_ page: PageContext, survey: Survey, actions: [SurveyAction], mayWrite: Bool, today: String) -> HTMLNode {
        var children: [HTMLNode] = [
            UI.table(caption: "Actions", headers: ["Finding", "Action", "Owner", "Due", "Status"], rows: actions.map { a in
                let status: HTMLNode = mayWrite
                    ? el("form", [("method", "post"), ("action", "/surveys/\(survey.id)/actions/\(a.id)"), ("class", "inline")], [
                        Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "version"), ("value", String(a.version))]),
                        el("label", [("for", "status-\(a.id)"), ("class", "visually-hidden")], text: "Status of \(a.action)"),
                        el("select", [("id", "status-\(a.id)"), ("name", "status")], ActionStatus.allCases.map { s in
                            el("option", [("value", s.rawValue)] + (s == a.status ? [("selected", "selected")] : []), text: s.rawValue.replacingOccurrences(of: "_", with: " "))
                        }),
                        el("button", [("type", "submit")], text: "Update"),
                    ])
                    : UI.badge(a.status.rawValue.replacingOccurrences(of: "_", with: " "))
                return [text(a.finding), text(a.action), text(a.ownerTeam.title), text(a.dueOn + (a.overdue(today: today) ? " (overdue)" : "")), status]
            }, empty: "No actions yet."),
        ]
        if mayWrite && survey.state != .draft {
            children.append(el("form", [("method", "post"), ("action", "/surveys/\(survey.id)/actions"), ("class", "card")], [
                Layout.csrfField(page.csrfToken), el("h3", text: "Plan an action"),
                UI.field("Finding", name: "finding", required: true, hint: "What the results showed, e.g. frontline staff do not understand their benefits.", attributes: [("maxlength", "300")]),
                UI.field("Action", name: "action", required: true, attributes: [("maxlength", "500")]),
                UI.select("Owner", name: "owner_team", options: ActionOwner.allCases.map { ($0.rawValue, $0.title) }, selected: ActionOwner.shared.rawValue),
                UI.field("Due on", name: "due_on", type: "date", required: true),
                el("button", [("type", "submit")], text: "Add action"),
            ]))
        }
        return el("section", [("id", "actions")], [el("h2", text: "Action plan")] + children)
    }
}
