public import Foundation
import SQLKit
import TandemCore
public import TandemStore

/// The survey's chat outbox: one post per Slack or Teams destination and round (0 the opening,
/// n the n-th reminder), planned in the transaction that opens or reminds, and sent by
/// `SurveyChatPoster` under a lease like the people's messages.
public struct SurveyChatStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One claimed post.
    struct Claimed: Sendable, Equatable {
        let id: Int64
        let surveyID: Int64
        let destinationID: Int64
        let round: Int
        let attempt: Int
    }

    /// Plans one round inside the caller's transaction; the UNIQUE key makes a repeat nothing.
    static func plan(_ db: any SQLDatabase, survey: Int64, destinations: [Int64], round: Int, now: Date) async throws -> Int {
        guard !destinations.isEmpty else { return 0 }
        let stamp = Millis.from(now)
        let rows = destinations.map { id -> SQLQueryString in
            "(\(bind: survey), \(bind: id), \(bind: Int64(round)), \(bind: SurveyMessageState.pending.rawValue), \(bind: stamp), \(bind: stamp))"
        }
        return try await db.raw("""
            INSERT INTO survey_chat_posts (survey_id, destination_id, round, state, due_at, updated_at) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (survey_id, destination_id, round) DO NOTHING RETURNING id
            """).all().count
    }

    static func cancel(_ db: any SQLDatabase, survey: Int64, now: Date) async throws {
        try await db.raw("""
            UPDATE survey_chat_posts SET state = \(bind: SurveyMessageState.cancelled.rawValue), lease_until = NULL, updated_at = \(bind: Millis.from(now))
            WHERE survey_id = \(bind: survey) AND state IN ('pending', 'failed')
            """).run()
    }

    /// Takes due posts, and any whose claim expired; a paused destination's posts wait for it.
    func claim(limit: Int, owner: String, now: Date) async throws -> [Claimed] {
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(SurveyMessageStore.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let live: SQLQueryString = " AND destination_id IN (SELECT id FROM destinations WHERE paused = 0)"
        return try await database.transaction { db in
            let ready = try await db.raw("SELECT id FROM survey_chat_posts WHERE state IN ('pending', 'failed') AND due_at <= \(bind: stamp)"
                                         + live + " ORDER BY due_at, id LIMIT \(bind: limit)" + lock).all()
            let expired = try await db.raw("SELECT id FROM survey_chat_posts WHERE state = 'sending' AND lease_until < \(bind: stamp)"
                                           + live + " ORDER BY lease_until LIMIT \(bind: limit)" + lock).all()
            let ids = try (ready + expired).map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.raw("""
                UPDATE survey_chat_posts SET state = \(bind: SurveyMessageState.sending.rawValue), lease_owner = \(bind: owner), lease_until = \(bind: until),
                    attempts = attempts + 1, updated_at = \(bind: stamp)
                WHERE id IN (\(binds: Array(ids.prefix(limit)))) RETURNING id, survey_id, destination_id, round, attempts
                """).all().map { row in
                Claimed(id: try row.decode(column: "id", as: Int64.self), surveyID: try row.decode(column: "survey_id", as: Int64.self),
                        destinationID: try row.decode(column: "destination_id", as: Int64.self), round: Int(try row.decode(column: "round", as: Int64.self)),
                        attempt: Int(try row.decode(column: "attempts", as: Int64.self)))
            }.sorted { $0.id < $1.id }
        }
    }

    /// Writes a claim's outcome; false when the claim had expired and another worker took it.
    @discardableResult
    func record(_ post: Claimed, state: SurveyMessageState, error: String? = nil, dueAt: Date? = nil, receipt: String? = nil, now: Date = Date()) async throws -> Bool {
        let stamp = Millis.from(now)
        let due: SQLQueryString = dueAt.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
        return try await database.transaction { db in
            try await db.raw("""
                UPDATE survey_chat_posts SET state = \(bind: state.rawValue), lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    receipt = \(bind: receipt.map { String($0.prefix(200)) }), sent_at = \(bind: state == .sent ? stamp : nil), updated_at = \(bind: stamp)
                """ + due + """
                 WHERE id = \(bind: post.id) AND state = 'sending' AND attempts = \(bind: Int64(post.attempt)) RETURNING id
                """).first() != nil
        }
    }

    /// Where each of a survey's chat posts stands, for its page and the API.
    public func lines(survey: Int64) async throws -> [SurveyDistribution.ChatLine] {
        try await database.reader.raw("""
            SELECT p.destination_id, COALESCE(d.name, '(removed)') AS name, p.round, p.state, p.attempts, p.last_error, p.sent_at
            FROM survey_chat_posts p LEFT JOIN destinations d ON d.id = p.destination_id
            WHERE p.survey_id = \(bind: survey) ORDER BY p.round, name, p.destination_id
            """).all().map { row in
            SurveyDistribution.ChatLine(destinationID: try row.decode(column: "destination_id", as: Int64.self), destination: try row.decode(column: "name", as: String.self),
                                        round: Int(try row.decode(column: "round", as: Int64.self)),
                                        state: SurveyMessageState(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                                        attempts: Int(try row.decode(column: "attempts", as: Int64.self)), error: try row.decode(column: "last_error", as: String?.self),
                                        sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Millis.date))
        }
    }
}
