import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Sign-in, sign-out and first-run setup.
struct AuthRoutes {
    let feature: AccountsFeature

    func register(in table: RouteTable) {
        table.page(.get, "/login", .anyone) { request, context in
            if context.identity != nil { return Reply.redirect("/") }
            return Pages.render(request, context, title: "Sign in") {
                AuthPages.signIn($0, email: "", next: AccountRules.safeNextPath(request.query("next")), error: nil)
            }
        }

        table.page(.post, "/login", .anyone) { request, context in
            let form = try await request.form(context: context)
            let next = AccountRules.safeNextPath(form["next"])
            let email = form["email"] ?? ""
            do {
                let (user, session) = try await feature.signIn.signIn(
                    email: email, password: form["password"] ?? "", address: context.clientAddress, requestID: context.id)
                var response = Reply.redirect(user.mustChangePassword ? "/account/password" : next)
                response.setCookie(Cookies.make(Cookies.session, session.token, maxAge: Int(feature.sessionLifetime.components.seconds), context: context))
                response.setCookie(Cookies.clear(Cookies.preSessionCSRF, context: context))
                return response
            } catch let error as AppError where error.status == .unauthorized || error.status == .tooManyRequests || error.status == .unprocessableContent {
                var response = Pages.render(request, context, title: "Sign in", status: error.status) {
                    AuthPages.signIn($0, email: email, next: next, error: error.message)
                }
                if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
                return response
            }
        }

        table.page(.post, "/logout", .signedIn) { request, context in
            if case .session(let id, _)? = context.identity?.credential {
                try await feature.sessions.delete(id: id)
            }
            if let identity = context.identity { feature.cache.evict(userID: identity.userID) }
            var response = Pages.redirect("/login", flash: Flash(.info, "You are signed out."), context: context)
            response.setCookie(Cookies.clear(Cookies.session, context: context))
            return response
        }

        table.page(.get, "/setup", .anyone) { request, context in
            let token = request.query("token") ?? ""
            guard try await feature.setup.isValid(token) else { return invalidSetup(request, context) }
            return Pages.render(request, context, title: "Set up Tandem") { AuthPages.setup($0, token: token, email: "", name: "", error: nil) }
        }

        table.page(.post, "/setup", .anyone) { request, context in
            let form = try await request.form(context: context)
            let token = form["token"] ?? ""
            guard try await feature.setup.isValid(token) else { return invalidSetup(request, context) }
            do {
                guard form["password"] == form["password_confirmation"] else {
                    throw AppError.invalid("password_confirmation", "The two passwords are not the same.")
                }
                let user = try await feature.setup.complete(
                    token: token, email: form["email"] ?? "", displayName: form["display_name"] ?? "", password: form["password"] ?? "")
                let actor = AuditActor(userID: user.id, label: user.email, channel: .web, requestID: context.id)
                let session = try await feature.sessions.create(userID: user.id, email: user.email, lifetime: feature.sessionLifetime, by: actor)
                var response = Pages.redirect("/", flash: Flash(.success, "Welcome to Tandem. You are the first admin."), context: context)
                response.setCookie(Cookies.make(Cookies.session, session.token, maxAge: Int(feature.sessionLifetime.components.seconds), context: context))
                return response
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
                return Pages.render(request, context, title: "Set up Tandem", status: error.status) {
                    AuthPages.setup($0, token: token, email: form["email"] ?? "", name: form["display_name"] ?? "", error: error)
                }
            }
        }
    }

    private func invalidSetup(_ request: Request, _ context: TandemContext) -> Response {
        Pages.render(request, context, title: "Setup link not valid", status: .notFound) { _ in
            [UI.heading("This setup link is not valid"),
             el("p", text: "It was already used, has expired, or Tandem already has users. Sign in instead, or restart tandem serve on an empty database to print a new link."),
             link("Go to sign-in", "/login")]
        }
    }
}

enum AuthPages {
    static func signIn(_ page: PageContext, email: String, next: String, error: String?) -> [HTMLNode] {
        [el("div", [("class", "narrow")], [
            UI.heading("Sign in to Tandem", subtitle: "For HR, Internal Communications and Marketing staff."),
            error.map { el("p", [("class", "flash error"), ("role", "alert")], text: $0) } ?? text(""),
            UI.form(action: "/login", csrf: page.csrfToken, submit: "Sign in", [
                void("input", [("type", "hidden"), ("name", "next"), ("value", next)]),
                UI.field("Email", name: "email", type: "email", value: email, required: true, autocomplete: "username"),
                UI.field("Password", name: "password", type: "password", required: true, autocomplete: "current-password"),
            ]),
        ])]
    }

    static func setup(_ page: PageContext, token: String, email: String, name: String, error: AppError?) -> [HTMLNode] {
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        return [el("div", [("class", "narrow")], [
            UI.heading("Set up Tandem", subtitle: "Create the first administrator account. This link works once."),
            (error != nil && !["email", "display_name", "password", "password_confirmation"].contains(error?.field ?? "")) ?
                el("p", [("class", "flash error"), ("role", "alert")], text: error!.message) : text(""),
            UI.form(action: "/setup", csrf: page.csrfToken, submit: "Create admin account", [
                void("input", [("type", "hidden"), ("name", "token"), ("value", token)]),
                UI.field("Your name", name: "display_name", value: name, required: true, error: problem("display_name"), autocomplete: "name"),
                UI.field("Email", name: "email", type: "email", value: email, required: true, error: problem("email"), autocomplete: "username"),
                UI.field("Password", name: "password", type: "password", required: true, hint: "At least \(AccountRules.minimumPasswordLength) characters.", error: problem("password"), autocomplete: "new-password"),
                UI.field("Repeat password", name: "password_confirmation", type: "password", required: true, error: problem("password_confirmation"), autocomplete: "new-password"),
            ]),
        ])]
    }
}
