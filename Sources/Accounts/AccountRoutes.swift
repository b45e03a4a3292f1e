import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The signed-in user's own account: profile, password, personal API tokens.
struct AccountRoutes {
    let feature: AccountsFeature

    func register(in table: RouteTable) {
        table.registerAccountSchemas()

        table.page(.get, "/account", .signedIn) { request, context in
            let identity = try context.requireIdentity()
            let tokens = try await feature.tokens.list(userID: identity.userID)
            return Pages.render(request, context, title: "Your account") { AccountPages.account($0, identity: identity, tokens: tokens, newSecret: nil) }
        }

        table.page(.get, "/account/password", .signedIn) { request, context in
            Pages.render(request, context, title: "Change password") { AccountPages.password($0, forced: context.identity?.mustChangePassword ?? false, error: nil) }
        }

        table.page(.post, "/account/password", .signedIn) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.form(context: context)
            do {
                try await changePassword(identity: identity, current: form["current_password"] ?? "", new: form["new_password"] ?? "",
                                         confirmation: form["new_password_confirmation"] ?? "", requestID: context.id)
                return Pages.redirect("/account", flash: Flash(.success, "Your password was changed. Other sessions were signed out."), context: context)
            } catch let error as AppError where error.status == .unprocessableContent {
                return Pages.render(request, context, title: "Change password", status: error.status) {
                    AccountPages.password($0, forced: identity.mustChangePassword, error: error)
                }
            }
        }

        table.page(.post, "/account/tokens", .signedIn) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.form(context: context)
            let (_, secret) = try await feature.tokens.create(userID: identity.userID, name: form["name"] ?? "", by: AuditActor(identity: identity, requestID: context.id))
            let tokens = try await feature.tokens.list(userID: identity.userID)
            return Pages.render(request, context, title: "Your account") { AccountPages.account($0, identity: identity, tokens: tokens, newSecret: secret) }
        }

        table.page(.post, "/account/tokens/{id}/revoke", .signedIn) { request, context in
            let identity = try context.requireIdentity()
            try await feature.tokens.revoke(id: try context.pathID(what: "Token"), userID: identity.userID, by: AuditActor(identity: identity, requestID: context.id))
            feature.cache.evict(userID: identity.userID)
            return Pages.redirect("/account", flash: Flash(.success, "The token was revoked."), context: context)
        }

        table.api(.get, "/api/v1/me", .signedIn,
                  APIOperation(id: "getMe", summary: "The calling user", tag: "Accounts", success: APIOperation.ok(.ref("User")))) { _, context in
            let identity = try context.requireIdentity()
            guard let user = try await feature.users.find(id: identity.userID) else { throw AppError.unauthenticated }
            return try Reply.json(user)
        }

        table.api(.get, "/api/v1/tokens", .signedIn,
                  APIOperation(id: "listTokens", summary: "Your personal API tokens", tag: "Accounts",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("APIToken")))])))) { _, context in
            let identity = try context.requireIdentity()
            return try Reply.json(AccountsAPI.TokenList(data: try await feature.tokens.list(userID: identity.userID)))
        }

        table.api(.post, "/api/v1/tokens", .signedIn,
                  APIOperation(id: "createToken", summary: "Create a personal API token (the secret is returned once)", tag: "Accounts",
                               requestBody: AccountsAPI.newToken, success: APIOperation.created(AccountsAPI.createdToken), errors: [400, 415, 422])) { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.json(AccountsAPI.NameBody.self, context: context)
            let (token, secret) = try await feature.tokens.create(userID: identity.userID, name: body.name, by: AuditActor(identity: identity, requestID: context.id))
            return try Reply.json(AccountsAPI.CreatedToken(token: token, secret: secret), status: .created)
        }

        table.api(.delete, "/api/v1/tokens/{id}", .signedIn,
                  APIOperation(id: "revokeToken", summary: "Revoke one of your tokens", tag: "Accounts", parameters: [.pathID()],
                               success: APIOperation.noContent, errors: [404])) { _, context in
            let identity = try context.requireIdentity()
            try await feature.tokens.revoke(id: try context.pathID(what: "Token"), userID: identity.userID, by: AuditActor(identity: identity, requestID: context.id))
            feature.cache.evict(userID: identity.userID)
            return Reply.noContent()
        }
    }

    func changePassword(identity: Identity, current: String, new: String, confirmation: String, requestID: String) async throws {
        guard let hash = try await feature.users.passwordHash(for: identity.userID),
            try await feature.hasher.verify(current, against: hash)
        else { throw AppError.invalid("current_password", "Your current password is not right.") }
        try AccountRules.password(new, email: identity.email, field: "new_password")
        guard new == confirmation else { throw AppError.invalid("new_password_confirmation", "The two new passwords are not the same.") }
        guard new != current else { throw AppError.invalid("new_password", "Choose a password different from the current one.") }
        let newHash = try await feature.hasher.hash(new)
        try await feature.users.setPassword(identity.userID, hash: newHash, mustChange: false, reason: "Password changed by its owner",
                                            by: AuditActor(identity: identity, requestID: requestID))
        if case .session(let id, _) = identity.credential {
            try await feature.sessions.deleteAll(userID: identity.userID, except: id)
        }
        feature.cache.evict(userID: identity.userID)
    }
}

enum AccountPages {
    static func account(_ page: PageContext, identity: Identity, tokens: [APIToken], newSecret: String?) -> [HTMLNode] {
        let dateFormat = Date.FormatStyle(date: .abbreviated, time: .shortened)
        return [
            UI.heading(identity.displayName, subtitle: identity.email),
            el("p", [], [text("Roles: ")] + identity.roles.sorted().map { UI.badge($0.title) }),
            el("p", [], [link("Change your password", "/account/password")]),
            UI.card("API tokens", [
                el("p", [("class", "hint")], text: "Tokens let scripts call the Tandem API as you, with your roles. Send them as 'Authorization: Bearer <token>'."),
                newSecret.map { UI.secret("Your new token", value: $0) } ?? text(""),
                UI.table(caption: "Your tokens", headers: ["Name", "Starts with", "Created", "Last used", ""], rows: tokens.map { token in
                    [text(token.name), el("code", text: token.prefix + "…"), text(token.createdAt.formatted(dateFormat)),
                     text(token.lastUsedAt?.formatted(dateFormat) ?? "never"),
                     token.revokedAt != nil ? UI.badge("revoked") :
                        el("form", [("method", "post"), ("action", "/account/tokens/\(token.id)/revoke"), ("data-confirm", "Revoke this token? Scripts using it will stop working.")], [
                            Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Revoke"),
                        ])]
                }, empty: "You have no API tokens yet."),
                UI.form(action: "/account/tokens", csrf: page.csrfToken, submit: "Create token", [
                    UI.field("Token name", name: "name", required: true, hint: "For example: 'HRIS sync script'."),
                ]),
            ]),
        ]
    }

    static func password(_ page: PageContext, forced: Bool, error: AppError?) -> [HTMLNode] {
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        return [el("div", [("class", "narrow")], [
            UI.heading("Change your password", subtitle: forced ? "Your password was set by an admin. Choose your own before you continue." : nil),
            UI.form(action: "/account/password", csrf: page.csrfToken, submit: "Change password", [
                UI.field("Current password", name: "current_password", type: "password", required: true, error: problem("current_password"), autocomplete: "current-password"),
                UI.field("New password", name: "new_password", type: "password", required: true, hint: "At least \(AccountRules.minimumPasswordLength) characters.", error: problem("new_password"), autocomplete: "new-password"),
                UI.field("Repeat new password", name: "new_password_confirmation", type: "password", required: true, error: problem("new_password_confirmation"), autocomplete: "new-password"),
            ]),
        ])]
    }
}
