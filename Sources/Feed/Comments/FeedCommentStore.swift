public import Audit
import Content
import Engagement
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// An employee's comment on a feed post.
public struct FeedComment: Sendable, Equatable, Encodable {
    public enum State: String, Sendable, Codable, CaseIterable { case pending, approved, rejected }
    public let id: Int64
    public let postId: Int64
    public let employeeId: Int64
    public let authorName: String
    public let body: String
    public let bodyHtml: String
    public let state: State
    public let createdAt: Date
    public let moderatedAt: Date?
    public let moderatedBy: String?
    public let reason: String?
}

/// Comments employees write under feed posts. Every comment waits for HR or IC to approve it
/// before anyone else sees it (the author sees their own as "waiting"); Markdown is rendered and
/// sanitised like post bodies. Writing is limited per person: 5 in 10 minutes, 30 a day.
public struct FeedCommentStore: Sendable {
    public struct Limits: Sendable {
        public var burst = 5
        public var burstWindow: TimeInterval = 600
        public var daily = 30
        public init() {}
    }

    public static let maximumLength = 2_000
    let database: Database
    let limits: Limits
    let engagement: EngagementWriter

    public init(database: Database, limits: Limits = Limits()) {
        self.database = database
        self.limits = limits
        engagement = EngagementWriter(database: database)
    }

    public func add(post postID: Int64, employee employeeID: Int64, body raw: String, now: Date = Date()) async throws -> FeedComment {
        let body = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw AppError.invalid("body", "Write something before sending.") }
        guard body.count <= Self.maximumLength else {
            throw AppError.invalid("body", "Comments are at most \(Self.maximumLength) characters; this one has \(body.count).")
        }
        guard !body.unicodeScalars.contains(where: { $0.value == 0 }) else { throw AppError.invalid("body", "The comment contains a NUL character.") }
        let html = MarkdownRenderer.render(body).html
        let stamp = Millis.from(now)
        let event = try await engagement.prepare([EngagementEvent(postID: postID, employeeID: employeeID, channel: .feed, kind: .commented, occurredAt: stamp,
                                                                  dedupe: "cm.\(postID).\(employeeID).\(stamp)")])
        let id = try await database.transaction { db -> Int64 in
            for (window, limit) in [(limits.burstWindow, limits.burst), (86_400.0, limits.daily)] {
                let since = Millis.from(now.addingTimeInterval(-window))
                let row = try await db.raw("""
                    SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM feed_comments WHERE employee_id = \(bind: employeeID) AND created_at >= \(bind: since)
                    """).first()
                if Int(try row?.decode(column: "n", as: Int64.self) ?? 0) >= limit {
                    let oldest = try row?.decode(column: "oldest", as: Int64?.self) ?? stamp
                    let wait = max(60, Int(Double(oldest) / 1000 + window - now.timeIntervalSince1970))
                    throw AppError(.tooManyRequests, code: "too_many_comments",
                                   message: "You have written \(limit) comments in \(window >= 86_400 ? "a day" : "\(Int(window / 60)) minutes"). Wait \((wait + 59) / 60) minutes, then try again.",
                                   retryAfter: wait)
                }
            }
            try await EngagementWriter.write(event, on: db)
            return try await db.raw("""
                INSERT INTO feed_comments (post_id, employee_id, body, body_html, state, created_at)
                VALUES (\(bind: postID), \(bind: employeeID), \(bind: body), \(bind: html), 'pending', \(bind: stamp)) RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
        }
        return try await find(id)!
    }

    /// What a reader of the post sees: approved comments, and the reader's own not yet approved.
    public func visible(post postID: Int64, to employeeID: Int64) async throws -> [FeedComment] {
        try await database.reader.raw("""
            SELECT \(Self.columns) WHERE c.post_id = \(bind: postID)
              AND (c.state = 'approved' OR (c.employee_id = \(bind: employeeID) AND c.state = 'pending'))
            ORDER BY c.id LIMIT 500
            """).all().map(Self.comment)
    }

    /// The moderation queue, oldest first.
    public func queue(state: FeedComment.State = .pending, limit: Int = 100) async throws -> [(comment: FeedComment, postTitle: String)] {
        try await database.reader.raw("""
            SELECT \(Self.fields), v.title AS post_title
            FROM feed_comments c JOIN employees e ON e.id = c.employee_id JOIN posts p ON p.id = c.post_id
            LEFT JOIN post_variants v ON v.post_id = c.post_id AND v.language = p.fallback_language
            WHERE c.state = \(bind: state.rawValue) ORDER BY c.id LIMIT \(bind: limit)
            """).all().map { (try Self.comment($0), try $0.decode(column: "post_title", as: String?.self) ?? "") }
    }

    /// Approves or rejects a pending comment; nil when there is none with that id waiting.
    public func moderate(_ id: Int64, approve: Bool, reason: String?, by actor: AuditActor, now: Date = Date()) async throws -> FeedComment? {
        let state: FeedComment.State = approve ? .approved : .rejected
        let note = reason?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300).description
        let done = try await database.transaction { db -> Bool in
            guard try await db.raw("""
                UPDATE feed_comments SET state = \(bind: state.rawValue), moderated_at = \(bind: Millis.from(now)), moderated_by = \(bind: actor.label),
                    reason = \(bind: note.flatMap { $0.isEmpty ? nil : $0 })
                WHERE id = \(bind: id) AND state = 'pending' RETURNING id
                """).first() != nil else { return false }
            try await AuditStore.append(AuditEntry(action: "feed_comment.\(state.rawValue)", entityType: "feed_comment", entityID: String(id),
                                                   summary: "comment \(id) \(state.rawValue)" + (note.map { ": \($0)" } ?? "")), by: actor, on: db)
            return true
        }
        return done ? try await find(id) : nil
    }

    public func find(_ id: Int64) async throws -> FeedComment? {
        try await database.reader.raw("SELECT \(Self.columns) WHERE c.id = \(bind: id)").first().map(Self.comment)
    }

    static let fields: SQLQueryString = """
        c.id, c.post_id, c.employee_id, c.body, c.body_html, c.state, c.created_at, c.moderated_at, c.moderated_by, c.reason,
        e.given_name, e.preferred_name, e.family_name
        """
    static let columns: SQLQueryString = "\(fields) FROM feed_comments c JOIN employees e ON e.id = c.employee_id"

    static func comment(_ row: any SQLRow) throws -> FeedComment {
        let given = try row.decode(column: "given_name", as: String.self)
        let preferred = try row.decode(column: "preferred_name", as: String?.self).flatMap { $0.isEmpty ? nil : $0 }
        return FeedComment(id: try row.decode(column: "id", as: Int64.self), postId: try row.decode(column: "post_id", as: Int64.self),
                           employeeId: try row.decode(column: "employee_id", as: Int64.self),
                           authorName: "\(preferred ?? given) \(try row.decode(column: "family_name", as: String.self))",
                           body: try row.decode(column: "body", as: String.self), bodyHtml: try row.decode(column: "body_html", as: String.self),
                           state: FeedComment.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                           createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                           moderatedAt: try row.decode(column: "moderated_at", as: Int64?.self).map(Millis.date),
                           moderatedBy: try row.decode(column: "moderated_by", as: String?.self), reason: try row.decode(column: "reason", as: String?.self))
    }
}
