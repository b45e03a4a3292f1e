import Audit
import Content
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Admins set up the channels that go through outside services (the SMS gateway), see a
/// channel that paused itself after repeated errors, and resume it.
struct ChannelRoutes {
    let feature: DeliveryFeature
    static let admins: Access = .only(.admin)

    static let smsSchema = Schema.object([
        Schema.Property("configured", .boolean), Schema.Property("url", .nullable(.text), required: false),
        Schema.Property("from", .nullable(.text), required: false), Schema.Property("username", .nullable(.text), required: false),
        Schema.Property("has_token", .boolean, description: "The token itself is never shown again."),
        Schema.Property("rate_per_second", .nullable(.number), required: false), Schema.Property("burst", .nullable(.integer(minimum: 1)), required: false),
        Schema.Property("pause_after", .nullable(.integer(minimum: 1)), required: false), Schema.Property("timeout_seconds", .nullable(.integer(minimum: 1)), required: false),
        Schema.Property("paused", .boolean), Schema.Property("pause_reason", .nullable(.text), required: false),
        Schema.Property("paused_at", .nullable(.dateTime), required: false), Schema.Property("updated_at", .nullable(.dateTime), required: false),
        Schema.Property("can_store_secrets", .boolean),
    ])

    struct SMSJSON: Encodable {
        let configured: Bool
        let url: String?, from: String?, username: String?
        let hasToken: Bool
        let ratePerSecond: Double?, burst: Int?, pauseAfter: Int?, timeoutSeconds: Int?
        let paused: Bool, pauseReason: String?, pausedAt: Date?, updatedAt: Date?
        let canStoreSecrets: Bool

        init(_ status: ChannelStatus?, canStoreSecrets: Bool) {
            let gateway = status?.sms
            configured = gateway != nil
            url = gateway?.url; from = gateway?.from; username = gateway?.username
            hasToken = status?.hasSecret ?? false
            ratePerSecond = gateway?.ratePerSecond; burst = gateway?.burst; pauseAfter = gateway?.pauseAfter; timeoutSeconds = gateway?.timeoutSeconds
            paused = status?.paused ?? false; pauseReason = status?.pauseReason; pausedAt = status?.pausedAt; updatedAt = status?.updatedAt
            self.canStoreSecrets = canStoreSecrets
        }
    }

    struct SMSInput: Decodable {
        let url: String
        let from: String
        let username: String?
        /// Absent keeps the stored token; "" removes it.
        let token: String?
        let ratePerSecond: Double?
        let burst: Int?
        let pauseAfter: Int?
        let timeoutSeconds: Int?

        var gateway: SMSGateway {
            SMSGateway(url: url.trimmed, from: from.trimmed, username: (username ?? "").trimmed, ratePerSecond: ratePerSecond ?? 10,
                       burst: burst ?? 20, pauseAfter: pauseAfter ?? 20, timeoutSeconds: timeoutSeconds ?? 15)
        }
    }

    func save(_ gateway: SMSGateway, token: String?, context: TandemContext) async throws {
        do {
            try await feature.channels.saveSMS(gateway, token: token, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
        } catch let invalid as SMSGateway.Invalid {
            throw AppError.invalid(invalid.field, invalid.description)
        } catch let problem as ChannelSettingsStore.Problem {
            throw AppError.invalid(problem.field ?? "token", problem.description)
        }
    }

    func register(in table: RouteTable) {
        table.page(.get, "/deliveries/channels", Self.admins) { request, context in
            let status = try await feature.channels.status(.sms)
            return Pages.render(request, context, title: "Channels") {
                ChannelPages.page($0, sms: status, canStoreSecrets: feature.channels.canStoreSecrets, form: nil, error: nil)
            }
        }

        table.page(.post, "/deliveries/channels/sms", Self.admins) { request, context in
            let form = try await request.form(context: context)
            func number<T: LosslessStringConvertible>(_ name: String, _ fallback: T) throws -> T {
                guard let raw = form[name]?.trimmed, !raw.isEmpty else { return fallback }
                guard let value = T(raw) else { throw AppError.invalid(name, "'\(raw.prefix(20))' is not a number.") }
                return value
            }
            do {
                let gateway = SMSGateway(url: (form["url"] ?? "").trimmed, from: (form["from"] ?? "").trimmed, username: (form["username"] ?? "").trimmed,
                                         ratePerSecond: try number("rate_per_second", 10.0), burst: try number("burst", 20),
                                         pauseAfter: try number("pause_after", 20), timeoutSeconds: try number("timeout_seconds", 15))
                let typed = form["token"] ?? ""
                try await save(gateway, token: form["remove_token"] == "on" ? "" : (typed.isEmpty ? nil : typed), context: context)
                return Pages.redirect("/deliveries/channels", flash: Flash(.success, "The SMS gateway is saved; SMS deliveries go out through it now."), context: context)
            } catch let error as AppError where error.status == .unprocessableContent {
                let status = try await feature.channels.status(.sms)
                return Pages.render(request, context, title: "Channels", status: .unprocessableContent) {
                    ChannelPages.page($0, sms: status, canStoreSecrets: feature.channels.canStoreSecrets, form: form, error: (error.field, error.message))
                }
            }
        }

        table.page(.post, "/deliveries/channels/sms/resume", Self.admins) { _, context in
            let resumed = try await feature.channels.resume(.sms, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return Pages.redirect("/deliveries/channels", flash: Flash(resumed ? .success : .info, resumed ? "SMS is sending again." : "SMS was not paused."), context: context)
        }

        table.page(.post, "/deliveries/channels/sms/test", Self.admins) { request, context in
            let form = try await request.form(context: context)
            do {
                let id = try await feature.sms.sendTest(to: (form["number"] ?? "").trimmed)
                return Pages.redirect("/deliveries/channels", flash: Flash(.success, "The gateway accepted the test message (\(id ?? "no id"))."), context: context)
            } catch let failure as SendFailure {
                let reason: String = switch failure {
                case .retry(let reason, _), .permanent(let reason), .skipped(let reason), .held(_, let reason, _): reason
                }
                return Pages.redirect("/deliveries/channels", flash: Flash(.error, "The test message was not sent: \(reason)"), context: context)
            }
        }

        table.api(.get, "/api/v1/channels/sms", Self.admins,
                  APIOperation(id: "getSMSChannel", summary: "The SMS gateway settings (never the token) and whether the channel is paused", tag: "Delivery",
                               success: APIOperation.ok(Self.smsSchema))) { _, _ in
            try Reply.json(SMSJSON(try await feature.channels.status(.sms), canStoreSecrets: feature.channels.canStoreSecrets))
        }

        table.api(.put, "/api/v1/channels/sms", Self.admins,
                  APIOperation(id: "putSMSChannel", summary: "Set the SMS gateway (Twilio-style form POST); resumes a paused channel", tag: "Delivery",
                               requestBody: .object([
                                   Schema.Property("url", .line(1...500)), Schema.Property("from", .line(1...16)),
                                   Schema.Property("username", .string(maxLength: 200), required: false),
                                   Schema.Property("token", .string(maxLength: 500), required: false, description: "Absent keeps the stored token; \"\" removes it."),
                                   Schema.Property("rate_per_second", .number, required: false), Schema.Property("burst", .integer(minimum: 1, maximum: 10_000), required: false),
                                   Schema.Property("pause_after", .integer(minimum: 1, maximum: 1_000), required: false),
                                   Schema.Property("timeout_seconds", .integer(minimum: 1, maximum: 120), required: false),
                               ]),
                               success: APIOperation.ok(Self.smsSchema), errors: [400, 422])) { request, context in
            let input = try await request.json(SMSInput.self, context: context)
            try await save(input.gateway, token: input.token, context: context)
            return try Reply.json(SMSJSON(try await feature.channels.status(.sms), canStoreSecrets: feature.channels.canStoreSecrets))
        }

        table.api(.post, "/api/v1/channels/sms/resume", Self.admins,
                  APIOperation(id: "resumeSMSChannel", summary: "Resume an SMS channel that paused itself or was paused", tag: "Delivery",
                               success: APIOperation.ok(.object([Schema.Property("resumed", .boolean)])))) { _, context in
            struct Resumed: Encodable { let resumed: Bool }
            return try Reply.json(Resumed(resumed: try await feature.channels.resume(.sms, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))))
        }
    }
}

enum ChannelPages {
    static func page(_ page: PageContext, sms: ChannelStatus?, canStoreSecrets: Bool, form: FormData?, error: (field: String?, message: String)?) -> [HTMLNode] {
        let gateway = sms?.sms
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        func fieldError(_ name: String) -> String? { error?.field == name ? error?.message : nil }
        var nodes: [HTMLNode] = [UI.heading("Channels", subtitle: "Outside services Tandem sends through. Secrets are encrypted before they are stored and never shown again."),
                                 el("p", [], [link("Chat and webhooks (Slack, Teams, other systems)", "/deliveries/destinations")])]
        if let sms, sms.paused {
            nodes.append(el("div", [("class", "flash flash-error"), ("role", "alert")], [
                el("p", [], text: "SMS is paused: \(sms.pauseReason ?? "by an admin"). SMS deliveries wait until it is resumed."),
                el("form", [("method", "post"), ("action", "/deliveries/channels/sms/resume"), ("class", "inline-action")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit")], text: "Resume SMS"),
                ]),
            ]))
        }
        if let error, error.field == nil || !["url", "from", "username", "token", "rate_per_second", "burst", "pause_after", "timeout_seconds"].contains(error.field!) {
            nodes.append(el("p", [("class", "field-error"), ("role", "alert")], text: error.message))
        }
        nodes.append(el("h2", text: "SMS gateway"))
        nodes.append(el("p", [("class", "hint")], text: gateway == nil
            ? "Not set up: SMS deliveries wait. Any gateway that takes a Twilio-style form POST (To, From, Body) with Basic auth works."
            : "Last changed \(sms!.updatedAt.formatted(date: .abbreviated, time: .shortened)) by \(sms!.updatedBy)."))
        var fields: [HTMLNode] = [
            UI.field("Gateway URL", name: "url", type: "url", value: value("url", gateway?.url), required: true,
                     hint: "e.g. https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json", error: fieldError("url")),
            UI.field("Sender", name: "from", value: value("from", gateway?.from), required: true, hint: "+15551234567 or a sender name (1–11 letters and digits)", error: fieldError("from")),
            UI.field("Account id", name: "username", value: value("username", gateway?.username), hint: "The Basic-auth user (Twilio: the account SID).", error: fieldError("username")),
        ]
        if canStoreSecrets {
            fields.append(UI.field("Token", name: "token", type: "password", hint: sms?.hasSecret == true ? "A token is stored. Leave empty to keep it." : "The Basic-auth password (Twilio: the auth token).",
                                   error: fieldError("token"), autocomplete: "off"))
            if sms?.hasSecret == true {
                fields.append(el("div", [("class", "check")], [void("input", [("type", "checkbox"), ("id", "f-remove_token"), ("name", "remove_token")]),
                                                              el("label", [("for", "f-remove_token")], text: "Remove the stored token")]))
            }
        } else {
            fields.append(el("p", [("class", "field-error")], text: "Tokens cannot be stored: set TANDEM_SECRET_KEY on every server (docs/OPERATIONS.md)."))
        }
        fields += [
            UI.field("Messages per second", name: "rate_per_second", type: "number", value: value("rate_per_second", gateway.map { String($0.ratePerSecond) } ?? "10"),
                     hint: "Per server; the gateway's own limit.", error: fieldError("rate_per_second"), attributes: [("step", "0.1"), ("min", "0.1")]),
            UI.field("Burst", name: "burst", type: "number", value: value("burst", gateway.map { String($0.burst) } ?? "20"), error: fieldError("burst")),
            UI.field("Pause after failures in a row", name: "pause_after", type: "number", value: value("pause_after", gateway.map { String($0.pauseAfter) } ?? "20"), error: fieldError("pause_after")),
            UI.field("Timeout (seconds)", name: "timeout_seconds", type: "number", value: value("timeout_seconds", gateway.map { String($0.timeoutSeconds) } ?? "15"), error: fieldError("timeout_seconds")),
        ]
        nodes.append(UI.form(action: "/deliveries/channels/sms", csrf: page.csrfToken, submit: "Save the SMS gateway", fields))
        if gateway != nil {
            nodes.append(el("h3", text: "Send a test message"))
            nodes.append(UI.form(action: "/deliveries/channels/sms/test", csrf: page.csrfToken, submit: "Send a test SMS", [
                UI.field("Mobile number", name: "number", type: "tel", required: true, hint: "International form, e.g. +15551234567"),
            ]))
        }
        return nodes
    }
}
