import Foundation
import Hummingbird
import TandemCore

/// Posts over the API: CRUD with optimistic locking, workflow transitions, history, review queue.
struct PostAPIRoutes {
    let feature: ContentFeature
    var posts: PostStore { feature.posts }

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors
        let stateParameter = APIParameter("state", in: .query, .enumeration(PostState.allCases.map(\.rawValue)), description: "Only posts in this state.")
        let topicParameter = APIParameter("topic_id", in: .query, .integer(minimum: 1), description: "Only posts on this topic.")

        table.api(.get, "/api/v1/posts", readers,
                  APIOperation(id: "listPosts", summary: "Posts, newest first", tag: "Content", parameters: [stateParameter, topicParameter, .cursor, .limit],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Post"))), Schema.Property("next_cursor", .nullable(.text), required: false)])),
                               errors: [400])) { request, context in
            let page = try await posts.list(try Self.filter(request, strict: true), cursor: try Cursor.decode(request.query("cursor")), limit: try Cursor.limit(request.query("limit")))
            var items: [ContentAPI.PostJSON] = []
            for post in page.items { items.append(try await json(post, context)) }
            return try Reply.json(ContentAPI.List(data: items, nextCursor: page.nextCursor))
        }

        table.api(.post, "/api/v1/posts", editors,
                  APIOperation(id: "createPost", summary: "Draft a post", tag: "Content", requestBody: ContentAPI.postInput,
                               success: APIOperation.created(.ref("Post")), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(ContentAPI.PostInput.self, context: context)
            let post = try await posts.create(try ContentAPI.content(input), by: try ContentFeature.actor(context))
            return try Reply.json(try await json(post, context), status: .created)
        }

        table.api(.get, "/api/v1/posts/{id}", readers,
                  APIOperation(id: "getPost", summary: "One post with its variants and the actions you may take", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("Post")), errors: [404])) { _, context in
            try Reply.json(try await json(try await find(context), context))
        }

        table.api(.put, "/api/v1/posts/{id}", editors,
                  APIOperation(id: "updatePost", summary: "Save a new version (refused if someone saved since `version`; approved text returns to review)", tag: "Content",
                               parameters: [.pathID()], requestBody: ContentAPI.postInput, success: APIOperation.ok(.ref("Post")), errors: [400, 404, 409, 415, 422])) { request, context in
            let id = try context.pathID(what: "Post")
            let input = try await request.json(ContentAPI.PostInput.self, context: context)
            guard let version = input.version else { throw AppError.invalid("version", "Send the version you edited (the post's `version`), so nobody's changes are overwritten.") }
            let post = try await posts.update(id, try ContentAPI.content(input), expectedVersion: version, by: try ContentFeature.actor(context))
            return try Reply.json(try await json(post, context))
        }

        table.api(.post, "/api/v1/posts/{id}/transitions", readers,
                  APIOperation(id: "transitionPost", summary: "Move a post through the workflow (submit, approve, request changes, schedule, publish, …)", tag: "Content",
                               parameters: [.pathID()], requestBody: ContentAPI.transitionInput, success: APIOperation.ok(.ref("Post")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let id = try context.pathID(what: "Post")
            let input = try await request.json(ContentAPI.TransitionInput.self, context: context)
            let (action, zone) = try Self.action(input.action, publishAt: input.publishAt, timeZone: input.timeZone, note: input.note)
            let post = try await posts.transition(id, action, expectedVersion: input.version, note: input.note ?? "", scheduleZone: zone, by: try ContentFeature.actor(context))
            return try Reply.json(try await json(post, context))
        }

        table.api(.get, "/api/v1/posts/{id}/versions", readers,
                  APIOperation(id: "listPostVersions", summary: "Saved versions, newest first", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(ContentAPI.versionEntry))])), errors: [404])) { _, context in
            struct Entry: Encodable { let version: Int; let title: String; let savedBy: String; let savedAt: Date }
            struct Versions: Encodable { let data: [Entry] }
            let post = try await find(context)
            return try Reply.json(Versions(data: try await posts.versions(of: post.id).map {
                Entry(version: $0.version, title: $0.content.variant(for: $0.content.fallbackLanguage)?.title ?? "", savedBy: $0.savedBy, savedAt: $0.savedAt)
            }))
        }

        table.api(.get, "/api/v1/posts/{id}/events", readers,
                  APIOperation(id: "listPostEvents", summary: "Workflow history, newest first", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(ContentAPI.event))])), errors: [404])) { _, context in
            struct Events: Encodable { let data: [PostEvent] }
            let post = try await find(context)
            return try Reply.json(Events(data: try await posts.events(of: post.id)))
        }

        table.api(.get, "/api/v1/reviews", readers,
                  APIOperation(id: "listReviews", summary: "Posts waiting for your approval", tag: "Content",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Post")))])))) { _, context in
            struct Queue: Encodable { let data: [ContentAPI.PostJSON] }
            var items: [ContentAPI.PostJSON] = []
            for post in try await posts.reviewQueue(for: try context.requireIdentity().userID) { items.append(try await json(post, context)) }
            return try Reply.json(Queue(data: items))
        }
    }

    func find(_ context: TandemContext) async throws -> Post {
        guard let post = try await posts.find(id: try context.pathID(what: "Post")) else { throw AppError.notFound("Post") }
        return post
    }

    func json(_ post: Post, _ context: TandemContext) async throws -> ContentAPI.PostJSON {
        let actor = try ContentFeature.actor(context)
        return ContentAPI.PostJSON(post, actions: PostWorkflow.available(to: actor.workflow, on: try await posts.facts(post)))
    }

    static func filter(_ request: Request, strict: Bool) throws -> PostStore.Filter {
        var filter = PostStore.Filter()
        if let raw = try request.queryText("state", max: 30, strict: strict) {
            guard let state = PostState(rawValue: raw) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'state' is one of \(PostState.allCases.map(\.rawValue).joined(separator: ", ")).", field: "state")
            }
            filter.state = state
        }
        if let raw = try request.queryText("topic_id", max: 20, strict: strict) {
            guard let id = Int64(raw), id > 0 else { throw AppError(.badRequest, code: "invalid_parameter", message: "'topic_id' is a topic's id.", field: "topic_id") }
            filter.topicID = id
        }
        return filter
    }

    /// The workflow action an API or form names, with the schedule resolved.
    static func action(_ name: String, publishAt: String?, timeZone: String?, note: String?) throws -> (PostAction, String?) {
        switch name.replacingOccurrences(of: " ", with: "_") {
        case "submit": return (.submit, nil)
        case "approve": return (.approve, nil)
        case "request_changes":
            guard let note, !note.trimmed.isEmpty else { throw AppError.invalid("note", "Say what should change, so the author knows.") }
            return (.requestChanges, nil)
        case "schedule":
            guard let publishAt, !publishAt.trimmed.isEmpty else { throw AppError.invalid("publish_at", "Choose when to publish (date and time).") }
            let (at, zone) = try PostSchedule.instant(local: publishAt, zone: timeZone ?? "UTC")
            return (.schedule(at: at), zone)
        case "unschedule": return (.unschedule, nil)
        case "publish": return (.publish, nil)
        case "archive": return (.archive, nil)
        case "withdraw": return (.withdraw, nil)
        case "reopen": return (.reopen, nil)
        default:
            throw AppError.invalid("action", "Unknown action '\(name.prefix(30))'. Actions: submit, approve, request_changes, schedule, unschedule, publish, archive, withdraw, reopen.")
        }
    }
}
