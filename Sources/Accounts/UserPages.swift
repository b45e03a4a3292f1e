import Foundation
import TandemCore
import TandemUI

enum UserPages {
    static let roleOptions = Role.staff.map { (value: $0.rawValue, title: $0.title) }

    static func teamOptions(_ teams: [Team]) -> [(value: String, title: String)] {
        [(value: "", title: "No team")] + teams.map { (value: String($0.id), title: $0.name) }
    }

    static func list(_ page: PageContext, page users: Page<User>) -> [HTMLNode] {
        [
            UI.heading("Users", subtitle: "Staff accounts and their roles."),
            el("p", [], [link("Add a user", "/admin/users/new", [("class", "button")])]),
            UI.table(caption: "Staff users", headers: ["Name", "Email", "Roles", "Team", "Status"], rows: users.items.map { user in
                [link(user.displayName, "/admin/users/\(user.id)"), text(user.email), group(user.roles.map { UI.badge($0.rawValue) }),
                 text(user.team?.name ?? "—"), text(user.isActive ? "active" : "deactivated")]
            }, empty: "No users yet."),
            UI.pagination(next: users.nextCursor.map { "/admin/users?cursor=\($0)" }),
        ]
    }

    static func new(_ page: PageContext, teams: [Team], form: FormData?, error: AppError?, created: (User, String?)?) -> [HTMLNode] {
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = [UI.heading("Add a user")]
        if let (user, password) = created {
            nodes.append(el("p", [("class", "flash success"), ("role", "status")], text: "Created \(user.displayName) (\(user.email))."))
            if let password { nodes.append(UI.secret("Temporary password for \(user.email)", value: password)) }
        }
        if let error, error.field == nil || error.field == "roles" || error.field == "team_id" {
            nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message))
        }
        nodes.append(UI.form(action: "/admin/users", csrf: page.csrfToken, submit: "Create user", [
            UI.field("Name", name: "display_name", value: form?["display_name"] ?? "", required: true, error: problem("display_name")),
            UI.field("Email", name: "email", type: "email", value: form?["email"] ?? "", required: true, error: problem("email")),
            UI.checkboxes("Roles", name: "roles", options: roleOptions, checked: Set(form?.all("roles") ?? [])),
            UI.select("Team", name: "team_id", options: teamOptions(teams), selected: form?["team_id"]),
            UI.field("Initial password", name: "password", type: "password", hint: "Leave empty to generate a temporary password; the user must change it at first sign-in.", error: problem("password"), autocomplete: "new-password"),
        ]))
        return nodes
    }

    static func edit(_ page: PageContext, user: User, teams: [Team], error: AppError?, resetPassword: String?) -> [HTMLNode] {
        [
            UI.heading(user.displayName, subtitle: user.email),
            error.map { el("p", [("class", "flash error"), ("role", "alert")], text: $0.message) } ?? text(""),
            resetPassword.map { UI.secret("Temporary password for \(user.email)", value: $0) } ?? text(""),
            UI.form(action: "/admin/users/\(user.id)", csrf: page.csrfToken, submit: "Save", [
                UI.field("Name", name: "display_name", value: user.displayName, required: true),
                UI.checkboxes("Roles", name: "roles", options: roleOptions, checked: Set(user.roles.map(\.rawValue))),
                UI.select("Team", name: "team_id", options: teamOptions(teams), selected: user.team.map { String($0.id) } ?? ""),
                UI.select("Status", name: "is_active", options: [(value: "true", title: "Active"), (value: "false", title: "Deactivated (signs out everywhere)")], selected: String(user.isActive)),
            ]),
            UI.card("Password", [
                el("p", text: "Resetting sets a temporary password, signs the user out everywhere, and asks them to choose a new one."),
                el("form", [("method", "post"), ("action", "/admin/users/\(user.id)/password"), ("data-confirm", "Reset this user's password?")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Reset password"),
                ]),
            ]),
        ]
    }
}
