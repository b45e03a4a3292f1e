import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The email channel for HR and admins: how Tandem reaches its SMTP server, and the addresses
/// that server refused for good (flagged, so they are not tried again until someone clears them).
struct EmailRoutes {
    let feature: DeliveryFeature
    static let managers: Access = .roles([.hr])

    static let flagSchema = Schema.object([
        Schema.Property("address", .text), Schema.Property("reason", .text),
        Schema.Property("delivery_id", .nullable(.id), required: false), Schema.Property("flagged_at", .dateTime),
    ])

    func register(in table: RouteTable) {
        table.page(.get, "/deliveries/email", Self.managers) { request, context in
            let flags = try await feature.flags.list()
            return Pages.render(request, context, title: "Email") { EmailPages.overview($0, smtp: feature.smtp, flags: flags) }
        }

        table.page(.post, "/deliveries/email/flags/clear", Self.managers) { request, context in
            let form = try await request.form(context: context)
            let address = (form["address"] ?? "").trimmed
            let cleared = try await feature.flags.clear(address, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return Pages.redirect("/deliveries/email", flash: cleared
                ? Flash(.success, "\(address) will be tried again. Send its dead deliveries again from each post's delivery page.")
                : Flash(.error, "\(address.prefix(100)) was not flagged."), context: context)
        }

        table.api(.get, "/api/v1/email/flags", Self.managers,
                  APIOperation(id: "listEmailFlags", summary: "Addresses the SMTP server refused for good; Tandem does not send to them", tag: "Delivery",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.flagSchema))])))) { _, _ in
            struct List: Encodable { let data: [EmailFlag] }
            return try Reply.json(List(data: try await feature.flags.list()))
        }

        table.api(.delete, "/api/v1/email/flags/{address}", Self.managers,
                  APIOperation(id: "clearEmailFlag", summary: "Clear a flagged address so email is sent to it again", tag: "Delivery",
                               parameters: [APIParameter("address", in: .path, .line(3...254), required: true, description: "The flagged address.")],
                               success: APIOperation.noContent, errors: [404])) { _, context in
            let address = context.parameters.get("address")?.removingPercentEncoding ?? ""
            guard try await feature.flags.clear(address, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id)) else {
                throw AppError.notFound("Flagged address")
            }
            return Reply.noContent()
        }
    }
}

enum EmailPages {
    static func overview(_ page: PageContext, smtp: SMTPSettings?, flags: [EmailFlag]) -> [HTMLNode] {
        var nodes: [HTMLNode] = [UI.heading("Email", subtitle: "How Tandem sends email, and the addresses it no longer sends to.")]
        if let smtp {
            let security: String = switch smtp.security {
            case .opportunistic: "STARTTLS when offered"
            case .requireStartTLS: "STARTTLS required"
            case .implicitTLS: "TLS (smtps)"
            case .none: "none (plain text)"
            }
            nodes.append(UI.details(caption: "SMTP server", [
                ("Server", text("\(smtp.host):\(smtp.port)")), ("Encryption", text(security)),
                ("Signs in as", text(smtp.username ?? "no sign-in")), ("Connections", text(String(smtp.connections))),
                ("Sender", text("\(smtp.fromName) <\(smtp.fromAddress)>")),
            ]))
        } else {
            nodes.append(UI.emptyState("No SMTP server is set, so email deliveries wait. Set TANDEM_SMTP_URL and TANDEM_MAIL_FROM and restart (docs/OPERATIONS.md)."))
        }
        nodes.append(UI.table(caption: "Undeliverable addresses", headers: ["Address", "Why", "Flagged", ""], rows: flags.map { flag in
            [text(flag.address), text(flag.reason), text(flag.flaggedAt.formatted(date: .abbreviated, time: .shortened)),
             el("form", [("method", "post"), ("action", "/deliveries/email/flags/clear"), ("class", "inline-action")], [
                 Layout.csrfField(page.csrfToken), el("input", [("type", "hidden"), ("name", "address"), ("value", flag.address)]),
                 el("button", [("type", "submit")], text: "Clear"),
             ])]
        }, empty: "No address has been refused."))
        nodes.append(el("p", [("class", "hint")], text: "An address is flagged when the mail server answers 5xx to it. Correct the employee's address in the directory (a new address is not flagged), or clear the flag once the mailbox works again."))
        return nodes
    }
}
