public import Content
import Engagement
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// One post in a person's feed, with their own state (acknowledged, reaction).
public struct FeedEntry: Sendable, Equatable {
    public let deliveryID: Int64
    public let postID: Int64
    public let version: Int
    public let priority: PostPriority
    public let requiresAck: Bool
    public let publishedAt: Date
    public var ackedAt: Date?
    public var myReaction: Reaction?
    public var reactions: [Reaction: Int]
}

/// The fixed set of reactions: small on purpose, the same in every language.
public enum Reaction: String, Sendable, CaseIterable, Codable, Comparable {
    case like, love, celebrate, insightful, curious

    public var symbol: String {
        switch self {
        case .like: "👍"
        case .love: "❤️"
        case .celebrate: "🎉"
        case .insightful: "💡"
        case .curious: "🤔"
        }
    }

    public var title: String {
        switch self {
        case .like: "Like"
        case .love: "Love"
        case .celebrate: "Celebrate"
        case .insightful: "Insightful"
        case .curious: "Curious"
        }
    }

    public static func < (lhs: Reaction, rhs: Reaction) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }
}

/// What the feed page needs about its reader.
public struct FeedReader: Sendable, Equatable {
    public let employeeID: Int64
    public let language: String
    public let timeZone: String
    public let site: String?
}

/// Reading a person's feed: the posts delivered to them on the feed channel and still
/// published, newest first. Everything here is scoped by the reader's employee id; a post not
/// delivered to them does not exist for them (404, not 403).
public struct FeedStore: Sendable {
    public enum Filter: String, Sendable, CaseIterable { case all, unacknowledged }
    public static let pageSize = 20
    public let database: Database
    let engagement: EngagementWriter

    public init(database: Database) {
        self.database = database
        engagement = EngagementWriter(database: database)
    }

    public func reader(_ employeeID: Int64) async throws -> FeedReader? {
        try await database.reader.raw("SELECT language, time_zone, site FROM employees WHERE id = \(bind: employeeID)").first().map {
            FeedReader(employeeID: employeeID, language: try $0.decode(column: "language", as: String.self),
                       timeZone: try $0.decode(column: "time_zone", as: String.self), site: try $0.decode(column: "site", as: String?.self))
        }
    }

    static let columns: SQLQueryString = """
        d.id AS delivery_id, d.post_id, s.version, p.priority, p.requires_ack, s.started_at, a.acked_at
        FROM deliveries d
        JOIN posts p ON p.id = d.post_id
        JOIN post_sends s ON s.post_id = d.post_id
        LEFT JOIN post_acks a ON a.post_id = d.post_id AND a.employee_id = d.employee_id
        """

    /// A page of the feed, newest first, and the cursor of the next page. `search` matches the
    /// words of the post's title, summary or body in any of its languages.
    public func page(_ employeeID: Int64, before cursor: Int64?, filter: Filter, search: String?, limit: Int = pageSize,
                     now: Date = Date()) async throws -> (entries: [FeedEntry], next: Int64?) {
        var sql: SQLQueryString = "SELECT \(Self.columns) WHERE d.employee_id = \(bind: employeeID) AND d.channel = 'feed' AND d.state = 'sent' AND p.state = 'published'"
        sql = sql + " AND (p.expires_at IS NULL OR p.expires_at > \(bind: Millis.from(now)))"
        if let cursor { sql = sql + " AND d.id < \(bind: cursor)" }
        if filter == .unacknowledged { sql = sql + " AND d.waiting_ack AND a.acked_at IS NULL" }
        if let search, !search.isEmpty {
            let pattern = "%" + Self.likeEscaped(search.lowercased()) + "%"
            sql = sql + """
                 AND EXISTS (SELECT 1 FROM post_variants v WHERE v.post_id = d.post_id AND (LOWER(v.title) LIKE \(bind: pattern) ESCAPE '\\'
                 OR LOWER(v.summary) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(v.body) LIKE \(bind: pattern) ESCAPE '\\'))
                """
        }
        sql = sql + " ORDER BY d.id DESC LIMIT \(bind: limit + 1)"
        var entries = try await database.reader.raw(sql).all().map(Self.entry)
        let next = entries.count > limit ? entries[limit - 1].deliveryID : nil
        if entries.count > limit { entries.removeLast() }
        return (try await withReactions(entries, employeeID: employeeID), next)
    }

    /// Critical posts stay on top while they wait for the person's acknowledgement, or for three
    /// days when they ask for none.
    public func pinned(_ employeeID: Int64, now: Date = Date()) async throws -> [FeedEntry] {
        let recent = Millis.from(now.addingTimeInterval(-3 * 86_400))
        let entries = try await database.reader.raw("""
            SELECT \(Self.columns) WHERE d.employee_id = \(bind: employeeID) AND d.channel = 'feed' AND d.state = 'sent'
            AND p.state = 'published' AND p.priority = 'critical' AND (p.expires_at IS NULL OR p.expires_at > \(bind: Millis.from(now)))
            AND ((p.requires_ack = \(bind: true) AND a.acked_at IS NULL) OR s.started_at > \(bind: recent))
            ORDER BY d.id DESC LIMIT 5
            """).all().map(Self.entry)
        return try await withReactions(entries, employeeID: employeeID)
    }

    /// How many of the person's posts still wait for their acknowledgement: read from the
    /// partial index of feed rows flagged `waiting_ack` (migration 82), so it costs what is
    /// waiting, not everything the person ever received.
    public func waitingCount(_ employeeID: Int64) async throws -> Int {
        Int(try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM deliveries d JOIN posts p ON p.id = d.post_id
            WHERE d.employee_id = \(bind: employeeID) AND d.waiting_ack AND d.channel = 'feed' AND d.state = 'sent' AND p.state = 'published'
            """).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// The post as this person may read it: delivered to them on any channel (an email's "read
    /// on Tandem" link opens here too) and still published; nil otherwise.
    public func entry(_ employeeID: Int64, post postID: Int64) async throws -> FeedEntry? {
        guard let row = try await database.reader.raw("""
            SELECT \(Self.columns) WHERE d.employee_id = \(bind: employeeID) AND d.post_id = \(bind: postID)
            AND d.state IN ('sent', 'pending', 'sending', 'failed') AND p.state = 'published'
            ORDER BY CASE WHEN d.channel = 'feed' THEN 0 ELSE 1 END LIMIT 1
            """).first() else { return nil }
        return try await withReactions([try Self.entry(row)], employeeID: employeeID).first
    }

    public enum AckResult: Sendable, Equatable {
        case recorded(Date)
        case already(Date)
    }

    /// Records "I have read and understood"; a second press changes nothing.
    public func acknowledge(_ employeeID: Int64, post postID: Int64, now: Date = Date()) async throws -> AckResult {
        let signal = database.feedSignal
        let event = try await engagement.prepare([EngagementEvent(postID: postID, employeeID: employeeID, channel: .feed, kind: .acknowledged,
                                                                  occurredAt: Millis.from(now), dedupe: "ack.\(postID).\(employeeID)")])
        let result = try await database.transaction { db -> AckResult in
            if try await db.raw("""
                INSERT INTO post_acks (post_id, employee_id, acked_at) VALUES (\(bind: postID), \(bind: employeeID), \(bind: Millis.from(now)))
                ON CONFLICT (post_id, employee_id) DO NOTHING RETURNING acked_at
                """).first() != nil {
                try await EngagementWriter.write(event, on: db)
                try await db.raw("""
                    UPDATE deliveries SET waiting_ack = \(bind: false) WHERE post_id = \(bind: postID) AND employee_id = \(bind: employeeID) AND waiting_ack
                    """).run()
                try await signal.record(.employee(employeeID), on: db, now: now)
                return .recorded(now)
            }
            let at = try await db.raw("SELECT acked_at FROM post_acks WHERE post_id = \(bind: postID) AND employee_id = \(bind: employeeID)").first()
            return .already(Millis.date(try at?.decode(column: "acked_at", as: Int64.self) ?? Millis.from(now)))
        }
        if case .recorded = result { signal.notify(.employee(employeeID)) }
        return result
    }

    /// Sets or clears (nil) the person's one reaction to a post, keeping the counts in step.
    public func react(_ employeeID: Int64, post postID: Int64, _ reaction: Reaction?, now: Date = Date()) async throws {
        let signal = database.feedSignal
        let event = reaction == nil ? nil : try await engagement.prepare([EngagementEvent(
            postID: postID, employeeID: employeeID, channel: .feed, kind: .reacted, occurredAt: Millis.from(now), dedupe: "re.\(postID).\(employeeID).\(Millis.from(now))")])
        try await database.transaction { db in
            if let event { try await EngagementWriter.write(event, on: db) }
            let previous = try await db.raw("""
                DELETE FROM post_reactions WHERE post_id = \(bind: postID) AND employee_id = \(bind: employeeID) RETURNING kind
                """).first().map { try $0.decode(column: "kind", as: String.self) }
            if let previous {
                try await db.raw("UPDATE post_reaction_counts SET n = n - 1 WHERE post_id = \(bind: postID) AND kind = \(bind: previous)").run()
            }
            if let reaction {
                try await db.raw("""
                    INSERT INTO post_reactions (post_id, employee_id, kind, reacted_at)
                    VALUES (\(bind: postID), \(bind: employeeID), \(bind: reaction.rawValue), \(bind: Millis.from(now)))
                    """).run()
                try await db.raw("""
                    INSERT INTO post_reaction_counts (post_id, kind, n) VALUES (\(bind: postID), \(bind: reaction.rawValue), 1)
                    ON CONFLICT (post_id, kind) DO UPDATE SET n = post_reaction_counts.n + 1
                    """).run()
            }
            // Only the person's own page: others see new counts when their page is next read
            // from the database (at most FeedPageCache.maximumAge later).
            try await signal.record(.employee(employeeID), on: db, now: now)
        }
        signal.notify(.employee(employeeID))
    }

    func withReactions(_ entries: [FeedEntry], employeeID: Int64) async throws -> [FeedEntry] {
        guard !entries.isEmpty else { return entries }
        let ids = entries.map(\.postID)
        var counts: [Int64: [Reaction: Int]] = [:]
        var mine: [Int64: Reaction] = [:]
        for row in try await database.reader.raw("""
            SELECT post_id, kind, n, NULL AS mine FROM post_reaction_counts WHERE post_id IN (\(binds: ids)) AND n > 0
            UNION ALL
            SELECT post_id, kind, 0 AS n, 1 AS mine FROM post_reactions WHERE employee_id = \(bind: employeeID) AND post_id IN (\(binds: ids))
            """).all() {
            guard let kind = Reaction(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            let post = try row.decode(column: "post_id", as: Int64.self)
            if try row.decode(column: "mine", as: Int64?.self) != nil {
                mine[post] = kind
            } else {
                counts[post, default: [:]][kind] = Int(try row.decode(column: "n", as: Int64.self))
            }
        }
        return entries.map { entry in
            var entry = entry
            entry.reactions = counts[entry.postID] ?? [:]
            entry.myReaction = mine[entry.postID]
            return entry
        }
    }

    static func entry(_ row: any SQLRow) throws -> FeedEntry {
        FeedEntry(deliveryID: try row.decode(column: "delivery_id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
                  version: Int(try row.decode(column: "version", as: Int64.self)),
                  priority: PostPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal,
                  requiresAck: try row.decode(column: "requires_ack", as: Bool.self),
                  publishedAt: Millis.date(try row.decode(column: "started_at", as: Int64.self)),
                  ackedAt: try row.decode(column: "acked_at", as: Int64?.self).map(Millis.date), myReaction: nil, reactions: [:])
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
