import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Employee sign-in by magic link: `/signin` asks for a work email or mobile number and sends a
/// link; `/signin/link/{token}` asks the person to confirm (mail scanners open links, and only a
/// button press should spend it), then starts an employee session and opens the feed.
struct SignInRoutes {
    let feature: FeedFeature

    static let sent = "If that email or number belongs to someone here, a sign-in link is on its way. It works once, for 15 minutes. Nothing after a few minutes? Check the spelling, or ask your HR contact to check your details."

    func register(in table: RouteTable) {
        table.page(.get, "/signin", .anyone) { request, context in
            if context.identity?.employeeID != nil { return Reply.redirect("/feed") }
            return Pages.render(request, context, title: "Sign in") { SignInPages.ask($0, value: "", error: nil) }
        }

        table.page(.post, "/signin", .anyone) { request, context in
            let form = try await request.form(context: context)
            let value = form["identifier"] ?? ""
            do {
                try await requestLink(value, address: context.clientAddress)
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .tooManyRequests {
                var response = Pages.render(request, context, title: "Sign in", status: error.status) { SignInPages.ask($0, value: value, error: error.message) }
                if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
                return response
            }
            return Pages.render(request, context, title: "Check your messages") { _ in
                [el("div", [("class", "narrow")], [UI.heading("Check your messages"), el("p", [("role", "status")], text: Self.sent),
                                                   el("p", [], [link("Ask for another link", "/signin")])])]
            }
        }

        table.page(.get, "/signin/link/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            let outcome = try await feature.links.isUsable(token)
            guard case .signedIn = outcome else { return refused(outcome, request, context) }
            return Pages.render(request, context, title: "Sign in") { page in
                [el("div", [("class", "narrow")], [
                    UI.heading("Sign in to Tandem", subtitle: "Open your feed on this device."),
                    UI.form(action: "/signin/link/" + token, csrf: page.csrfToken, submit: "Continue to my feed", []),
                    el("p", [("class", "hint")], text: "The link works once. You stay signed in on this device for 30 days, or until you sign out."),
                ])]
            }
        }

        table.page(.post, "/signin/link/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            let outcome = try await feature.links.consume(token)
            guard case .signedIn(let employeeID) = outcome else { return refused(outcome, request, context) }
            let session = try await feature.sessions.create(employeeID: employeeID, via: "a magic link", requestID: context.id)
            var response = Reply.redirect("/feed")
            response.setCookie(Cookies.make(Cookies.session, session.token, maxAge: Int(feature.sessions.lifetime.components.seconds), context: context))
            response.setCookie(Cookies.clear(Cookies.preSessionCSRF, context: context))
            return response
        }

        table.page(.post, "/feed/signout", .employee) { request, context in
            let identity = try context.requireIdentity()
            if case .employeeSession(let id, _) = identity.credential {
                try await feature.sessions.delete(id: id)
                feature.identities.evict(employeeID: identity.employeeID ?? 0)
            }
            var response = Pages.redirect(identity.isEmployeeOnly ? "/signin" : "/", flash: Flash(.info, "You are signed out."), context: context)
            if identity.isEmployeeOnly { response.setCookie(Cookies.clear(Cookies.session, context: context)) }
            return response
        }

        table.api(.post, "/api/v1/signin/links", .anyone,
                  APIOperation(id: "requestSignInLink", summary: "Send an employee a single-use sign-in link by email or SMS (the answer is the same whether or not the person exists)",
                               tag: "Feed", requestBody: .object([Schema.Property("identifier", .line(1...254), description: "A work email address or a mobile number in international form.")]),
                               success: (202, .object([Schema.Property("message", .text)]), "application/json"), errors: [400, 415, 422, 429])) { request, context in
            struct Input: Decodable { let identifier: String }
            struct Output: Encodable { let message: String }
            try await requestLink(try await request.json(Input.self, context: context).identifier, address: context.clientAddress)
            return try Reply.json(Output(message: Self.sent), status: .accepted)
        }
    }

    /// Validates, rate-limits, and sends a link when the identifier names one current employee.
    func requestLink(_ raw: String, address: String) async throws {
        let identifier = try SignInIdentifier.parse(raw)
        try await feature.links.admit(identifier, address: address)
        guard let recipient = try await feature.links.recipient(for: identifier) else { return }
        let token = try await feature.links.issue(employeeID: recipient.employeeID, channel: identifier.channel)
        let minutes = Int(feature.links.policy.lifetime / 60)
        _ = await feature.sender.send(feature.baseURL + "/signin/link/" + token, to: recipient, via: identifier, minutes: minutes)
    }

    func refused(_ outcome: MagicLinkStore.Outcome, _ request: Request, _ context: TandemContext) -> Response {
        let (title, message, status): (String, String, HTTPResponse.Status) = switch outcome {
        case .used: ("This link was already used", "Each sign-in link works once. Ask for a new one below.", .gone)
        case .expired: ("This link has expired", "Sign-in links work for 15 minutes. Ask for a new one below.", .gone)
        case .unknown, .signedIn: ("This link is not valid", "It may have been copied incompletely. Ask for a new one below.", .notFound)
        }
        return Pages.render(request, context, title: title, status: status) { page in
            [el("div", [("class", "narrow")], [UI.heading(title), el("p", [("role", "alert"), ("class", "flash error")], text: message)]
                + SignInPages.ask(page, value: "", error: nil, heading: false))]
        }
    }
}

extension SignInIdentifier {
    var channel: String {
        switch self {
        case .email: "email"
        case .phone: "sms"
        }
    }
}

enum SignInPages {
    /// For employees who set a password after a first sign-in by link.
    static func password(_ page: PageContext, value: String, error: String?) -> HTMLNode {
        el("details", error == nil ? [] : [("open", "open")], [
            el("summary", text: "Or sign in with your password"),
            UI.form(action: "/signin/password", csrf: page.csrfToken, submit: "Sign in", [
                UI.field("Work email or mobile number", name: "identifier", value: value, required: true, autocomplete: "username"),
                UI.field("Password", name: "password", type: "password", required: true, hint: "Set it from your feed, under Your sign-in.",
                         error: error, autocomplete: "current-password"),
            ]),
        ])
    }

    static func ask(_ page: PageContext, value: String, error: String?, heading: Bool = true) -> [HTMLNode] {
        let form = UI.form(action: "/signin", csrf: page.csrfToken, submit: "Send me a sign-in link", [
            UI.field("Work email or mobile number", name: "identifier", value: value, required: true,
                     hint: "We send a link to the email or phone you give, if HR has it on record. Mobile numbers start with + and the country code.",
                     error: error, autocomplete: "username", attributes: [("inputmode", "email")]),
        ])
        guard heading else { return [form] }
        return [el("div", [("class", "narrow")], [
            UI.heading("Sign in to your feed", subtitle: "For every employee: no password needed."),
            form,
            password(page, value: "", error: nil),
            el("p", [("class", "hint")], [text("HR, Internal Communications or Marketing staff? "), link("Sign in with your password", "/login"), text(".")]),
        ])]
    }
}
