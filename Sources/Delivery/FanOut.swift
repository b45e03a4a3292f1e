public import Audiences
public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// What the walk through a post's audience produced.
public struct SendSummary: Sendable, Codable, Equatable {
    public let postID: Int64
    public let version: Int
    public let rule: String
    public let channels: [Channel]
    public let state: SendState
    public let people: Int
    public let deliveries: Int
    public let unreachable: Int
    public let startedAt: Date
    public let resolvedAt: Date?
}

/// Freezes a published post's audience into deliveries: one row per (post, employee, channel).
/// The audience is walked in id order, one page per transaction, and the page's rows, counts and
/// the cursor commit together; a crash resumes at the cursor and the UNIQUE key absorbs any
/// repeat. A lease on the post's send row keeps two processes from walking the same post.
public struct FanOut: Sendable {
    let database: Database
    let counter: AudienceCounter
    /// Who this process is, for leases.
    let owner: String
    public static let defaultPageSize = 1_000
    let pageSize: Int
    public static let lease: TimeInterval = 120

    public init(database: Database, counter: AudienceCounter, owner: String, pageSize: Int = FanOut.defaultPageSize) {
        self.pageSize = pageSize
        self.database = database
        self.counter = counter
        self.owner = owner
    }

    /// Walks the audience of a published post (or finishes an interrupted walk). Returns nil when
    /// another process holds the walk. `stopAfterPages` ends early, as a crash would (tests).
    public func run(_ post: Post, now: Date = Date(), stopAfterPages: Int? = nil, progress: @Sendable (SendSummary) -> Void = { _ in }) async throws -> SendSummary? {
        let include = post.content.audiences.filter { $0.mode == .include }.map(\.name)
        let exclude = post.content.audiences.filter { $0.mode == .exclude }.map(\.name)
        let rule = AudienceCounter.targetRule(include: include, exclude: exclude)
        guard var position = try await claim(post, rule: rule, now: now) else {
            // Finished before, or another process holds the walk.
            let existing = try await summary(post.id)
            return existing?.state == .resolving ? nil : existing
        }
        let publishAt = post.publishAt ?? now
        var pages = 0
        var page = try await counter.recipients(include: include, exclude: exclude, after: position, limit: pageSize)
        while true {
            if let stopAfterPages, pages >= stopAfterPages { return try await summary(post.id) }
            if page.isEmpty { break }
            let stamp = Millis.from(Date())
            var planned: [(employee: Int64, channel: Channel, due: Int64)] = []
            var missed = 0
            var dueByZone: [String: Int64] = [:]
            let hidden = try await feedOptOuts(post, people: page)
            for person in page {
                var channels = RecipientPlan.channels(for: person, chosen: post.content.channels, priority: post.content.priority)
                if channels.isEmpty {
                    missed += 1
                    continue
                }
                // People who hid the post's topics from their feed get no feed row (they chose
                // it: not counted as unreachable).
                if hidden.contains(person.id) {
                    channels.removeAll { $0 == .feed }
                    if channels.isEmpty { continue }
                }
                let due = dueByZone[person.timeZone] ?? Millis.from(RecipientPlan.due(publishAt: publishAt, zone: post.scheduleZone, recipientZone: person.timeZone))
                dueByZone[person.timeZone] = due
                for channel in channels {
                    let delay = RecipientPlan.delay(channel, among: channels, priority: post.content.priority,
                                                    requiresAcknowledgement: post.content.requiresAcknowledgement)
                    planned.append((person.id, channel, due + Int64(delay * 1_000)))
                }
            }
            let last = page.last!.id
            // The next page is read while this one is written (another connection): the walk
            // is bound by the slower of the two, not their sum.
            async let upcoming = counter.recipients(include: include, exclude: exclude, after: last, limit: pageSize)
            let (rows, unreachable, cursor, kind, walked) = (planned, missed, position, database.kind, Int64(page.count))
            let waitsForAck = post.content.requiresAcknowledgement
            let stillOurs = try await database.transaction { db -> Bool in
                // The lease and the post's state are checked in the page's own transaction.
                let renewed = try await db.raw("""
                    UPDATE post_sends SET lease_until = \(bind: stamp + Int64(Self.lease * 1_000))
                    WHERE post_id = \(bind: post.id) AND lease_owner = \(bind: owner) AND state = \(bind: SendState.resolving.rawValue)
                      AND cursor_id = \(bind: cursor)
                      AND EXISTS (SELECT 1 FROM posts WHERE id = \(bind: post.id) AND state = \(bind: PostState.published.rawValue))
                    RETURNING post_id
                    """).first()
                guard renewed != nil else { return false }
                var inserted = 0
                if kind == .postgres, !rows.isEmpty {
                    // One statement with three array binds instead of 7 binds per row: the
                    // multi-row form managed 32,600 rows/s on PostgreSQL, well under the target.
                    let row = try await db.raw("""
                        WITH added AS (
                            INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, created_at, updated_at, waiting_ack)
                            SELECT \(bind: post.id), t.employee, t.channel, \(bind: DeliveryState.pending.rawValue), t.due, \(bind: stamp), \(bind: stamp),
                                   t.channel = 'feed' AND \(bind: waitsForAck)
                            FROM unnest(\(bind: rows.map(\.employee))::bigint[], \(bind: rows.map(\.channel.rawValue))::text[], \(bind: rows.map(\.due))::bigint[])
                                AS t(employee, channel, due)
                            ON CONFLICT (post_id, employee_id, channel) DO NOTHING RETURNING 1)
                        SELECT COUNT(*) AS n FROM added
                        """).first()
                    inserted = Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
                }
                for chunk in stride(from: 0, to: kind == .postgres ? 0 : rows.count, by: 300) {
                    let part = rows[chunk..<min(rows.count, chunk + 300)]
                    let values = part.map { row -> SQLQueryString in
                        "(\(bind: post.id), \(bind: row.employee), \(bind: row.channel.rawValue), \(bind: DeliveryState.pending.rawValue), \(bind: row.due), \(bind: stamp), \(bind: stamp), \(bind: waitsForAck && row.channel == .feed))"
                    }.joined(separator: ", ")
                    inserted += try await db.raw("""
                        INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, created_at, updated_at, waiting_ack) VALUES
                        """ + " " + values + " ON CONFLICT (post_id, employee_id, channel) DO NOTHING RETURNING id").all().count
                }
                try await db.raw("""
                    UPDATE post_sends SET cursor_id = \(bind: last), people = people + \(bind: walked),
                        deliveries = deliveries + \(bind: Int64(inserted)), unreachable = unreachable + \(bind: Int64(unreachable))
                    WHERE post_id = \(bind: post.id)
                    """).run()
                return true
            }
            guard stillOurs else { return try await stop(post.id) }
            position = last
            pages += 1
            if let summary = try await summary(post.id) { progress(summary) }
            page = try await upcoming
        }
        try await database.transaction { db in
            try await db.raw("""
                UPDATE post_sends SET state = \(bind: SendState.resolved.rawValue), resolved_at = \(bind: Millis.from(Date())), lease_owner = NULL, lease_until = NULL
                WHERE post_id = \(bind: post.id) AND lease_owner = \(bind: owner)
                """).run()
        }
        return try await summary(post.id)
    }

    /// Of this page's people, those whose feed opt-outs cover an optional post (every optional
    /// post, or each of its topics). Mandatory and critical posts ignore them. The page is in
    /// id order, so one range read of the opt-out key serves it.
    func feedOptOuts(_ post: Post, people page: [Recipient]) async throws -> Set<Int64> {
        guard !post.content.mandatory, post.content.priority != .critical, let first = page.first?.id, let last = page.last?.id else { return [] }
        var byPerson: [Int64: Set<Int64>] = [:]
        for row in try await database.reader.raw("""
            SELECT employee_id, topic_id FROM delivery_optouts
            WHERE employee_id >= \(bind: first) AND employee_id <= \(bind: last) AND channel = \(bind: Channel.feed.rawValue)
            """).all() {
            byPerson[try row.decode(column: "employee_id", as: Int64.self), default: []].insert(try row.decode(column: "topic_id", as: Int64.self))
        }
        return Set(byPerson.filter { OptOutStore.covers($0.value, topics: post.content.topicIDs) }.keys)
    }

    /// Starts the walk, or takes over one whose lease ran out. Returns the cursor to go on from.
    func claim(_ post: Post, rule: String, now: Date) async throws -> Int64? {
        let stamp = Millis.from(now)
        return try await database.transaction { db -> Int64? in
            try await db.raw("""
                INSERT INTO post_sends (post_id, version, rule, channels, state, started_at)
                VALUES (\(bind: post.id), \(bind: Int64(post.version)), \(bind: rule), \(bind: post.content.channels.map(\.rawValue).joined(separator: ",")),
                        \(bind: SendState.resolving.rawValue), \(bind: stamp))
                ON CONFLICT (post_id) DO NOTHING
                """).run()
            // Chat channels and webhooks get the post once, at its publish time (a post sent at
            // each employee's local time goes to them at that wall-clock time in UTC).
            let due = max(now, RecipientPlan.due(publishAt: post.publishAt ?? now, zone: post.scheduleZone, recipientZone: "UTC"))
            try await DestinationStore.freeze(post: post.id, chatChosen: post.content.channels.contains(.chat), due: due, on: db, now: now)
            let row = try await db.raw("""
                UPDATE post_sends SET lease_owner = \(bind: owner), lease_until = \(bind: stamp + Int64(Self.lease * 1_000))
                WHERE post_id = \(bind: post.id) AND state = \(bind: SendState.resolving.rawValue)
                  AND (lease_owner IS NULL OR lease_owner = \(bind: owner) OR lease_until < \(bind: stamp))
                RETURNING cursor_id
                """).first()
            return try row?.decode(column: "cursor_id", as: Int64.self)
        }
    }

    /// Ends a walk whose post is no longer published (withdrawn meanwhile) or whose lease was lost.
    func stop(_ postID: Int64) async throws -> SendSummary? {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE post_sends SET state = \(bind: SendState.stopped.rawValue), lease_owner = NULL, lease_until = NULL
                WHERE post_id = \(bind: postID) AND lease_owner = \(bind: owner) AND state = \(bind: SendState.resolving.rawValue)
                  AND NOT EXISTS (SELECT 1 FROM posts WHERE id = \(bind: postID) AND state = \(bind: PostState.published.rawValue))
                """).run()
        }
        return try await summary(postID)
    }

    public func summary(_ postID: Int64) async throws -> SendSummary? {
        try await Self.summary(postID, on: database.reader)
    }

    static func summary(_ postID: Int64, on db: any SQLDatabase) async throws -> SendSummary? {
        guard let row = try await db.raw("SELECT * FROM post_sends WHERE post_id = \(bind: postID)").first() else { return nil }
        return SendSummary(
            postID: postID, version: Int(try row.decode(column: "version", as: Int64.self)), rule: try row.decode(column: "rule", as: String.self),
            channels: try row.decode(column: "channels", as: String.self).split(separator: ",").compactMap { Channel(rawValue: String($0)) },
            state: SendState(rawValue: try row.decode(column: "state", as: String.self)) ?? .resolving,
            people: Int(try row.decode(column: "people", as: Int64.self)), deliveries: Int(try row.decode(column: "deliveries", as: Int64.self)),
            unreachable: Int(try row.decode(column: "unreachable", as: Int64.self)),
            startedAt: Millis.date(try row.decode(column: "started_at", as: Int64.self)),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Millis.date))
    }
}
