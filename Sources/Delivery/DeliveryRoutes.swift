import Audit
import Content
import Foundation
import Hummingbird
import TandemCore
import TandemUI

struct DeliveryRoutes {
    let feature: DeliveryFeature

    static let sendSchema = Schema.object([
        Schema.Property("post_id", .id), Schema.Property("version", .integer(minimum: 1)), Schema.Property("rule", .text, description: "The audience rule it was resolved with."),
        Schema.Property("channels", .array(.enumeration(Channel.allCases.map(\.rawValue)))),
        Schema.Property("state", .enumeration(["resolving", "resolved", "stopped", "skipped"])),
        Schema.Property("people", .integer(minimum: 0)), Schema.Property("deliveries", .integer(minimum: 0)), Schema.Property("unreachable", .integer(minimum: 0)),
        Schema.Property("started_at", .dateTime), Schema.Property("resolved_at", .nullable(.dateTime), required: false),
    ])
    static let statusSchema = Schema.object([
        Schema.Property("post_id", .id), Schema.Property("send", .nullable(sendSchema), required: false, description: "Absent until the post is published."),
        Schema.Property("channels", .array(.object([
            Schema.Property("channel", .enumeration(Channel.allCases.map(\.rawValue))), Schema.Property("counts", .map(.integer(minimum: 0))),
            Schema.Property("total", .integer(minimum: 0)),
        ]))),
    ])

    static func filters(_ request: Request, strict: Bool) throws -> (DeliveryState?, Channel?) {
        var state: DeliveryState?, channel: Channel?
        if let raw = try request.queryText("state", max: 20, strict: strict) {
            guard let value = DeliveryState(rawValue: raw) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'state' is one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", ")).", field: "state")
            }
            state = value
        }
        if let raw = try request.queryText("channel", max: 20, strict: strict) {
            guard let value = Channel(rawValue: raw), RecipientPlan.personal.contains(value) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'channel' is feed, email or sms.", field: "channel")
            }
            channel = value
        }
        return (state, channel)
    }

    func register(in table: RouteTable) {
        let readers = DeliveryFeature.readers

        table.page(.get, "/deliveries", readers) { request, context in
            let recent = try await feature.store.recent()
            let email = EmailRoutes.managers.allows(context.identity), admin = ChannelRoutes.admins.allows(context.identity)
            let paused = try await feature.channels.paused()
            return Pages.render(request, context, title: "Delivery") { _ in DeliveryPages.overview(recent, email: email, admin: admin, paused: paused) }
        }

        table.page(.get, "/posts/{id}/deliveries", readers) { request, context in
            let id = try context.pathID(what: "Post")
            let status = try await feature.store.status(of: id)
            let canRetry = Access.roles([.hr, .comms, .marketing]).allows(context.identity), isAdmin = Access.only(.admin).allows(context.identity)
            let destinations = try await feature.destinationWorker.status(post: id)
            return Pages.render(request, context, title: "Delivery of post \(id)") {
                DeliveryPages.status($0, status, canRetry: canRetry, isAdmin: isAdmin) + (destinations.isEmpty ? [] : [
                    UI.table(caption: "Chat and webhooks", headers: ["Destination", "Kind", "State", "Attempts", "Last error"], rows: destinations.map {
                        [text($0.name), text($0.kind.rawValue), text($0.state.title), text(String($0.attempts)), text($0.error ?? "")]
                    }, empty: ""),
                ])
            }
        }

        let editors: Access = .roles([.hr, .comms, .marketing])
        let recipientSchema = Schema.object([
            Schema.Property("id", .id), Schema.Property("employee_id", .text), Schema.Property("name", .text),
            Schema.Property("channel", .enumeration(Channel.allCases.map(\.rawValue))), Schema.Property("state", .enumeration(DeliveryState.allCases.map(\.rawValue))),
            Schema.Property("attempts", .integer(minimum: 0)), Schema.Property("due_at", .dateTime), Schema.Property("sent_at", .nullable(.dateTime), required: false),
            Schema.Property("last_error", .nullable(.text), required: false),
        ])
        let stateParameter = APIParameter("state", in: .query, .enumeration(DeliveryState.allCases.map(\.rawValue)), description: "Only deliveries in this state.")
        let channelParameter = APIParameter("channel", in: .query, .enumeration(RecipientPlan.personal.map(\.rawValue)), description: "Only this channel.")

        table.page(.get, "/posts/{id}/deliveries/recipients", .only(.admin)) { request, context in
            let id = try context.pathID(what: "Post")
            let (state, channel) = try Self.filters(request, strict: false)
            let page = try await feature.store.recipients(of: id, state: state, channel: channel, cursor: try Cursor.decode(request.query("cursor")), limit: 100)
            return Pages.render(request, context, title: "Recipients of post \(id)") { _ in DeliveryPages.recipients(id, page: page, state: state, channel: channel) }
        }

        table.page(.post, "/posts/{id}/deliveries/retry", editors) { _, context in
            let id = try context.pathID(what: "Post")
            let identity = try context.requireIdentity()
            do {
                let count = try await feature.store.retry(post: id, by: AuditActor(identity: identity, requestID: context.id))
                return Pages.redirect("/posts/\(id)/deliveries", flash: Flash(.success, count == 0 ? "Nothing had failed." : "\(count) deliveries will be sent again now."), context: context)
            } catch let error as AppError where error.status == .conflict {
                return Pages.redirect("/posts/\(id)/deliveries", flash: Flash(.error, error.message), context: context)
            }
        }

        table.api(.get, "/api/v1/posts/{id}/deliveries/recipients", .only(.admin),
                  APIOperation(id: "listPostRecipients", summary: "Each person's delivery per channel (admins only)", tag: "Delivery",
                               parameters: [.pathID(), stateParameter, channelParameter, .cursor, .limit],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(recipientSchema)), Schema.Property("next_cursor", .nullable(.text), required: false)])),
                               errors: [400, 404])) { request, context in
            struct List: Encodable { let data: [RecipientDelivery]; let nextCursor: String? }
            let id = try context.pathID(what: "Post")
            guard try await feature.scheduler.posts.find(id: id) != nil else { throw AppError.notFound("Post") }
            let (state, channel) = try Self.filters(request, strict: true)
            let page = try await feature.store.recipients(of: id, state: state, channel: channel, cursor: try Cursor.decode(request.query("cursor")),
                                                          limit: try Cursor.limit(request.query("limit")))
            return try Reply.json(List(data: page.items, nextCursor: page.nextCursor))
        }

        table.api(.post, "/api/v1/posts/{id}/deliveries/retry", editors,
                  APIOperation(id: "retryPostDeliveries", summary: "Send the post's failed and dead deliveries again now", tag: "Delivery",
                               parameters: [.pathID()], success: APIOperation.ok(.object([Schema.Property("retried", .integer(minimum: 0))])), errors: [404, 409])) { _, context in
            struct Retried: Encodable { let retried: Int }
            let identity = try context.requireIdentity()
            let count = try await feature.store.retry(post: try context.pathID(what: "Post"), by: AuditActor(identity: identity, requestID: context.id))
            return try Reply.json(Retried(retried: count))
        }

        table.api(.get, "/api/v1/posts/{id}/deliveries", readers,
                  APIOperation(id: "getPostDeliveries", summary: "The post's frozen audience and its deliveries per channel and state", tag: "Delivery",
                               parameters: [.pathID()], success: APIOperation.ok(Self.statusSchema), errors: [404])) { _, context in
            let id = try context.pathID(what: "Post")
            let status = try await feature.store.status(of: id)
            if status.send == nil && status.channels.isEmpty, try await feature.scheduler.posts.find(id: id) == nil { throw AppError.notFound("Post") }
            return try Reply.json(status)
        }
    }
}

enum DeliveryPages {
    static func overview(_ recent: [(send: SendSummary, title: String)], email: Bool, admin: Bool, paused: [ChannelStatus]) -> [HTMLNode] {
        paused.map { channel in
            el("div", [("class", "flash flash-error"), ("role", "alert")], [
                text("\(channel.channel.title) is paused: \(channel.pauseReason ?? "by an admin"). Its deliveries wait. "),
            ] + (admin ? [link("Channels", "/deliveries/channels")] : [text("An admin can resume it.")]))
        } + [
            UI.heading("Delivery", subtitle: "Published posts and who they were addressed to. Scheduled posts are published at their time, then their audience is frozen into one delivery per person and channel."),
            UI.table(caption: "Recent sends", headers: ["Post", "State", "People", "Deliveries", "Unreachable", "Started"], rows: recent.map { item in
                [link(item.title, "/posts/\(item.send.postID)/deliveries"), text(item.send.state.rawValue), text(String(item.send.people)),
                 text(String(item.send.deliveries)), text(String(item.send.unreachable)), text(item.send.startedAt.formatted(date: .abbreviated, time: .shortened))]
            }, empty: "Nothing has been published since delivery was set up."),
        ] + (email ? [el("p", [], [link("Email: SMTP server and undeliverable addresses", "/deliveries/email")])] : [])
          + (admin ? [el("p", [], [link("Channels: the SMS gateway", "/deliveries/channels")])] : [])
    }

    static func recipients(_ postID: Int64, page: Page<RecipientDelivery>, state: DeliveryState?, channel: Channel?) -> [HTMLNode] {
        var query: [String] = []
        if let state { query.append("state=\(state.rawValue)") }
        if let channel { query.append("channel=\(channel.rawValue)") }
        return [
            UI.heading("Recipients", subtitle: "Post \(postID): each person's delivery per channel. Visible to admins only."),
            el("form", [("method", "get"), ("action", "/posts/\(postID)/deliveries/recipients"), ("class", "filters")], [
                UI.select("State", name: "state", options: [(value: "", title: "Any")] + DeliveryState.allCases.map { ($0.rawValue, $0.title) }, selected: state?.rawValue ?? ""),
                UI.select("Channel", name: "channel", options: [(value: "", title: "Any")] + RecipientPlan.personal.map { ($0.rawValue, $0.title) }, selected: channel?.rawValue ?? ""),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Filter")]),
            ]),
            UI.table(caption: "Deliveries", headers: ["Employee", "Name", "Channel", "State", "Attempts", "Due", "Sent", "Last error"], rows: page.items.map { r in
                [text(r.employeeId), text(r.name), text(r.channel.title), text(r.state.title), text(String(r.attempts)),
                 text(r.dueAt.formatted(date: .abbreviated, time: .shortened)), text(r.sentAt.map { $0.formatted(date: .abbreviated, time: .shortened) } ?? "—"),
                 text(r.lastError ?? "")]
            }, empty: "No deliveries match."),
            UI.pagination(next: page.nextCursor.map { "/posts/\(postID)/deliveries/recipients?" + (query + ["cursor=\($0)"]).joined(separator: "&") }),
            el("p", [], [link("← Delivery status", "/posts/\(postID)/deliveries")]),
        ]
    }

    static func status(_ page: PageContext, _ status: DeliveryStatus, canRetry: Bool, isAdmin: Bool) -> [HTMLNode] {
        var nodes: [HTMLNode] = [UI.heading("Delivery", subtitle: "Post \(status.postID)")]
        if status.send != nil, Access.roles([.hr, .comms]).allows(page.identity) {
            nodes.append(el("p", [], [link("Acknowledgement board", "/posts/\(status.postID)/acknowledgements")]))
        }
        if let send = status.send {
            nodes.append(UI.details(caption: "Audience", [
                ("State", text(send.state.rawValue)), ("Rule", el("code", text: send.rule)), ("Version sent", text("v\(send.version)")),
                ("People", text(String(send.people))), ("Deliveries", text(String(send.deliveries))),
                ("Unreachable", text("\(send.unreachable) (no channel of this post reaches them)")),
                ("Channels chosen", text(send.channels.map(\.title).joined(separator: ", "))),
                ("Resolved", text(send.resolvedAt.map { $0.formatted(date: .abbreviated, time: .shortened) } ?? "in progress")),
            ]))
        } else {
            nodes.append(el("p", [], text: "Not published yet: the audience is frozen when the post is published."))
        }
        nodes.append(UI.table(caption: "Deliveries per channel", headers: ["Channel"] + DeliveryState.allCases.map(\.title) + ["Total"], rows: status.channels.map { line in
            [text(line.channel.title)] + DeliveryState.allCases.map { text(String(line.counts[$0.rawValue] ?? 0)) } + [text(String(line.total))]
        }, empty: "No deliveries."))
        let failed = status.channels.reduce(0) { $0 + ($1.counts[DeliveryState.failed.rawValue] ?? 0) + ($1.counts[DeliveryState.dead.rawValue] ?? 0) }
        if canRetry && failed > 0 {
            nodes.append(el("form", [("method", "post"), ("action", "/posts/\(status.postID)/deliveries/retry"), ("class", "inline-action")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit")], text: "Send the \(failed) failed or dead deliveries again now"),
            ]))
        }
        if isAdmin { nodes.append(el("p", [], [link("Each recipient's delivery", "/posts/\(status.postID)/deliveries/recipients")])) }
        nodes.append(el("p", [], [link("← The post", "/posts/\(status.postID)")]))
        return nodes
    }
}
