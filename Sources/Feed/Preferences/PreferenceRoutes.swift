import Content
import Delivery
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The employee's own delivery preferences: `/feed/preferences` and
/// `/api/v1/feed/preferences`. Digest, quiet hours in their time zone, and the topics they do
/// not want in their feed, by email or by text message. Mandatory posts ignore opt-outs and
/// digests; critical posts also ignore quiet hours.
struct PreferenceRoutes {
    let feature: FeedFeature

    struct View: Encodable {
        struct QuietHours: Codable { let start: String; let end: String }
        struct Topic: Encodable { let id: Int64; let name: String }
        let digest: String
        let quietHours: QuietHours?
        let timeZone: String
        let unsubscribed: [String: [Int64]]
        let topics: [Topic]
    }

    func view(_ employeeID: Int64) async throws -> View {
        guard let (preferences, zone) = try await feature.preferences.context(employeeID) else { throw AppError.notFound("Employee") }
        let outs = try await feature.optOuts.list(employee: employeeID)
        var unsubscribed: [String: [Int64]] = [:]
        for channel in PreferenceStore.personalChannels {
            unsubscribed[channel.rawValue] = outs.filter { $0.channel == channel }.map(\.topicId).sorted()
        }
        let quiet = preferences.quietStart.flatMap { start in
            preferences.quietEnd.map { View.QuietHours(start: DeliveryPreferences.clock(start), end: DeliveryPreferences.clock($0)) }
        }
        return View(digest: preferences.digest.rawValue, quietHours: quiet, timeZone: zone.identifier, unsubscribed: unsubscribed,
                    topics: try await feature.preferences.topics().map { View.Topic(id: $0.id, name: $0.name) })
    }

    func employee(_ context: TandemContext) throws -> Int64 { try FeedFeature.employeeID(context) }

    static func quiet(start: String?, end: String?) throws -> (Int?, Int?) {
        let start = start?.trimmed ?? "", end = end?.trimmed ?? ""
        if start.isEmpty && end.isEmpty { return (nil, nil) }
        guard let from = DeliveryPreferences.minutes(start) else { throw AppError.invalid("quiet_start", "Give the start of quiet hours as HH:MM, e.g. 21:00.") }
        guard let to = DeliveryPreferences.minutes(end) else { throw AppError.invalid("quiet_end", "Give the end of quiet hours as HH:MM, e.g. 07:00.") }
        return (from, to)
    }

    func register(in table: RouteTable) {
        table.page(.get, "/feed/preferences", .employee) { request, context in
            let current = try await view(try employee(context))
            let (page, _) = Pages.context(request, context)
            return Pages.render(request, context, title: "Your preferences", html: PreferencePages.form(current, csrf: page.csrfToken))
        }

        table.page(.post, "/feed/preferences", .employee) { request, context in
            let id = try employee(context)
            let form = try await request.form(context: context)
            guard let digest = DeliveryPreferences.Digest(rawValue: form["digest"] ?? "") else {
                throw AppError.invalid("digest", "Choose how often optional posts come by email: immediately, daily or weekly.")
            }
            let (start, end) = form["quiet"] == "on" ? try Self.quiet(start: form["quiet_start"], end: form["quiet_end"]) : (nil, nil)
            let topics = try await feature.preferences.topics().map(\.id) + [0]
            var optedOut: [Channel: Set<Int64>] = [:]
            for channel in PreferenceStore.personalChannels {
                // A box left unticked is an opt-out; the form lists every topic.
                let ticked = Set(form.all("receive_\(channel.rawValue)").compactMap { Int64($0) })
                optedOut[channel] = Set(topics.filter { !ticked.contains($0) })
                if !ticked.contains(0) { optedOut[channel] = [0] }
            }
            try await feature.preferences.replace(id, DeliveryPreferences(digest: digest, quietStart: start, quietEnd: end), optedOut: optedOut)
            return Pages.redirect("/feed/preferences", flash: Flash(.success, "Your preferences are saved."), context: context)
        }

        let schema = Schema.object([
            Schema.Property("digest", .enumeration(DeliveryPreferences.Digest.allCases.map(\.rawValue))),
            Schema.Property("quiet_hours", .nullable(.object([Schema.Property("start", .string(pattern: "^[0-2][0-9]:[0-5][0-9]$")),
                                                              Schema.Property("end", .string(pattern: "^[0-2][0-9]:[0-5][0-9]$"))])), required: false),
            Schema.Property("time_zone", .text),
            Schema.Property("unsubscribed", .object([Schema.Property("feed", .array(.integer(minimum: 0))), Schema.Property("email", .array(.integer(minimum: 0))),
                                                     Schema.Property("sms", .array(.integer(minimum: 0)))])),
            Schema.Property("topics", .array(.object([Schema.Property("id", .id), Schema.Property("name", .text)]))),
        ])
        table.component("DeliveryPreferences", schema)

        table.api(.get, "/api/v1/feed/preferences", .employee,
                  APIOperation(id: "getFeedPreferences", summary: "Your digest, quiet hours and the topics you do not want by email or SMS (0: every optional post)", tag: "Feed",
                               success: APIOperation.ok(.ref("DeliveryPreferences")))) { _, context in
            try Reply.json(try await view(try employee(context)))
        }

        table.api(.put, "/api/v1/feed/preferences", .employee,
                  APIOperation(id: "putFeedPreferences", summary: "Replace your preferences (mandatory posts ignore opt-outs and digests; critical ones also quiet hours)", tag: "Feed",
                               requestBody: .object([
                                   Schema.Property("digest", .enumeration(DeliveryPreferences.Digest.allCases.map(\.rawValue))),
                                   Schema.Property("quiet_hours", .nullable(.object([Schema.Property("start", .string(pattern: "^[0-2][0-9]:[0-5][0-9]$")),
                                                                                     Schema.Property("end", .string(pattern: "^[0-2][0-9]:[0-5][0-9]$"))])), required: false),
                                   Schema.Property("unsubscribed", .object([Schema.Property("feed", .array(.integer(minimum: 0), maxItems: 1_000), required: false),
                                                                            Schema.Property("email", .array(.integer(minimum: 0), maxItems: 1_000), required: false),
                                                                            Schema.Property("sms", .array(.integer(minimum: 0), maxItems: 1_000), required: false)]), required: false),
                               ]),
                               success: APIOperation.ok(.ref("DeliveryPreferences")), errors: [400, 415, 422])) { request, context in
            struct Input: Decodable {
                struct Unsubscribed: Decodable { let feed: [Int64]?; let email: [Int64]?; let sms: [Int64]? }
                let digest: String
                let quietHours: View.QuietHours?
                let unsubscribed: Unsubscribed?
            }
            let id = try employee(context)
            let input = try await request.json(Input.self, context: context)
            guard let digest = DeliveryPreferences.Digest(rawValue: input.digest) else {
                throw AppError.invalid("digest", "Choose immediately, daily or weekly.")
            }
            let (start, end) = try Self.quiet(start: input.quietHours?.start, end: input.quietHours?.end)
            let optedOut: [Channel: Set<Int64>] = [.feed: Set(input.unsubscribed?.feed ?? []), .email: Set(input.unsubscribed?.email ?? []),
                                                   .sms: Set(input.unsubscribed?.sms ?? [])]
            if optedOut.values.contains(where: { $0.contains { $0 < 0 } }) { throw AppError.invalid("unsubscribed", "Topic ids are 0 or more.") }
            try await feature.preferences.replace(id, DeliveryPreferences(digest: digest, quietStart: start, quietEnd: end), optedOut: optedOut)
            return try Reply.json(try await view(id))
        }
    }
}

enum PreferencePages {
    static func form(_ view: PreferenceRoutes.View, csrf: String) -> String {
        var html = "<div class=\"feed\"><h1>Your preferences</h1><p><a href=\"/feed\">← Back to your feed</a></p>"
        html += "<p class=\"hint\">Choose the topics you want in your feed, by email and by text message. "
        html += "Mandatory and critical messages reach you whatever you choose; critical ones also during quiet hours. Changes apply to posts sent from now on.</p>"
        html += "<form method=\"post\" action=\"/feed/preferences\" id=\"preferences\"><input type=\"hidden\" name=\"_csrf\" value=\"" + Escape.html(csrf) + "\"/>"
        html += "<fieldset><legend>Optional posts by email</legend>"
        for digest in DeliveryPreferences.Digest.allCases {
            let id = "digest-" + digest.rawValue
            html += "<div class=\"check\"><input type=\"radio\" name=\"digest\" id=\"" + id + "\" value=\"" + digest.rawValue + "\""
                + (view.digest == digest.rawValue ? " checked=\"checked\"" : "") + "/><label for=\"" + id + "\">" + Escape.html(digest.title) + "</label></div>"
        }
        html += "<p class=\"hint\">Digests go out at 08:00 your time (\(Escape.html(view.timeZone))).</p></fieldset>"
        html += "<fieldset><legend>Quiet hours</legend><div class=\"check\"><input type=\"checkbox\" name=\"quiet\" id=\"quiet\" value=\"on\""
            + (view.quietHours != nil ? " checked=\"checked\"" : "") + "/><label for=\"quiet\">No email or text messages between</label></div>"
        html += "<label for=\"quiet_start\">From</label><input type=\"time\" id=\"quiet_start\" name=\"quiet_start\" value=\"" + Escape.html(view.quietHours?.start ?? "21:00") + "\"/>"
        html += "<label for=\"quiet_end\">until</label><input type=\"time\" id=\"quiet_end\" name=\"quiet_end\" value=\"" + Escape.html(view.quietHours?.end ?? "07:00") + "\"/>"
        html += "<p class=\"hint\">In your time zone, \(Escape.html(view.timeZone)). What arrives meanwhile waits until the end.</p></fieldset>"
        let feed = Set(view.unsubscribed["feed"] ?? []), email = Set(view.unsubscribed["email"] ?? []), sms = Set(view.unsubscribed["sms"] ?? [])
        html += "<table><caption>Topics you receive</caption><thead><tr><th scope=\"col\">Topic</th><th scope=\"col\">Feed</th><th scope=\"col\">Email</th>"
            + "<th scope=\"col\">Text message</th></tr></thead><tbody>"
        let rows: [(Int64, String)] = [(0, "Any optional post")] + view.topics.map { ($0.id, $0.name) }
        for (id, name) in rows {
            html += "<tr><th scope=\"row\">" + Escape.html(name) + "</th>"
            for (channel, out) in [("feed", feed), ("email", email), ("sms", sms)] {
                let box = "receive_\(channel)-\(id)"
                let on = !out.contains(id)
                html += "<td><input type=\"checkbox\" id=\"" + box + "\" name=\"receive_" + channel + "\" value=\"\(id)\"" + (on ? " checked=\"checked\"" : "")
                    + " aria-label=\"" + Escape.html(name) + (channel == "feed" ? " in the feed" : channel == "sms" ? " by text message" : " by email") + "\"/></td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table><button type=\"submit\" id=\"save-preferences\">Save preferences</button></form></div>"
        return html
    }
}
