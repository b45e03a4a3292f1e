public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Comments on posts while they are being written and reviewed, with @mentions that land in
/// the mentioned person's inbox. Each write is one transaction.
public struct PostCommentStore: Sendable {
    let database: Database
    let render: @Sendable (String) -> String
    public static let maximumLength = 5_000
    public static let maximumMentions = 20
    /// Comments are for editorial work: once a post is out, they close.
    public static let openStates: Set<PostState> = [.draft, .inReview, .changesRequested, .approved, .scheduled]
    /// Roles that read posts, and so may be mentioned.
    static let readingRoles: Set<Role> = [.admin, .hr, .comms, .marketing, .approver]

    public init(database: Database, render: @escaping @Sendable (String) -> String) {
        self.database = database
        self.render = render
    }

    // MARK: writing

    /// Adds a comment, or a reply when `replyTo` names a comment of the same post.
    public func add(post postID: Int64, body raw: String, replyTo: PostComment.ID?, by actor: PostActor) async throws -> PostComment {
        let body = try Self.checkBody(raw)
        let handles = MentionParser.handles(in: body)
        guard handles.count <= Self.maximumMentions else {
            throw AppError.invalid("body", "A comment may mention at most \(Self.maximumMentions) people.")
        }
        let html = render(body)
        return try await database.transaction { db in
            let (state, version) = try await Self.postState(postID, on: db)
            guard Self.openStates.contains(state) else {
                throw AppError.conflict("Comments are closed: this post is \(state.title.lowercased()). Reopen it as a draft to discuss changes.")
            }
            var thread: Int64?
            if let replyTo {
                guard let row = try await db.raw("SELECT thread_id FROM post_comments WHERE id = \(bind: replyTo) AND post_id = \(bind: postID)").first() else {
                    throw AppError.invalid("reply_to", "Comment \(replyTo) is not on this post.")
                }
                thread = try row.decode(column: "thread_id", as: Int64?.self) ?? replyTo
            }
            let mentioned = try await Self.resolve(handles, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO post_comments (post_id, thread_id, author_id, author_name, post_version, body, body_html, created_at)
                VALUES (\(bind: postID), \(bind: thread), \(bind: actor.userID), \(bind: actor.name), \(bind: Int64(version)), \(bind: body), \(bind: html), \(bind: now))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            for user in mentioned where user.id != actor.userID {
                try await db.raw("""
                    INSERT INTO post_mentions (comment_id, user_id, post_id, created_at) VALUES (\(bind: id), \(bind: user.id), \(bind: postID), \(bind: now))
                    """).run()
            }
            if let thread {
                // A reply reopens a resolved thread: the discussion is not over.
                try await db.raw("UPDATE post_comments SET resolved_at = NULL, resolved_by = NULL WHERE id = \(bind: thread)").run()
            }
            try await AuditStore.append(
                AuditEntry(action: thread == nil ? "post.comment" : "post.reply", entityType: "post", entityID: String(postID),
                           summary: "Commented on version \(version)" + (mentioned.isEmpty ? "" : ", mentioning " + mentioned.map(\.name).joined(separator: ", "))),
                by: actor.audit, on: db)
            return try await Self.comment(id, on: db)!
        }
    }

    /// Removes the text of a comment (its author or an admin); replies stay in place.
    public func delete(_ id: PostComment.ID, post postID: Int64, by actor: PostActor) async throws {
        try await database.transaction { db in
            let comment = try await Self.owned(id, post: postID, on: db)
            guard comment.authorID == actor.userID || actor.roles.contains(.admin) else {
                throw AppError(.forbidden, code: "not_allowed", message: "Only the comment's author or an admin can remove it.")
            }
            guard !comment.isDeleted else { return }
            try await db.raw("""
                UPDATE post_comments SET body = '', body_html = '', deleted_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)
                """).run()
            try await db.raw("DELETE FROM post_mentions WHERE comment_id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "post.comment_delete", entityType: "post", entityID: String(postID), summary: "Removed a comment by \(comment.authorName)"),
                by: actor.audit, on: db)
        }
    }

    /// Marks a thread resolved or open again.
    public func resolve(thread id: PostComment.ID, post postID: Int64, resolved: Bool, by actor: PostActor) async throws -> CommentThread {
        try await database.transaction { db in
            let root = try await Self.owned(id, post: postID, on: db)
            guard root.threadID == nil else { throw AppError.invalid("thread", "Resolve the thread's first comment, not a reply.") }
            let (state, _) = try await Self.postState(postID, on: db)
            guard Self.openStates.contains(state) else { throw AppError.conflict("Comments are closed: this post is \(state.title.lowercased()).") }
            try await db.raw("""
                UPDATE post_comments SET resolved_at = \(bind: resolved ? Millis.from(Date()) : nil), resolved_by = \(bind: resolved ? actor.name : nil)
                WHERE id = \(bind: id)
                """).run()
            return try await Self.threads(of: postID, on: db).first { $0.root.id == id }!
        }
    }

    /// Marks the caller's mentions on a post read (they opened it).
    public func markRead(post postID: Int64, userID: Int64) async throws {
        guard try await database.reader.raw("""
            SELECT 1 AS one FROM post_mentions WHERE post_id = \(bind: postID) AND user_id = \(bind: userID) AND read_at IS NULL LIMIT 1
            """).first() != nil else { return }
        try await database.transaction { db in
            try await db.raw("""
                UPDATE post_mentions SET read_at = \(bind: Millis.from(Date())) WHERE post_id = \(bind: postID) AND user_id = \(bind: userID) AND read_at IS NULL
                """).run()
        }
    }

    // MARK: reading

    public func threads(of postID: Int64) async throws -> [CommentThread] {
        try await Self.threads(of: postID, on: database.reader)
    }

    /// The caller's mentions, newest first.
    public func mentions(for userID: Int64, unreadOnly: Bool, limit: Int = 50) async throws -> [Mention] {
        let unread: SQLQueryString = unreadOnly ? " AND m.read_at IS NULL" : ""
        return try await database.reader.raw("""
            SELECT m.comment_id, m.post_id, m.created_at, m.read_at, c.author_name, c.body, v.title
            FROM post_mentions m JOIN post_comments c ON c.id = m.comment_id JOIN posts p ON p.id = m.post_id
            JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
            WHERE m.user_id = \(bind: userID)
            """ + unread + " ORDER BY m.created_at DESC, m.comment_id DESC LIMIT \(bind: limit)").all().map { row in
            Mention(
                commentID: try row.decode(column: "comment_id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
                postTitle: try row.decode(column: "title", as: String.self), authorName: try row.decode(column: "author_name", as: String.self),
                excerpt: Self.excerpt(try row.decode(column: "body", as: String.self)),
                createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                readAt: try row.decode(column: "read_at", as: Int64?.self).map(Millis.date))
        }
    }

    public func unreadCount(for userID: Int64) async throws -> Int {
        Int(try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM post_mentions WHERE user_id = \(bind: userID) AND read_at IS NULL
            """).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// Open (unresolved) threads per post, for lists.
    public func openThreadCount(post postID: Int64) async throws -> Int {
        Int(try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM post_comments WHERE post_id = \(bind: postID) AND thread_id IS NULL AND resolved_at IS NULL AND deleted_at IS NULL
            """).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    // MARK: helpers

    static func checkBody(_ raw: String) throws -> String {
        let body = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmed
        guard !body.isEmpty else { throw AppError.invalid("body", "Write something to comment.") }
        guard body.count <= maximumLength else { throw AppError.invalid("body", "A comment is at most \(maximumLength) characters (this one has \(body.count)).") }
        if body.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\t" && TextRules.isForbiddenInLine($0) }) {
            throw AppError.invalid("body", "The comment contains control characters; remove them and try again.")
        }
        return body
    }

    static func excerpt(_ body: String) -> String {
        let line = body.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 140 ? String(line.prefix(139)) + "…" : line
    }

    static func postState(_ postID: Int64, on db: any SQLDatabase) async throws -> (PostState, Int) {
        guard let row = try await db.raw("SELECT state, version FROM posts WHERE id = \(bind: postID)").first() else { throw AppError.notFound("Post") }
        return (PostState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft, Int(try row.decode(column: "version", as: Int64.self)))
    }

    static func owned(_ id: PostComment.ID, post postID: Int64, on db: any SQLDatabase) async throws -> PostComment {
        guard let comment = try await comment(id, on: db), comment.postID == postID else { throw AppError.notFound("Comment \(id)") }
        return comment
    }

    /// Users for handles: a whole address, or the part before `@` when only one user has it.
    /// Each must be active and able to read posts, or the comment is refused naming them.
    static func resolve(_ handles: [String], on db: any SQLDatabase) async throws -> [(id: Int64, name: String)] {
        guard !handles.isEmpty else { return [] }
        var result: [(id: Int64, name: String)] = []
        for handle in handles {
            let rows: [any SQLRow]
            if handle.contains("@") {
                rows = try await db.raw("SELECT id, email, display_name, is_active FROM users WHERE LOWER(email) = \(bind: handle)").all()
            } else {
                rows = try await db.raw("SELECT id, email, display_name, is_active FROM users WHERE LOWER(email) LIKE \(bind: Self.likeEscaped(handle) + "@%") ESCAPE '\\'").all()
            }
            guard !rows.isEmpty else {
                throw AppError.invalid("body", "Nobody is @\(handle). Mention people by their email address or the part before the @, for example @ana.silva.")
            }
            guard rows.count == 1 else {
                let emails = try rows.map { try $0.decode(column: "email", as: String.self) }.sorted()
                throw AppError.invalid("body", "@\(handle) could be \(emails.joined(separator: " or ")); write the whole address.")
            }
            let id = try rows[0].decode(column: "id", as: Int64.self), name = try rows[0].decode(column: "display_name", as: String.self)
            let roles = Set(try await db.raw("SELECT role FROM user_roles WHERE user_id = \(bind: id)").all().compactMap { Role(rawValue: try $0.decode(column: "role", as: String.self)) })
            guard try rows[0].decode(column: "is_active", as: Bool.self), !roles.isDisjoint(with: readingRoles) else {
                throw AppError.invalid("body", "\(name) cannot read posts, so they would not see this comment. Ask an admin to give them a role, or leave out @\(handle).")
            }
            if !result.contains(where: { $0.id == id }) { result.append((id, name)) }
        }
        return result
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func comment(_ id: PostComment.ID, on db: any SQLDatabase) async throws -> PostComment? {
        guard let row = try await db.raw("SELECT * FROM post_comments WHERE id = \(bind: id)").first() else { return nil }
        var comment = try Self.comment(row)
        comment.mentioned = try await db.raw("""
            SELECT u.display_name FROM post_mentions m JOIN users u ON u.id = m.user_id WHERE m.comment_id = \(bind: id) ORDER BY u.display_name
            """).all().map { try $0.decode(column: "display_name", as: String.self) }
        return comment
    }

    static func threads(of postID: Int64, on db: any SQLDatabase) async throws -> [CommentThread] {
        var comments = try await db.raw("SELECT * FROM post_comments WHERE post_id = \(bind: postID) ORDER BY id").all().map(Self.comment)
        var names: [Int64: [String]] = [:]
        for row in try await db.raw("""
            SELECT m.comment_id, u.display_name FROM post_mentions m JOIN users u ON u.id = m.user_id WHERE m.post_id = \(bind: postID) ORDER BY u.display_name
            """).all() {
            names[try row.decode(column: "comment_id", as: Int64.self), default: []].append(try row.decode(column: "display_name", as: String.self))
        }
        for index in comments.indices { comments[index].mentioned = names[comments[index].id] ?? [] }
        let replies = Dictionary(grouping: comments.filter { $0.threadID != nil }, by: { $0.threadID! })
        return comments.filter { $0.threadID == nil }.map { CommentThread(root: $0, replies: replies[$0.id] ?? []) }
    }

    static func comment(_ row: any SQLRow) throws -> PostComment {
        PostComment(
            id: try row.decode(column: "id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
            threadID: try row.decode(column: "thread_id", as: Int64?.self), authorID: try row.decode(column: "author_id", as: Int64.self),
            authorName: try row.decode(column: "author_name", as: String.self), postVersion: Int(try row.decode(column: "post_version", as: Int64.self)),
            body: try row.decode(column: "body", as: String.self), bodyHTML: try row.decode(column: "body_html", as: String.self),
            createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
            deletedAt: try row.decode(column: "deleted_at", as: Int64?.self).map(Millis.date),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Millis.date), resolvedBy: try row.decode(column: "resolved_by", as: String?.self),
            mentioned: [])
    }
}
