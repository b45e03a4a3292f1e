import Content
import Engagement
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The personal feed: `/feed` and `/feed/posts/{id}` for people, `/api/v1/feed…` for the
/// same in JSON (called with the session cookie; employees have no API tokens).
struct FeedRoutes {
    let feature: FeedFeature

    func register(in table: RouteTable) {
        table.page(.get, "/feed", .employee) { request, context in
            if let first = try await firstPage(request, context, strict: false) {
                return Pages.render(request, context, title: "Your feed", html: first.asked + first.html)
            }
            var asked = ""
            if let employee = context.identity?.employeeID { asked = FeedPrompt.html(try await feature.prompts(employee)) }
            let (reader, filter, search, cursor) = try await parameters(request, context, strict: false)
            let (pinned, entries, next, waiting) = try await load(reader, filter: filter, search: search, cursor: cursor)
            let html = FeedPages.list(reader: reader, pinned: pinned, entries: entries, waiting: waiting, filter: filter, search: search, next: next,
                                      tokens: try await beaconTokens(reader, pinned + entries), namespace: feature.content.cacheNamespace)
            return Pages.render(request, context, title: "Your feed", html: asked + html)
        }

        table.page(.get, "/feed/posts/{id}", .employee) { request, context in
            let (reader, entry, content) = try await post(context)
            let (page, _) = Pages.context(request, context)
            let comments = try await feature.comments.visible(post: entry.postID, to: reader.employeeID)
            return Pages.render(request, context, title: content.content.variant(for: reader.language)?.title ?? "Post",
                                html: FeedPages.post(entry, content: content, reader: reader, csrf: page.csrfToken,
                                                     token: try await feature.engagement.tokens.event(post: entry.postID, employee: reader.employeeID, channel: .feed))
                                    + FeedCommentPages.section(comments, postID: entry.postID, csrf: page.csrfToken))
        }

        table.page(.post, "/feed/posts/{id}/acknowledge", .employee) { _, context in
            let (reader, entry, _) = try await post(context)
            guard entry.requiresAck else { throw AppError(.conflict, code: "no_acknowledgement", message: "This post does not ask for an acknowledgement.") }
            let result = try await feature.store.acknowledge(reader.employeeID, post: entry.postID)
            let message = if case .already = result { "You had already acknowledged this post." } else { "Thank you: your acknowledgement is recorded." }
            return Pages.redirect("/feed/posts/\(entry.postID)", flash: Flash(.success, message), context: context)
        }

        table.page(.post, "/feed/posts/{id}/reaction", .employee) { request, context in
            let form = try await request.form(context: context)
            let (reader, entry, _) = try await post(context)
            let kind = form["kind"] ?? ""
            guard kind == "none" || Reaction(rawValue: kind) != nil else {
                throw AppError.invalid("kind", "Choose one of: \(Reaction.allCases.map(\.rawValue).joined(separator: ", ")), or none.")
            }
            try await feature.store.react(reader.employeeID, post: entry.postID, Reaction(rawValue: kind))
            return Reply.redirect("/feed/posts/\(entry.postID)")
        }

        // MARK: API

        let item = Schema.object([
            Schema.Property("post_id", .id), Schema.Property("title", .text), Schema.Property("summary", .text), Schema.Property("language", .text),
            Schema.Property("priority", .enumeration(PostPriority.allCases.map(\.rawValue))), Schema.Property("topics", .array(.text)),
            Schema.Property("published_at", .dateTime), Schema.Property("requires_acknowledgement", .boolean),
            Schema.Property("acknowledged_at", .nullable(.dateTime), required: false), Schema.Property("pinned", .boolean),
            Schema.Property("my_reaction", .nullable(.enumeration(Reaction.allCases.map(\.rawValue))), required: false),
            Schema.Property("reactions", .map(.integer(minimum: 0))), Schema.Property("body_html", .text, required: false),
        ])
        table.component("FeedItem", item)
        let filterParameter = APIParameter("filter", in: .query, .enumeration(FeedStore.Filter.allCases.map(\.rawValue)), description: "`unacknowledged`: only posts waiting for your acknowledgement.")
        let searchParameter = APIParameter("q", in: .query, .line(1...100), description: "Words in the title, summary or body.")

        table.api(.get, "/api/v1/feed", .employee,
                  APIOperation(id: "readFeed", summary: "The signed-in employee's feed, newest first, pinned critical posts on the first page", tag: "Feed",
                               parameters: [filterParameter, searchParameter, .cursor],
                               success: APIOperation.ok(.object([
                                   Schema.Property("data", .array(.ref("FeedItem"))), Schema.Property("next_cursor", .nullable(.text), required: false),
                                   Schema.Property("waiting_acknowledgement", .integer(minimum: 0)),
                               ])), errors: [400])) { request, context in
            let reader: FeedReader, pinned: [(FeedEntry, FeedContent.Entry)], entries: [(FeedEntry, FeedContent.Entry)], next: Int64?, waiting: Int
            if let first = try await firstPage(request, context, strict: true) {
                (reader, pinned, entries, next, waiting) = (first.reader, first.pinned, first.entries, first.next, first.waiting)
            } else {
                let (who, filter, search, cursor) = try await parameters(request, context, strict: true)
                reader = who
                (pinned, entries, next, waiting) = try await load(reader, filter: filter, search: search, cursor: cursor)
            }
            struct Page: Encodable { let data: [FeedItemJSON]; let nextCursor: String?; let waitingAcknowledgement: Int }
            let items = pinned.map { FeedItemJSON($0.0, $0.1, reader: reader, pinned: true, body: false) }
                + entries.map { FeedItemJSON($0.0, $0.1, reader: reader, pinned: false, body: false) }
            return try Reply.json(Page(data: items, nextCursor: next.map(Cursor.encode), waitingAcknowledgement: waiting))
        }

        table.api(.get, "/api/v1/feed/posts/{id}", .employee,
                  APIOperation(id: "readFeedPost", summary: "One post from the signed-in employee's feed, with its body", tag: "Feed",
                               parameters: [.pathID()], success: APIOperation.ok(.ref("FeedItem")), errors: [404])) { _, context in
            let (reader, entry, content) = try await post(context)
            return try Reply.json(FeedItemJSON(entry, content, reader: reader, pinned: false, body: true))
        }

        table.api(.post, "/api/v1/feed/posts/{id}/acknowledgement", .employee,
                  APIOperation(id: "acknowledgeFeedPost", summary: "Confirm having read and understood a post that asks for it (repeating it changes nothing)", tag: "Feed",
                               parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("acknowledged_at", .dateTime), Schema.Property("already", .boolean)])),
                               errors: [404, 409])) { _, context in
            let (reader, entry, _) = try await post(context)
            guard entry.requiresAck else { throw AppError(.conflict, code: "no_acknowledgement", message: "This post does not ask for an acknowledgement.") }
            struct Ack: Encodable { let acknowledgedAt: Date; let already: Bool }
            return switch try await feature.store.acknowledge(reader.employeeID, post: entry.postID) {
            case .recorded(let at): try Reply.json(Ack(acknowledgedAt: at, already: false))
            case .already(let at): try Reply.json(Ack(acknowledgedAt: at, already: true))
            }
        }

        table.api(.put, "/api/v1/feed/posts/{id}/reaction", .employee,
                  APIOperation(id: "reactToFeedPost", summary: "Set your reaction to a post (one per person; a new one replaces the old)", tag: "Feed",
                               parameters: [.pathID()], requestBody: .object([Schema.Property("kind", .enumeration(Reaction.allCases.map(\.rawValue)))]),
                               success: APIOperation.ok(.ref("FeedItem")), errors: [400, 404, 415, 422])) { request, context in
            struct Input: Decodable { let kind: String }
            let input = try await request.json(Input.self, context: context)
            guard let reaction = Reaction(rawValue: input.kind) else {
                throw AppError.invalid("kind", "Choose one of: \(Reaction.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let (reader, entry, _) = try await post(context)
            try await feature.store.react(reader.employeeID, post: entry.postID, reaction)
            let (_, updated, content) = try await post(context)
            return try Reply.json(FeedItemJSON(updated, content, reader: reader, pinned: false, body: false))
        }

        table.api(.delete, "/api/v1/feed/posts/{id}/reaction", .employee,
                  APIOperation(id: "removeFeedReaction", summary: "Remove your reaction to a post", tag: "Feed",
                               parameters: [.pathID()], success: APIOperation.noContent, errors: [404])) { _, context in
            let (reader, entry, _) = try await post(context)
            try await feature.store.react(reader.employeeID, post: entry.postID, nil)
            return Reply.noContent()
        }
    }

    /// One signed beacon token per card (post, reader, feed), for tandem.js's view and dwell beacons.
    func beaconTokens(_ reader: FeedReader, _ cards: [(FeedEntry, FeedContent.Entry)]) async throws -> [Int64: String] {
        var tokens: [Int64: String] = [:]
        for (entry, _) in cards {
            tokens[entry.postID] = try await feature.engagement.tokens.event(post: entry.postID, employee: reader.employeeID, channel: .feed)
        }
        return tokens
    }

    func reader(_ context: TandemContext) async throws -> FeedReader {
        guard let reader = try await feature.store.reader(try FeedFeature.employeeID(context)) else {
            throw AppError(.forbidden, code: "not_an_employee", message: "This feed is for employees. Your employee record was not found; ask HR to check it.")
        }
        return reader
    }

    /// The first page with no filter, search or cursor: from the page cache, or read and kept.
    /// Nil for any other page (and for bad parameters, which `parameters` then reports).
    func firstPage(_ request: Request, _ context: TandemContext, strict: Bool) async throws -> FeedPageCache.Page? {
        let query = request.uri.queryParameters
        guard query.isEmpty || (query.count == 1 && query["filter"] == "all") else { return nil }
        guard let id = try context.requireIdentity().employeeID else { return nil }
        if let page = feature.pages.page(id) { return page }
        return try await feature.pages.fill(id) {
            let reader = try await reader(context)
            let (pinned, entries, next, waiting) = try await load(reader, filter: .all, search: nil, cursor: nil)
            let html = FeedPages.list(reader: reader, pinned: pinned, entries: entries, waiting: waiting, filter: .all, search: nil, next: next,
                                      tokens: try await beaconTokens(reader, pinned + entries), namespace: feature.content.cacheNamespace)
            var page = FeedPageCache.Page(reader: reader, pinned: pinned, entries: entries, next: next, waiting: waiting, html: html)
            // Kept with the page: surveys drop cached pages when they open, close or are answered.
            page.asked = FeedPrompt.html(try await feature.prompts(id))
            return page
        }
    }

    func parameters(_ request: Request, _ context: TandemContext, strict: Bool) async throws -> (FeedReader, FeedStore.Filter, String?, Int64?) {
        let raw = request.query("filter")
        guard let filter = raw.map({ FeedStore.Filter(rawValue: $0) }) ?? .all else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "'filter' must be all or unacknowledged.", field: "filter")
        }
        let search = try request.queryText("q", max: 100, strict: strict)
        let cursor = try Cursor.decode(request.query("cursor"))
        return (try await reader(context), filter, search, cursor)
    }

    func load(_ reader: FeedReader, filter: FeedStore.Filter, search: String?, cursor: Int64?) async throws
        -> ([(FeedEntry, FeedContent.Entry)], [(FeedEntry, FeedContent.Entry)], Int64?, Int) {
        let pinned = cursor == nil && filter == .all && search == nil ? try await feature.store.pinned(reader.employeeID) : []
        let page = try await feature.store.page(reader.employeeID, before: cursor, filter: filter, search: search)
        let pinnedIDs = Set(pinned.map(\.postID))
        let waiting = try await feature.store.waitingCount(reader.employeeID)
        return (try await withContent(pinned), try await withContent(page.entries.filter { !pinnedIDs.contains($0.postID) }), page.next, waiting)
    }

    func withContent(_ entries: [FeedEntry]) async throws -> [(FeedEntry, FeedContent.Entry)] {
        var out: [(FeedEntry, FeedContent.Entry)] = []
        for entry in entries {
            if let content = try await feature.content.entry(entry.postID, version: entry.version) { out.append((entry, content)) }
        }
        return out
    }

    func post(_ context: TandemContext) async throws -> (FeedReader, FeedEntry, FeedContent.Entry) {
        let id = try context.pathID(what: "Post")
        let reader = try await reader(context)
        guard let entry = try await feature.store.entry(reader.employeeID, post: id),
              let content = try await feature.content.entry(id, version: entry.version) else { throw AppError.notFound("Post") }
        return (reader, entry, content)
    }
}

struct FeedItemJSON: Encodable {
    let postId: Int64
    let title: String
    let summary: String
    let language: String
    let priority: String
    let topics: [String]
    let publishedAt: Date
    let requiresAcknowledgement: Bool
    let acknowledgedAt: Date?
    let pinned: Bool
    let myReaction: String?
    let reactions: [String: Int]
    let bodyHtml: String?

    init(_ entry: FeedEntry, _ content: FeedContent.Entry, reader: FeedReader, pinned: Bool, body: Bool) {
        let variant = content.content.variant(for: reader.language)
        postId = entry.postID
        title = variant?.title ?? ""
        summary = variant?.summary ?? ""
        language = variant?.language ?? content.content.fallbackLanguage
        priority = entry.priority.rawValue
        topics = content.topics
        publishedAt = entry.publishedAt
        requiresAcknowledgement = entry.requiresAck
        acknowledgedAt = entry.ackedAt
        self.pinned = pinned
        myReaction = entry.myReaction?.rawValue
        reactions = Dictionary(uniqueKeysWithValues: entry.reactions.map { ($0.key.rawValue, $0.value) })
        bodyHtml = body ? variant?.bodyHTML : nil
    }
}
