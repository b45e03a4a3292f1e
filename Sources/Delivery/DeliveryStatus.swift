public import Audit
public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// A post's delivery at a glance: the frozen audience, and deliveries per channel and state.
public struct DeliveryStatus: Sendable, Encodable, Equatable {
    public struct Line: Sendable, Encodable, Equatable {
        public let channel: Channel
        public let counts: [String: Int]
        public let total: Int
    }
    public let postID: Int64
    public let send: SendSummary?
    public let channels: [Line]
}

/// One person's delivery on one channel, for admins.
public struct RecipientDelivery: Sendable, Encodable, Equatable {
    public let id: Int64
    public let employeeId: String
    public let name: String
    public let channel: Channel
    public let state: DeliveryState
    public let attempts: Int
    public let dueAt: Date
    public let sentAt: Date?
    public let lastError: String?
}

public struct DeliveryStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func status(of postID: Int64) async throws -> DeliveryStatus {
        let send = try await FanOut.summary(postID, on: database.reader)
        var counts: [Channel: [String: Int]] = [:]
        for row in try await database.reader.raw("""
            SELECT channel, state, COUNT(*) AS n FROM deliveries WHERE post_id = \(bind: postID) GROUP BY channel, state
            """).all() {
            guard let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            counts[channel, default: [:]][try row.decode(column: "state", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        let lines = RecipientPlan.personal.filter { counts[$0] != nil }.map { channel in
            let byState = counts[channel] ?? [:]
            return DeliveryStatus.Line(channel: channel, counts: byState, total: byState.values.reduce(0, +))
        }
        return DeliveryStatus(postID: postID, send: send, channels: lines)
    }

    /// Per-person rows of a post in id order after `cursor`, optionally one state or channel.
    public func recipients(of postID: Int64, state: DeliveryState?, channel: Channel?, cursor: Int64?, limit: Int) async throws -> Page<RecipientDelivery> {
        var conditions: [SQLQueryString] = ["d.post_id = \(bind: postID)", "d.id > \(bind: cursor ?? 0)"]
        if let state { conditions.append("d.state = \(bind: state.rawValue)") }
        if let channel { conditions.append("d.channel = \(bind: channel.rawValue)") }
        let rows = try await database.reader.raw("""
            SELECT d.id, d.channel, d.state, d.attempts, d.due_at, d.sent_at, d.last_error, e.employee_id, e.given_name, e.family_name, e.preferred_name
            FROM deliveries d JOIN employees e ON e.id = d.employee_id WHERE
            """ + " " + conditions.joined(separator: " AND ") + " ORDER BY d.id LIMIT \(bind: limit + 1)").all()
        let items = try rows.prefix(limit).map { row in
            RecipientDelivery(
                id: try row.decode(column: "id", as: Int64.self), employeeId: try row.decode(column: "employee_id", as: String.self),
                name: "\(try row.decode(column: "preferred_name", as: String?.self) ?? row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                channel: Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .feed,
                state: DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                attempts: Int(try row.decode(column: "attempts", as: Int64.self)), dueAt: Millis.date(try row.decode(column: "due_at", as: Int64.self)),
                sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Millis.date), lastError: try row.decode(column: "last_error", as: String?.self))
        }
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { Cursor.encode($0.id) } : nil)
    }

    /// Sends failed and dead deliveries of a published post again, now. Returns how many.
    public func retry(post postID: Int64, by actor: AuditActor, now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT state FROM posts WHERE id = \(bind: postID)").first() else { throw AppError.notFound("Post") }
            guard try row.decode(column: "state", as: String.self) == PostState.published.rawValue else {
                throw AppError.conflict("Only a published post's deliveries can be retried; this one is \(try row.decode(column: "state", as: String.self)).")
            }
            let count = try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.pending.rawValue), due_at = \(bind: Millis.from(now)), lease_until = NULL, attempts = 0, updated_at = \(bind: Millis.from(now))
                WHERE post_id = \(bind: postID) AND state IN (\(bind: DeliveryState.failed.rawValue), \(bind: DeliveryState.dead.rawValue))
                RETURNING id
                """).all().count
            try await AuditStore.append(
                AuditEntry(action: "delivery.retry", entityType: "post", entityID: String(postID), summary: "Retried \(count) failed or dead deliveries"),
                by: actor, on: db)
            return count
        }
    }

    /// The latest sends, newest first, for the overview page.
    public func recent(limit: Int = 50) async throws -> [(send: SendSummary, title: String)] {
        let rows = try await database.reader.raw("""
            SELECT s.post_id, v.title FROM post_sends s JOIN posts p ON p.id = s.post_id
            JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
            WHERE s.state <> 'skipped' ORDER BY s.started_at DESC, s.post_id DESC LIMIT \(bind: limit)
            """).all()
        var result: [(send: SendSummary, title: String)] = []
        for row in rows {
            if let send = try await FanOut.summary(try row.decode(column: "post_id", as: Int64.self), on: database.reader) {
                result.append((send, try row.decode(column: "title", as: String.self)))
            }
        }
        return result
    }
}
