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

    func register(in table: RouteTable) {
        let readers = DeliveryFeature.readers

        table.page(.get, "/deliveries", readers) { request, context in
            let recent = try await feature.store.recent()
            return Pages.render(request, context, title: "Delivery") { _ in DeliveryPages.overview(recent) }
        }

        table.page(.get, "/posts/{id}/deliveries", readers) { request, context in
            let id = try context.pathID(what: "Post")
            let status = try await feature.store.status(of: id)
            return Pages.render(request, context, title: "Delivery of post \(id)") { _ in DeliveryPages.status(status) }
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
    static func overview(_ recent: [(send: SendSummary, title: String)]) -> [HTMLNode] {
        [
            UI.heading("Delivery", subtitle: "Published posts and who they were addressed to. Scheduled posts are published at their time, then their audience is frozen into one delivery per person and channel."),
            UI.table(caption: "Recent sends", headers: ["Post", "State", "People", "Deliveries", "Unreachable", "Started"], rows: recent.map { item in
                [link(item.title, "/posts/\(item.send.postID)/deliveries"), text(item.send.state.rawValue), text(String(item.send.people)),
                 text(String(item.send.deliveries)), text(String(item.send.unreachable)), text(item.send.startedAt.formatted(date: .abbreviated, time: .shortened))]
            }, empty: "Nothing has been published since delivery was set up."),
        ]
    }

    static func status(_ status: DeliveryStatus) -> [HTMLNode] {
        var nodes: [HTMLNode] = [UI.heading("Delivery", subtitle: "Post \(status.postID)")]
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
        nodes.append(el("p", [], [link("← The post", "/posts/\(status.postID)")]))
        return nodes
    }
}
