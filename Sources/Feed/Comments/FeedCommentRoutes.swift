import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Employees comment under feed posts; HR and IC approve or reject each comment before others
/// see it (`/moderation/comments`).
struct FeedCommentRoutes {
    let feature: FeedFeature
    static let moderators: Access = .roles([.hr, .comms])

    func register(in table: RouteTable) {
        let feed = FeedRoutes(feature: feature)
        table.page(.post, "/feed/posts/{id}/comments", .employee) { request, context in
            let form = try await request.form(context: context)
            let (reader, entry, _) = try await feed.post(context)
            do {
                _ = try await feature.comments.add(post: entry.postID, employee: reader.employeeID, body: form["body"] ?? "")
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .tooManyRequests {
                return Pages.redirect("/feed/posts/\(entry.postID)#comments", flash: Flash(.error, error.message), context: context)
            }
            return Pages.redirect("/feed/posts/\(entry.postID)#comments",
                                  flash: Flash(.success, "Thank you. Your comment appears for others once HR or Internal Communications approve it."), context: context)
        }

        table.page(.get, "/moderation/comments", Self.moderators) { request, context in
            let state = FeedComment.State(rawValue: request.query("state") ?? "pending") ?? .pending
            let queue = try await feature.comments.queue(state: state)
            return Pages.render(request, context, title: "Comment moderation") { FeedCommentPages.queue($0, queue, state: state) }
        }

        table.page(.post, "/moderation/comments/{id}", Self.moderators) { request, context in
            let id = try context.pathID(what: "Comment")
            let form = try await request.form(context: context)
            guard let decision = form["decision"], ["approve", "reject"].contains(decision) else {
                throw AppError.invalid("decision", "Choose approve or reject.")
            }
            let actor = AuditActor(identity: try context.requireIdentity(), requestID: context.id)
            guard try await feature.comments.moderate(id, approve: decision == "approve", reason: form["reason"], by: actor) != nil else {
                return Pages.redirect("/moderation/comments", flash: Flash(.info, "That comment was already moderated."), context: context)
            }
            return Pages.redirect("/moderation/comments", flash: Flash(.success, decision == "approve" ? "Approved: everyone who reads the post sees it." : "Rejected: only its author saw it."), context: context)
        }

        let schema = Schema.object([
            Schema.Property("id", .id), Schema.Property("post_id", .id), Schema.Property("employee_id", .id), Schema.Property("author_name", .text),
            Schema.Property("body", .text), Schema.Property("body_html", .text), Schema.Property("state", .enumeration(FeedComment.State.allCases.map(\.rawValue))),
            Schema.Property("created_at", .dateTime), Schema.Property("moderated_at", .nullable(.dateTime), required: false),
            Schema.Property("moderated_by", .nullable(.text), required: false), Schema.Property("reason", .nullable(.text), required: false),
        ])
        table.component("FeedComment", schema)
        struct List: Encodable { let data: [FeedComment] }

        table.api(.get, "/api/v1/feed/posts/{id}/comments", .employee,
                  APIOperation(id: "listFeedComments", summary: "Approved comments under a feed post, and your own still waiting", tag: "Feed",
                               parameters: [.pathID()], success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("FeedComment")))])), errors: [404])) { _, context in
            let (reader, entry, _) = try await feed.post(context)
            return try Reply.json(List(data: try await feature.comments.visible(post: entry.postID, to: reader.employeeID)))
        }

        table.api(.post, "/api/v1/feed/posts/{id}/comments", .employee,
                  APIOperation(id: "addFeedComment", summary: "Comment under a feed post (Markdown; shown to others once approved; 5 per 10 minutes, 30 a day)", tag: "Feed",
                               parameters: [.pathID()], requestBody: .object([Schema.Property("body", .string(minLength: 1, maxLength: FeedCommentStore.maximumLength))]),
                               success: APIOperation.created(.ref("FeedComment")), errors: [400, 404, 415, 422, 429])) { request, context in
            struct Input: Decodable { let body: String }
            let input = try await request.json(Input.self, context: context)
            let (reader, entry, _) = try await feed.post(context)
            return try Reply.json(try await feature.comments.add(post: entry.postID, employee: reader.employeeID, body: input.body), status: .created)
        }

        table.api(.get, "/api/v1/feed/comments", Self.moderators,
                  APIOperation(id: "listCommentsForModeration", summary: "Employees' comments by state (the moderation queue: pending, oldest first)", tag: "Feed",
                               parameters: [APIParameter("state", in: .query, .enumeration(FeedComment.State.allCases.map(\.rawValue)), description: "Default pending.")],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("FeedComment")))])), errors: [400])) { request, context in
            guard let state = FeedComment.State(rawValue: request.query("state") ?? "pending") else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'state' must be pending, approved or rejected.", field: "state")
            }
            return try Reply.json(List(data: try await feature.comments.queue(state: state).map(\.comment)))
        }

        table.api(.post, "/api/v1/feed/comments/{id}/moderation", Self.moderators,
                  APIOperation(id: "moderateComment", summary: "Approve or reject a pending comment (audited)", tag: "Feed",
                               parameters: [.pathID()],
                               requestBody: .object([Schema.Property("decision", .enumeration(["approve", "reject"])), Schema.Property("reason", .line(0...300), required: false)]),
                               success: APIOperation.ok(.ref("FeedComment")), errors: [400, 404, 409, 415, 422])) { request, context in
            struct Input: Decodable { let decision: String; let reason: String? }
            let input = try await request.json(Input.self, context: context)
            guard ["approve", "reject"].contains(input.decision) else { throw AppError.invalid("decision", "Choose approve or reject.") }
            let id = try context.pathID(what: "Comment")
            guard let existing = try await feature.comments.find(id) else { throw AppError.notFound("Comment") }
            let actor = AuditActor(identity: try context.requireIdentity(), requestID: context.id)
            guard let done = try await feature.comments.moderate(id, approve: input.decision == "approve", reason: input.reason, by: actor) else {
                throw AppError(.conflict, code: "already_moderated", message: "This comment was already \(existing.state.rawValue).")
            }
            return try Reply.json(done)
        }
    }
}

enum FeedCommentPages {
    /// Under a post in the feed: the comments the reader may see, and the form.
    static func section(_ comments: [FeedComment], postID: Int64, csrf: String) -> String {
        var html = "<section id=\"comments\" class=\"feed-post comments\"><h2>Comments</h2>"
        if comments.isEmpty { html += "<p class=\"hint\">No comments yet.</p>" }
        for comment in comments {
            html += "<article class=\"comment\"><p class=\"meta\"><strong>" + Escape.html(comment.authorName) + "</strong> · " + FeedPages.day(comment.createdAt)
            if comment.state == .pending { html += " <span class=\"badge ack-needed\">Waiting for approval</span>" }
            // body_html was sanitised when the comment was written (Content's HTMLSanitizer).
            html += "</p>" + comment.bodyHtml + "</article>"
        }
        html += "<form method=\"post\" action=\"/feed/posts/\(postID)/comments\"><input type=\"hidden\" name=\"_csrf\" value=\"" + Escape.html(csrf) + "\"/>"
        html += "<div class=\"field\"><label for=\"f-body\">Your comment</label><textarea id=\"f-body\" name=\"body\" rows=\"3\" maxlength=\"\(FeedCommentStore.maximumLength)\" required=\"required\" aria-describedby=\"f-body-note\"></textarea>"
        html += "<p id=\"f-body-note\" class=\"hint\">HR or Internal Communications read comments before others see them. Markdown works.</p></div>"
        return html + "<button type=\"submit\">Send comment</button></form></section>"
    }

    static func queue(_ page: PageContext, _ queue: [(comment: FeedComment, postTitle: String)], state: FeedComment.State) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("Comment moderation", subtitle: "Employees' comments on feed posts wait here until you approve them."),
            el("p", [], FeedComment.State.allCases.map { s in
                s == state ? el("strong", text: s.rawValue.capitalized + " ") : group([link(s.rawValue.capitalized, "/moderation/comments?state=\(s.rawValue)"), text(" ")])
            }),
        ]
        if queue.isEmpty { nodes.append(UI.emptyState(state == .pending ? "Nothing waits for moderation." : "None.")) }
        for (comment, title) in queue {
            var children: [HTMLNode] = [
                el("p", [("class", "meta")], [text("\(comment.authorName) on "), link(title, "/posts/\(comment.postId)"), text(" · \(FeedPages.day(comment.createdAt))")]),
                sanitizedHTML(comment.bodyHtml),
            ]
            if comment.state == .pending {
                children.append(el("form", [("method", "post"), ("action", "/moderation/comments/\(comment.id)"), ("class", "inline-action")], [
                    Layout.csrfField(page.csrfToken),
                    el("input", [("type", "text"), ("name", "reason"), ("maxlength", "300"), ("placeholder", "Reason (optional)"), ("aria-label", "Reason")]),
                    el("button", [("type", "submit"), ("name", "decision"), ("value", "approve")], text: "Approve"),
                    el("button", [("type", "submit"), ("name", "decision"), ("value", "reject")], text: "Reject"),
                ]))
            } else {
                children.append(el("p", [("class", "hint")], text: "\(comment.state.rawValue.capitalized) by \(comment.moderatedBy ?? "?")" + (comment.reason.map { ": \($0)" } ?? "")))
            }
            nodes.append(el("div", [("class", "card")], children))
        }
        return nodes
    }
}
