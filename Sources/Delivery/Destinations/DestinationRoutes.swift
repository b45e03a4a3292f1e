import Audit
import Content
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Admins add Slack, Teams and webhook destinations (the address is sealed and never shown
/// again), see one that paused itself, resume or remove it.
struct DestinationRoutes {
    let feature: DeliveryFeature
    static let admins: Access = .only(.admin)

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("kind", .enumeration(Destination.Kind.allCases.map(\.rawValue))),
        Schema.Property("host", .text, description: "Scheme, host and port of the address; the address itself is never shown again."),
        Schema.Property("topic_ids", .array(.id)), Schema.Property("has_signing_secret", .boolean), Schema.Property("paused", .boolean),
        Schema.Property("pause_reason", .nullable(.text), required: false), Schema.Property("updated_at", .dateTime), Schema.Property("updated_by", .text),
    ])

    struct JSON: Encodable {
        let id: Int64, name: String, kind: String, host: String, topicIds: [Int64], hasSigningSecret: Bool, paused: Bool, pauseReason: String?
        let updatedAt: Date, updatedBy: String
        init(_ d: Destination) {
            id = d.id; name = d.name; kind = d.kind.rawValue; host = d.host; topicIds = d.topicIDs; hasSigningSecret = d.hasSigningSecret
            paused = d.paused; pauseReason = d.pauseReason; updatedAt = d.updatedAt; updatedBy = d.updatedBy
        }
    }

    struct Input: Decodable {
        let name: String
        let kind: String
        let url: String
        let signingSecret: String?
        let topicIds: [Int64]?
    }

    func register(in table: RouteTable) {
        table.page(.get, "/deliveries/destinations", Self.admins) { request, context in
            let list = try await feature.destinations.list()
            let topics = try await topicNames()
            return Pages.render(request, context, title: "Chat and webhooks") { DestinationPages.list($0, list, topics: topics, canStore: feature.channels.canStoreSecrets, error: nil, form: [:]) }
        }

        table.page(.post, "/deliveries/destinations", Self.admins) { request, context in
            let form = try await request.form(context: context)
            let actor = AuditActor(identity: try context.requireIdentity(), requestID: context.id)
            do {
                let input = try NewDestination(name: form["name"] ?? "", kind: form["kind"] ?? "", url: form["url"] ?? "",
                                               signingSecret: form["signing_secret"], topicIDs: form.all("topic_ids").compactMap { Int64($0) })
                let made = try await feature.destinations.create(input, by: actor)
                return Pages.redirect("/deliveries/destinations", flash: Flash(.success, "“\(made.name)” added. Posts published from now on go there."), context: context)
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
                let list = try await feature.destinations.list()
                let topics = try await topicNames()
                return Pages.render(request, context, title: "Chat and webhooks", status: error.status) {
                    DestinationPages.list($0, list, topics: topics, canStore: feature.channels.canStoreSecrets, error: error, form: Dictionary(form.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }))
                }
            }
        }

        table.page(.post, "/deliveries/destinations/{id}/resume", Self.admins) { _, context in
            let id = try context.pathID(what: "Destination")
            let resumed = try await feature.destinations.resume(id, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return Pages.redirect("/deliveries/destinations", flash: Flash(.success, resumed ? "Resumed: waiting messages go out now." : "It was not paused."), context: context)
        }

        table.page(.post, "/deliveries/destinations/{id}/delete", Self.admins) { _, context in
            let id = try context.pathID(what: "Destination")
            guard try await feature.destinations.delete(id, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id)) else {
                throw AppError.notFound("Destination")
            }
            return Pages.redirect("/deliveries/destinations", flash: Flash(.success, "Removed, with the messages not yet sent to it."), context: context)
        }

        table.api(.get, "/api/v1/destinations", Self.admins,
                  APIOperation(id: "listDestinations", summary: "Slack, Teams and webhook destinations (addresses are never shown)", tag: "Delivery",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.schema))])))) { _, _ in
            struct List: Encodable { let data: [JSON] }
            return try Reply.json(List(data: try await feature.destinations.list().map(JSON.init)))
        }

        table.api(.post, "/api/v1/destinations", Self.admins,
                  APIOperation(id: "createDestination", summary: "Add a Slack or Teams incoming webhook, or a generic webhook", tag: "Delivery",
                               requestBody: .object([
                                   Schema.Property("name", .line(1...80)), Schema.Property("kind", .enumeration(Destination.Kind.allCases.map(\.rawValue))),
                                   Schema.Property("url", .line(8...2_000), description: "https:// (http only to this machine)."),
                                   Schema.Property("signing_secret", .line(16...200), required: false, description: "Generic webhooks: signs each request (X-Tandem-Signature)."),
                                   Schema.Property("topic_ids", .array(.id, maxItems: 50), required: false, description: "Only posts on these topics; none for every post."),
                               ]),
                               success: APIOperation.created(Self.schema), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(Input.self, context: context)
            let made = try await feature.destinations.create(
                try NewDestination(name: input.name, kind: input.kind, url: input.url, signingSecret: input.signingSecret, topicIDs: input.topicIds ?? []),
                by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return try Reply.json(JSON(made), status: .created)
        }

        table.api(.delete, "/api/v1/destinations/{id}", Self.admins,
                  APIOperation(id: "deleteDestination", summary: "Remove a destination and the messages not yet sent to it", tag: "Delivery",
                               parameters: [.pathID()], success: APIOperation.noContent, errors: [404])) { _, context in
            guard try await feature.destinations.delete(try context.pathID(what: "Destination"), by: AuditActor(identity: try context.requireIdentity(), requestID: context.id)) else {
                throw AppError.notFound("Destination")
            }
            return Reply.noContent()
        }

        table.api(.post, "/api/v1/destinations/{id}/resume", Self.admins,
                  APIOperation(id: "resumeDestination", summary: "Resume a destination that paused itself", tag: "Delivery",
                               parameters: [.pathID()], success: APIOperation.ok(.object([Schema.Property("resumed", .boolean)])), errors: [404])) { _, context in
            let id = try context.pathID(what: "Destination")
            guard try await feature.destinations.find(id) != nil else { throw AppError.notFound("Destination") }
            struct Out: Encodable { let resumed: Bool }
            return try Reply.json(Out(resumed: try await feature.destinations.resume(id, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))))
        }
    }

    func topicNames() async throws -> [(Int64, String)] {
        try await feature.database.reader.raw("SELECT id, name FROM topics ORDER BY name").all().map {
            (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self))
        }
    }
}

enum DestinationPages {
    static func list(_ page: PageContext, _ list: [Destination], topics: [(Int64, String)], canStore: Bool, error: AppError?, form: [String: String]) -> [HTMLNode] {
        let names = Dictionary(uniqueKeysWithValues: topics)
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = [
            UI.heading("Chat and webhooks", subtitle: "Team channels in Slack or Microsoft Teams, and other systems, that receive published posts."),
            el("p", [], [link("← Delivery channels", "/deliveries/channels")]),
        ]
        for paused in list where paused.paused {
            nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: "“\(paused.name)” is paused: \(paused.pauseReason ?? "")"))
        }
        nodes.append(UI.table(caption: "Destinations", headers: ["Name", "Kind", "Address", "Topics", "State", ""], rows: list.map { d in
            [text(d.name), text(d.kind.title), el("code", text: d.host + "/…"),
             text(d.topicIDs.isEmpty ? "every post" + (d.kind == .webhook ? "" : " with the chat channel") : d.topicIDs.compactMap { names[$0] }.joined(separator: ", ")),
             text(d.paused ? "paused" : "active"),
             group([
                d.paused ? inline("/deliveries/destinations/\(d.id)/resume", page.csrfToken, "Resume") : text(""),
                inline("/deliveries/destinations/\(d.id)/delete", page.csrfToken, "Remove"),
             ])]
        }, empty: "No destinations yet. Posts that choose the chat channel wait for one."))
        if !canStore {
            nodes.append(el("p", [("class", "flash error")], text: "Webhook addresses are secrets: set TANDEM_SECRET_KEY on every server to add destinations (docs/OPERATIONS.md)."))
        }
        nodes.append(el("h2", text: "Add a destination"))
        nodes.append(UI.form(action: "/deliveries/destinations", csrf: page.csrfToken, submit: "Add destination", [
            UI.field("Name", name: "name", value: form["name"] ?? "", required: true, hint: "What people call it, such as #all-hands.", error: problem("name")),
            UI.select("Kind", name: "kind", options: Destination.Kind.allCases.map { ($0.rawValue, $0.title) }, selected: form["kind"]),
            UI.field("Webhook address", name: "url", type: "url", required: true,
                     hint: "From Slack (Incoming Webhooks) or Teams (Workflows: post to a channel when a webhook request is received). Stored encrypted; never shown again.",
                     error: problem("url"), autocomplete: "off"),
            UI.field("Signing secret (generic webhooks)", name: "signing_secret", type: "password",
                     hint: "Optional: each request then carries X-Tandem-Signature (HMAC-SHA256 of the timestamp and body).", error: problem("signing_secret"), autocomplete: "off"),
            UI.checkboxes("Only posts on these topics (none: every post)", name: "topic_ids", options: topics.map { (String($0.0), $0.1) }, checked: []),
        ]))
        if let error, error.field == nil || !["name", "url", "signing_secret"].contains(error.field!) {
            nodes.insert(el("p", [("class", "flash error"), ("role", "alert")], text: error.message), at: 2)
        }
        return nodes
    }

    static func inline(_ action: String, _ csrf: String, _ label: String) -> HTMLNode {
        el("form", [("method", "post"), ("action", action), ("class", "inline-action")], [Layout.csrfField(csrf), el("button", [("type", "submit")], text: label)])
    }
}
