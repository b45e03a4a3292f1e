import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Comments by form and API, and the mentions inbox.
struct CommentRoutes {
    let feature: ContentFeature
    var comments: PostCommentStore { feature.comments }

    static let commentSchema = Schema.object([
        Schema.Property("id", .id), Schema.Property("post_id", .id), Schema.Property("thread_id", .nullable(.id), required: false),
        Schema.Property("author_id", .id), Schema.Property("author_name", .text), Schema.Property("post_version", .integer(minimum: 1)),
        Schema.Property("body", .text, description: "Markdown as written; empty once removed."),
        Schema.Property("body_html", .text, description: "Rendered and sanitised."),
        Schema.Property("created_at", .dateTime), Schema.Property("deleted_at", .nullable(.dateTime), required: false),
        Schema.Property("resolved_at", .nullable(.dateTime), required: false), Schema.Property("resolved_by", .nullable(.text), required: false),
        Schema.Property("mentioned", .array(.text)),
    ])
    static let threadSchema = Schema.object([Schema.Property("root", .ref("Comment")), Schema.Property("replies", .array(.ref("Comment")))])
    static let mentionSchema = Schema.object([
        Schema.Property("comment_id", .id), Schema.Property("post_id", .id), Schema.Property("post_title", .text), Schema.Property("author_name", .text),
        Schema.Property("excerpt", .text), Schema.Property("created_at", .dateTime), Schema.Property("read_at", .nullable(.dateTime), required: false),
    ])
    static let commentInput = Schema.object([
        Schema.Property("body", .string(minLength: 1, maxLength: PostCommentStore.maximumLength)),
        Schema.Property("reply_to", .nullable(.id), required: false, description: "A comment on the same post; the reply joins its thread."),
    ])

    struct CommentInput: Decodable {
        let body: String
        let replyTo: Int64?
    }

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers
        table.component("Comment", Self.commentSchema)
        let commentParameter = APIParameter.pathID("comment")

        // Pages: the thread forms on the post page post here and return to it.
        table.page(.post, "/posts/{id}/comments", readers) { request, context in
            let postID = try context.pathID(what: "Post")
            let form = try await request.form(context: context)
            var replyTo: Int64?
            if let raw = form.text("reply_to") {
                guard let id = Int64(raw), id > 0 else { throw AppError.invalid("reply_to", "Reply from the post page.") }
                replyTo = id
            }
            do {
                let comment = try await comments.add(post: postID, body: form["body"] ?? "", replyTo: replyTo, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(postID)#comment-\(comment.id)", flash: Flash(.success, "Comment added."), context: context)
            } catch let error as AppError where error.status != .unauthorized && error.status != .forbidden && error.status != .notFound {
                return Pages.redirect("/posts/\(postID)#comments", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/posts/{id}/comments/{comment}/delete", readers) { _, context in
            let postID = try context.pathID(what: "Post")
            try await comments.delete(try context.pathID("comment", what: "Comment"), post: postID, by: try ContentFeature.actor(context))
            return Pages.redirect("/posts/\(postID)#comments", flash: Flash(.success, "Comment removed."), context: context)
        }

        table.page(.post, "/posts/{id}/comments/{comment}/resolve", readers) { request, context in
            let postID = try context.pathID(what: "Post")
            let form = try await request.form(context: context)
            let resolved = form["resolved"] != "0"
            do {
                let thread = try await comments.resolve(thread: try context.pathID("comment", what: "Comment"), post: postID, resolved: resolved, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(postID)#thread-\(thread.root.id)", flash: Flash(.success, resolved ? "Thread resolved." : "Thread reopened."), context: context)
            } catch let error as AppError where error.status == .conflict || error.status == .unprocessableContent {
                return Pages.redirect("/posts/\(postID)#comments", flash: Flash(.error, error.message), context: context)
            }
        }

        // API
        table.api(.get, "/api/v1/posts/{id}/comments", readers,
                  APIOperation(id: "listPostComments", summary: "Comment threads on a post, oldest first", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.threadSchema))])), errors: [404])) { _, context in
            struct Threads: Encodable { let data: [CommentThread] }
            let postID = try context.pathID(what: "Post")
            guard try await feature.posts.find(id: postID) != nil else { throw AppError.notFound("Post") }
            return try Reply.json(Threads(data: try await comments.threads(of: postID)))
        }

        table.api(.post, "/api/v1/posts/{id}/comments", readers,
                  APIOperation(id: "addPostComment", summary: "Comment on a post (or reply, with reply_to); @mentions reach the people named", tag: "Content",
                               parameters: [.pathID()], requestBody: Self.commentInput, success: APIOperation.created(.ref("Comment")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let postID = try context.pathID(what: "Post")
            let input = try await request.json(CommentInput.self, context: context)
            let comment = try await comments.add(post: postID, body: input.body, replyTo: input.replyTo, by: try ContentFeature.actor(context))
            return try Reply.json(comment, status: .created)
        }

        table.api(.delete, "/api/v1/posts/{id}/comments/{comment}", readers,
                  APIOperation(id: "deletePostComment", summary: "Remove your comment's text (admins: anyone's); replies stay", tag: "Content",
                               parameters: [.pathID(), commentParameter], success: APIOperation.noContent, errors: [404])) { _, context in
            try await comments.delete(try context.pathID("comment", what: "Comment"), post: try context.pathID(what: "Post"), by: try ContentFeature.actor(context))
            return Reply.noContent()
        }

        table.api(.post, "/api/v1/posts/{id}/comments/{comment}/resolve", readers,
                  APIOperation(id: "resolvePostCommentThread", summary: "Resolve a thread, or reopen it with resolved=false", tag: "Content",
                               parameters: [.pathID(), commentParameter], requestBody: .object([Schema.Property("resolved", .boolean)]),
                               success: APIOperation.ok(Self.threadSchema), errors: [400, 404, 409, 415, 422])) { request, context in
            struct Input: Decodable { let resolved: Bool }
            let input = try await request.json(Input.self, context: context)
            let thread = try await comments.resolve(thread: try context.pathID("comment", what: "Comment"), post: try context.pathID(what: "Post"),
                                                    resolved: input.resolved, by: try ContentFeature.actor(context))
            return try Reply.json(thread)
        }

        table.api(.get, "/api/v1/mentions", readers,
                  APIOperation(id: "listMentions", summary: "Comments that mention you, newest first", tag: "Content",
                               parameters: [APIParameter("unread", in: .query, .enumeration(["true", "false"]), description: "Only those you have not read (opened the post since).")],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.mentionSchema)), Schema.Property("unread", .integer(minimum: 0))])),
                               errors: [400])) { request, context in
            struct Mentions: Encodable { let data: [Mention]; let unread: Int }
            let unreadOnly: Bool
            switch try request.queryText("unread", max: 5, strict: true) {
            case nil, "false": unreadOnly = false
            case "true": unreadOnly = true
            default: throw AppError(.badRequest, code: "invalid_parameter", message: "'unread' is true or false.", field: "unread")
            }
            let userID = try context.requireIdentity().userID
            return try Reply.json(Mentions(data: try await comments.mentions(for: userID, unreadOnly: unreadOnly), unread: try await comments.unreadCount(for: userID)))
        }
    }
}
