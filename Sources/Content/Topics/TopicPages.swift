import Foundation
import TandemCore
import TandemUI

/// Topic pages: the list, one topic, and the form with its approval board.
enum TopicPages {
    static func board(_ stages: [ApprovalStage], names: [Int64: String]) -> String {
        stages.enumerated().map { index, stage in
            let people = stage.approvers.map { names[$0] ?? "user \($0)" }.sorted().joined(separator: ", ")
            let rule = switch stage.rule {
            case .any: "any one of"
            case .all: "all of"
            case .atLeast(let n): "\(n) of"
            }
            return "Stage \(index + 1): \(rule) \(people)"
        }.joined(separator: "; then ")
    }

    static func list(_ page: PageContext, topics: [Topic], names: [Int64: String]) -> [HTMLNode] {
        [
            UI.heading("Topics", subtitle: "What posts are about. Each topic's board approves its posts before they go out."),
            UI.table(caption: "Topics", headers: ["Topic", "Owner team", "Approval board"], rows: topics.map { t in
                [link(t.name, "/topics/\(t.id)"), text(t.ownerTeamName ?? "—"), text(board(t.stages, names: names))]
            }, empty: "No topics yet."),
        ]
    }

    static func detail(_ page: PageContext, topic: Topic, names: [Int64: String]) -> [HTMLNode] {
        [
            UI.heading(topic.name, subtitle: topic.description.isEmpty ? nil : topic.description),
            UI.details(caption: "Topic", [
                ("Owner team", text(topic.ownerTeamName ?? "—")), ("Approval board", text(board(topic.stages, names: names))),
                ("Updated", text("\(topic.updatedBy), \(topic.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
            el("p", [], [link("Posts on \(topic.name)", "/posts?topic_id=\(topic.id)"), text(" · "), link("← All topics", "/topics")]),
        ]
    }

    static func form(_ page: PageContext, topic: Topic?, values: FormData?, people: [(id: Int64, name: String, email: String)],
                     teams: [(id: Int64, name: String)], error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> HTMLNode { error?.field == field ? el("p", [("class", "field-error")], text: error!.message) : text("") }
        let first = topic?.stages.first, second = topic?.stages.dropFirst().first
        let options = people.map { (String($0.id), "\($0.name) (\($0.email))") }
        let rules: [(value: String, title: String)] = [("any", "Any one approver"), ("all", "All approvers"), ("2", "2 approvers"), ("3", "3 approvers")]
        var nodes: [HTMLNode] = []
        if let error, error.field == nil || !["name", "description", "approvers", "rule", "second_approvers", "second_rule", "owner_team_id"].contains(error.field!) {
            nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message))
        }
        nodes.append(el("form", [("method", "post"), ("action", topic.map { "/topics/\($0.id)" } ?? "/topics"), ("class", "card")], [
            Layout.csrfField(page.csrfToken),
            el("h2", text: topic == nil ? "New topic" : "Edit"),
            UI.field("Name", name: "name", value: value("name", topic?.name), required: true, error: error?.field == "name" ? error?.message : nil, attributes: [("maxlength", "60")]),
            UI.textArea("Description", name: "description", value: value("description", topic?.description), rows: 2, error: error?.field == "description" ? error?.message : nil),
            UI.select("Owner team", name: "owner_team_id", options: [(value: "", title: "None")] + teams.map { (String($0.id), $0.name) },
                      selected: values?["owner_team_id"] ?? topic?.ownerTeamID.map(String.init) ?? ""),
            problem("owner_team_id"),
            UI.checkboxes("Approvers (stage 1)", name: "approvers", options: options,
                          checked: Set(values?.all("approvers") ?? first.map { $0.approvers.map(String.init) } ?? [])),
            problem("approvers"),
            UI.select("Stage 1 needs", name: "rule", options: rules, selected: values?["rule"] ?? first?.rule.text ?? "any"),
            problem("rule"),
            UI.checkboxes("Second stage approvers (optional)", name: "second_approvers", options: options,
                          checked: Set(values?.all("second_approvers") ?? second.map { $0.approvers.map(String.init) } ?? [])),
            problem("second_approvers"),
            UI.select("Stage 2 needs", name: "second_rule", options: rules, selected: values?["second_rule"] ?? second?.rule.text ?? "any"),
            problem("second_rule"),
            el("button", [("type", "submit")], text: topic == nil ? "Create topic" : "Save topic"),
        ]))
        if let topic {
            nodes.append(el("form", [("method", "post"), ("action", "/topics/\(topic.id)/delete"), ("data-confirm", "Delete the topic \(topic.name)?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete topic"),
            ]))
        }
        return nodes
    }
}
