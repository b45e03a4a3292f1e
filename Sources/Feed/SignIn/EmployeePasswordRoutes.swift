import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Password sign-in for employees (`POST /signin/password`) and their own password
/// (`/feed/account`, `PUT`/`DELETE /api/v1/feed/password`).
struct EmployeePasswordRoutes {
    let feature: FeedFeature

    func register(in table: RouteTable) {
        table.page(.post, "/signin/password", .anyone) { request, context in
            let form = try await request.form(context: context)
            let value = form["identifier"] ?? ""
            let employeeID: Int64
            do {
                employeeID = try await feature.passwords.check(value, password: form["password"] ?? "", address: context.clientAddress)
            } catch let error as AppError where [.unprocessableContent, .tooManyRequests, .unauthorized].contains(error.status) {
                var response = Pages.render(request, context, title: "Sign in", status: error.status) {
                    SignInPages.ask($0, value: value, error: nil) + [SignInPages.password($0, value: value, error: error.message)]
                }
                if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
                return response
            }
            let session = try await feature.sessions.create(employeeID: employeeID, via: "a password", requestID: context.id)
            var response = Reply.redirect("/feed")
            response.setCookie(Cookies.make(Cookies.session, session.token, maxAge: Int(feature.sessions.lifetime.components.seconds), context: context))
            response.setCookie(Cookies.clear(Cookies.preSessionCSRF, context: context))
            return response
        }

        table.page(.get, "/feed/account", .employee) { request, context in
            let id = try employee(context)
            let has = try await feature.passwords.hasPassword(id)
            return Pages.render(request, context, title: "Your sign-in") { page in EmployeePasswordPages.account(page, hasPassword: has, error: nil) }
        }

        table.page(.post, "/feed/account/password", .employee) { request, context in
            let id = try employee(context)
            let form = try await request.form(context: context)
            do {
                try await feature.passwords.set(id, password: form["password"] ?? "", confirmation: form["confirmation"] ?? "", requestID: context.id)
            } catch let error as AppError where error.status == .unprocessableContent {
                let has = try await feature.passwords.hasPassword(id)
                return Pages.render(request, context, title: "Your sign-in", status: .unprocessableContent) { page in
                    EmployeePasswordPages.account(page, hasPassword: has, error: error.message)
                }
            }
            return Pages.redirect("/feed/account", flash: Flash(.success, "Your password is set. Sign in with it on any device at /signin."), context: context)
        }

        table.page(.post, "/feed/account/password/delete", .employee) { _, context in
            try await feature.passwords.remove(try employee(context), requestID: context.id)
            return Pages.redirect("/feed/account", flash: Flash(.success, "Your password is removed. Sign in with a link from now on."), context: context)
        }

        table.api(.put, "/api/v1/feed/password", .employee,
                  APIOperation(id: "setFeedPassword", summary: "Set or replace your own password, to sign in at /signin without a link", tag: "Feed",
                               requestBody: .object([Schema.Property("password", .string(minLength: 1, maxLength: 512))]),
                               success: APIOperation.noContent, errors: [415, 422])) { request, context in
            struct Input: Decodable { let password: String }
            let input = try await request.json(Input.self, context: context)
            try await feature.passwords.set(try employee(context), password: input.password, confirmation: nil, requestID: context.id)
            return Reply.noContent()
        }

        table.api(.delete, "/api/v1/feed/password", .employee,
                  APIOperation(id: "removeFeedPassword", summary: "Remove your password (sign in by link again)", tag: "Feed", success: APIOperation.noContent)) { _, context in
            try await feature.passwords.remove(try employee(context), requestID: context.id)
            return Reply.noContent()
        }
    }

    func employee(_ context: TandemContext) throws -> Int64 { try FeedFeature.employeeID(context) }
}

enum EmployeePasswordPages {
    static func account(_ page: PageContext, hasPassword: Bool, error: String?) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("Your sign-in", subtitle: hasPassword ? "You can sign in with your password or with a link." : "You sign in with a link sent to your email or phone."),
            UI.form(action: "/feed/account/password", csrf: page.csrfToken, submit: hasPassword ? "Change password" : "Set password", [
                UI.field("New password", name: "password", type: "password", required: true,
                         hint: "At least 10 characters. A few words you will remember work well.", error: error, autocomplete: "new-password"),
                UI.field("The same again", name: "confirmation", type: "password", required: true, autocomplete: "new-password"),
            ]),
        ]
        if hasPassword {
            nodes.append(UI.form(action: "/feed/account/password/delete", csrf: page.csrfToken, submit: "Remove my password", []))
        }
        nodes.append(el("p", [], [link("← Back to your feed", "/feed")]))
        return [el("div", [("class", "narrow")], nodes)]
    }
}
