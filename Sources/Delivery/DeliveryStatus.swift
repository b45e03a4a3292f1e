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
