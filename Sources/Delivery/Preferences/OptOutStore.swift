public import Content
public import Foundation
public import Engagement
import SQLKit
import TandemCore
public import TandemStore

/// One person's "no more of these" on a channel: a topic, or every optional post (topic 0).
public struct OptOut: Sendable, Encodable, Equatable {
    public let employeeId: Int64
    /// 0 stands for every optional post on the channel.
    public let topicId: Int64
    public let channel: Channel
    public let createdAt: Date
}

/// Opt-outs from optional posts. Mandatory posts ignore them (DESIGN.md §5.4); the adapters ask
/// here before sending, so an opt-out made after an audience was frozen still counts.
public struct OptOutStore: Sendable {
    public static let everything: Int64 = 0
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Adds opt-outs; returns how many were new.
    @discardableResult
    /// `events` (an `unsubscribed` event) are stored in the same transaction, so the
    /// dashboards count exactly the opt-outs that happened.
    public func add(employee: Int64, topics: [Int64], channel: Channel, now: Date = Date(), events: PreparedEvents? = nil) async throws -> Int {
        guard !topics.isEmpty else { return 0 }
        return try await database.transaction { db in
            if let events { _ = try await EngagementWriter.write(events, on: db) }
            var added = 0
            for topic in Set(topics).sorted() {
                let row = try await db.raw("""
                    INSERT INTO delivery_optouts (employee_id, topic_id, channel, created_at)
                    VALUES (\(bind: employee), \(bind: topic), \(bind: channel.rawValue), \(bind: Millis.from(now)))
                    ON CONFLICT (employee_id, topic_id, channel) DO NOTHING RETURNING topic_id
                    """).first()
                if row != nil { added += 1 }
            }
            return added
        }
    }

    /// Removes opt-outs; returns how many there were.
    @discardableResult
    public func remove(employee: Int64, topics: [Int64], channel: Channel) async throws -> Int {
        guard !topics.isEmpty else { return 0 }
        return try await database.transaction { db in
            try await db.raw("""
                DELETE FROM delivery_optouts WHERE employee_id = \(bind: employee) AND channel = \(bind: channel.rawValue)
                AND topic_id IN (\(binds: Array(Set(topics)))) RETURNING topic_id
                """).all().count
        }
    }

    public func list(employee: Int64) async throws -> [OptOut] {
        try await database.reader.raw("""
            SELECT topic_id, channel, created_at FROM delivery_optouts WHERE employee_id = \(bind: employee) ORDER BY channel, topic_id
            """).all().compactMap { row in
            guard let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)) else { return nil }
            return OptOut(employeeId: employee, topicId: try row.decode(column: "topic_id", as: Int64.self), channel: channel,
                          createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// True when the person opted out of every optional post on the channel, or of every topic
    /// the post has. A post without topics is only stopped by the everything opt-out.
    public func isOptedOut(employee: Int64, topics: [Int64], channel: Channel) async throws -> Bool {
        let rows = try await database.reader.raw("""
            SELECT topic_id FROM delivery_optouts WHERE employee_id = \(bind: employee) AND channel = \(bind: channel.rawValue)
            """).all()
        let out = Set(try rows.map { try $0.decode(column: "topic_id", as: Int64.self) })
        return Self.covers(out, topics: topics)
    }

    /// The rule above, over a set of opted-out topic ids.
    public static func covers(_ out: Set<Int64>, topics: [Int64]) -> Bool {
        if out.contains(everything) { return true }
        return !topics.isEmpty && topics.allSatisfy(out.contains)
    }
}
