import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The acknowledgement board of a post: totals, by site and by manager, and who still has to
/// acknowledge, with a CSV export. Names are shown, so only admins, HR and IC see it.
struct AckBoardRoutes {
    let feature: FeedFeature
    static let readers: Access = .roles([.hr, .comms])

    func register(in table: RouteTable) {
        table.page(.get, "/posts/{id}/acknowledgements", Self.readers) { request, context in
            let id = try context.pathID(what: "Post")
            guard let board = try await feature.board.board(post: id) else { throw AppError.notFound("Post") }
            let waiting = try await feature.board.people(post: id, waitingOnly: true, limit: 500)
            return Pages.render(request, context, title: "Acknowledgements of post \(id)") { _ in AckBoardPages.board(board, waiting: waiting) }
        }

        table.page(.get, "/posts/{id}/acknowledgements.csv", Self.readers) { _, context in
            let id = try context.pathID(what: "Post")
            guard try await feature.board.board(post: id) != nil else { throw AppError.notFound("Post") }
            var csv = CSVWriter(header: ["employee_id", "name", "site", "manager", "acknowledged_at"])
            let formatter = ISO8601DateFormatter()
            for person in try await feature.board.people(post: id, waitingOnly: false, limit: nil) {
                csv.append([person.employeeId, person.name, person.site ?? "", person.manager ?? "", person.acknowledgedAt.map(formatter.string(from:)) ?? ""])
            }
            return Reply.download(csv.text, filename: "tandem-post-\(id)-acknowledgements.csv", contentType: "text/csv; charset=utf-8")
        }

        let group = Schema.object([Schema.Property("name", .text), Schema.Property("recipients", .integer(minimum: 0)), Schema.Property("acknowledged", .integer(minimum: 0))])
        table.api(.get, "/api/v1/posts/{id}/acknowledgements", Self.readers,
                  APIOperation(id: "getAcknowledgements", summary: "Who has acknowledged a post: totals, by site and by manager, and the people still waiting", tag: "Feed",
                               parameters: [.pathID()],
                               success: APIOperation.ok(.object([
                                   Schema.Property("post_id", .id), Schema.Property("requires_acknowledgement", .boolean),
                                   Schema.Property("recipients", .integer(minimum: 0)), Schema.Property("acknowledged", .integer(minimum: 0)),
                                   Schema.Property("by_site", .array(group)), Schema.Property("by_manager", .array(group)),
                                   Schema.Property("waiting", .array(.object([
                                       Schema.Property("employee_id", .text), Schema.Property("name", .text),
                                       Schema.Property("site", .nullable(.text), required: false), Schema.Property("manager", .nullable(.text), required: false),
                                   ]))),
                               ])), errors: [404])) { _, context in
            let id = try context.pathID(what: "Post")
            guard let board = try await feature.board.board(post: id) else { throw AppError.notFound("Post") }
            struct Waiting: Encodable { let employeeId: String; let name: String; let site: String?; let manager: String? }
            struct Out: Encodable {
                let postId: Int64; let requiresAcknowledgement: Bool; let recipients: Int; let acknowledged: Int
                let bySite: [AckBoardStore.Group]; let byManager: [AckBoardStore.Group]; let waiting: [Waiting]
            }
            let waiting = try await feature.board.people(post: id, waitingOnly: true, limit: nil)
                .map { Waiting(employeeId: $0.employeeId, name: $0.name, site: $0.site, manager: $0.manager) }
            return try Reply.json(Out(postId: id, requiresAcknowledgement: board.requiresAcknowledgement, recipients: board.recipients,
                                      acknowledged: board.acknowledged, bySite: board.bySite, byManager: board.byManager, waiting: waiting))
        }
    }
}

enum AckBoardPages {
    static func board(_ board: AckBoardStore.Board, waiting: [AckBoardStore.Person]) -> [HTMLNode] {
        func percent(_ part: Int, _ whole: Int) -> String { whole == 0 ? "–" : "\(part * 100 / whole)%" }
        func groups(_ caption: String, _ list: [AckBoardStore.Group]) -> HTMLNode {
            UI.table(caption: caption, headers: ["Name", "Recipients", "Acknowledged", "Waiting", "Share"], rows: list.map {
                [text($0.name), text(String($0.recipients)), text(String($0.acknowledged)), text(String($0.recipients - $0.acknowledged)), text(percent($0.acknowledged, $0.recipients))]
            }, empty: "Nobody has received this post yet.")
        }
        var nodes: [HTMLNode] = [
            UI.heading("Acknowledgements", subtitle: "Post \(board.postId): who has confirmed reading it, and who has not."),
            el("p", [], [link("Delivery status", "/posts/\(board.postId)/deliveries"), text(" · "),
                         link("Download CSV (everyone)", "/posts/\(board.postId)/acknowledgements.csv"), text(" · "),
                         link("Refresh", "/posts/\(board.postId)/acknowledgements")]),
        ]
        if !board.requiresAcknowledgement {
            nodes.append(el("p", [("class", "flash info")], text: "This post does not ask for acknowledgement; people can still confirm it from the post."))
        }
        var live: [HTMLNode] = []
        live.append(UI.details(caption: "Totals", [
            ("Recipients", text(String(board.recipients))),
            ("Acknowledged", el("span", [("id", "ack-count")], text: "\(board.acknowledged) (\(percent(board.acknowledged, board.recipients)))")),
            ("Waiting", text(String(board.recipients - board.acknowledged))),
        ]))
        live.append(groups("By site", board.bySite))
        live.append(groups("By manager", board.byManager))
        live.append(UI.table(caption: "Still waiting" + (waiting.count == 500 ? " (first 500; the CSV has everyone)" : ""),
                              headers: ["Employee", "Name", "Site", "Manager"], rows: waiting.map {
            [text($0.employeeId), text($0.name), text($0.site ?? ""), text($0.manager ?? "")]
        }, empty: "Everyone has acknowledged."))
        // Refreshed in place every 10 s while the page is open (tandem.js, `data-live`).
        nodes.append(el("div", [("id", "ack-board"), ("data-live", "10"), ("aria-live", "polite")], live))
        return nodes
    }
}
