import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Teams group staff (HR, Internal Communications, Marketing, …).
struct TeamRoutes {
    let feature: AccountsFeature

    func register(in table: RouteTable) {
        table.page(.get, "/admin/teams", .only(.admin)) { request, context in
            let teams = try await feature.teams.all()
            let counts = try await feature.teams.memberCounts()
            return Pages.render(request, context, title: "Teams") { page in
                [
                    UI.heading("Teams", subtitle: "Group staff so plans, calendars and scorecards can be filtered by team."),
                    UI.table(caption: "Teams", headers: ["Team", "Members"], rows: teams.map { [text($0.name), text(String(counts[$0.id] ?? 0))] },
                             empty: "No teams yet."),
                    UI.card("Add a team", [UI.form(action: "/admin/teams", csrf: page.csrfToken, submit: "Add team", [
                        UI.field("Team name", name: "name", required: true, hint: "For example: Internal Communications."),
                    ])]),
                ]
            }
        }

        table.page(.post, "/admin/teams", .only(.admin)) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.form(context: context)
            do {
                let team = try await feature.teams.create(name: form["name"] ?? "", by: AuditActor(identity: identity, requestID: context.id))
                return Pages.redirect("/admin/teams", flash: Flash(.success, "Added the team \(team.name)."), context: context)
            } catch let error as AppError where error.field != nil {
                return Pages.redirect("/admin/teams", flash: Flash(.error, error.message), context: context)
            }
        }

        table.api(.get, "/api/v1/teams", .signedIn,
                  APIOperation(id: "listTeams", summary: "List teams", tag: "Accounts",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Team")))])))) { _, _ in
            try Reply.json(AccountsAPI.TeamList(data: try await feature.teams.all()))
        }

        table.api(.post, "/api/v1/teams", .only(.admin),
                  APIOperation(id: "createTeam", summary: "Create a team", tag: "Accounts", requestBody: AccountsAPI.newTeam,
                               success: APIOperation.created(.ref("Team")), errors: [400, 409, 415, 422])) { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.json(AccountsAPI.NameBody.self, context: context)
            let team = try await feature.teams.create(name: body.name, by: AuditActor(identity: identity, requestID: context.id))
            return try Reply.json(team, status: .created)
        }
    }
}
