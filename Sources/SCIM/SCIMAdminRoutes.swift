import Accounts
import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Admin → SCIM: tokens for identity providers, and how to connect Okta or Entra ID.
struct SCIMAdminRoutes {
    let tokens: SCIMTokenStore
    let cache: IdentityCache
    let baseURL: String

    func register(in table: RouteTable) {
        table.page(.get, "/admin/scim", .only(.admin)) { request, context in
            let list = try await tokens.list()
            return Pages.render(request, context, title: "SCIM provisioning") { SCIMPages.admin($0, tokens: list, newSecret: nil, baseURL: baseURL) }
        }
        table.page(.post, "/admin/scim/tokens", .only(.admin)) { request, context in
            let form = try await request.form(context: context)
            let actor = AuditActor(identity: try context.requireIdentity(), requestID: context.id)
            let (_, secret) = try await tokens.create(name: form["name"] ?? "", by: actor)
            let list = try await tokens.list()
            return Pages.render(request, context, title: "SCIM provisioning") { SCIMPages.admin($0, tokens: list, newSecret: secret, baseURL: baseURL) }
        }
        table.page(.post, "/admin/scim/tokens/{id}/revoke", .only(.admin)) { _, context in
            try await tokens.revoke(id: try context.pathID(what: "SCIM token"), by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            // Tokens are cached for a few seconds; a revoked one must stop working now.
            cache.evictAll()
            return Pages.redirect("/admin/scim", flash: Flash(.success, "The SCIM token was revoked."), context: context)
        }
    }
}

enum SCIMPages {
    static func admin(_ page: PageContext, tokens: [SCIMToken], newSecret: String?, baseURL: String) -> [HTMLNode] {
        let dateFormat = Date.FormatStyle(date: .abbreviated, time: .shortened)
        let scimURL = baseURL + SCIMRoutes.base
        return [
            UI.heading("SCIM provisioning", subtitle: "Let your identity provider or HRIS create and update employees in Tandem."),
            UI.card("Connect an identity provider", [
                el("p", [], [text("SCIM base URL: "), el("code", text: scimURL)]),
                el("p", [], [text("Authentication: a bearer token created below (it starts with "), el("code", text: SCIMTokenStore.prefix), text(").")]),
                el("h3", text: "Okta"),
                el("ol", [], [
                    el("li", text: "Applications → your Tandem app → General → App Settings: enable SCIM provisioning."),
                    el("li", [], [text("Provisioning → Integration: SCIM connector base URL "), el("code", text: scimURL),
                                  text(", unique identifier field "), el("code", text: "userName"), text(", authentication mode HTTP Header, and paste the token.")]),
                    el("li", text: "Push New Users, Push Profile Updates and Push User Deactivation: on. Leave password sync off; Tandem keeps no passwords."),
                ]),
                el("h3", text: "Microsoft Entra ID"),
                el("ol", [], [
                    el("li", text: "Enterprise applications → New application → Create your own (non-gallery) → Provisioning → Automatic."),
                    el("li", [], [text("Tenant URL "), el("code", text: scimURL), text(", Secret Token: the token below. Test Connection, then Save.")]),
                    el("li", text: "Map userPrincipalName (or mail) to userName, and employeeId to the enterprise employeeNumber so records match the HRIS."),
                ]),
                el("p", [("class", "hint")], text: "Deactivating or deleting a user in the identity provider makes the employee a leaver from today; Tandem keeps the record. Pay and benefits are never sent or changed over SCIM."),
            ]),
            UI.card("SCIM tokens", [
                newSecret.map { UI.secret("Your new SCIM token (shown once; paste it into the identity provider now)", value: $0) } ?? text(""),
                UI.table(caption: "SCIM tokens", headers: ["Name", "Starts with", "Created", "Last used", ""], rows: tokens.map { token in
                    [text(token.name), el("code", text: token.prefix + "…"), text("\(token.createdAt.formatted(dateFormat)) by \(token.createdBy)"),
                     text(token.lastUsedAt?.formatted(dateFormat) ?? "never"),
                     token.revokedAt != nil ? UI.badge("revoked") :
                        el("form", [("method", "post"), ("action", "/admin/scim/tokens/\(token.id)/revoke"), ("data-confirm", "Revoke this token? Provisioning with it stops at once.")], [
                            Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Revoke"),
                        ])]
                }, empty: "No SCIM tokens yet."),
                UI.form(action: "/admin/scim/tokens", csrf: page.csrfToken, submit: "Create SCIM token", [
                    UI.field("Token name", name: "name", required: true, hint: "For example: 'Okta production'."),
                ]),
            ]),
        ]
    }
}
