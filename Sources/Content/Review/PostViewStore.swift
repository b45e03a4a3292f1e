public import Foundation
import SQLKit
public import TandemStore

/// The last version of each post each person opened: reviewers are shown what changed since.
public struct PostViewStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func lastSeen(post postID: Int64, userID: Int64) async throws -> Int? {
        try await database.reader.raw("SELECT version FROM post_views WHERE post_id = \(bind: postID) AND user_id = \(bind: userID)").first()
            .map { Int(try $0.decode(column: "version", as: Int64.self)) }
    }

    /// Last seen versions of several posts, for the review queue.
    public func lastSeen(posts ids: [Int64], userID: Int64) async throws -> [Int64: Int] {
        guard !ids.isEmpty else { return [:] }
        var seen: [Int64: Int] = [:]
        for row in try await database.reader.raw("""
            SELECT post_id, version FROM post_views WHERE user_id = \(bind: userID) AND post_id IN (\(binds: ids))
            """).all() {
            seen[try row.decode(column: "post_id", as: Int64.self)] = Int(try row.decode(column: "version", as: Int64.self))
        }
        return seen
    }

    /// Records that `userID` saw `version`; never moves back to an older version.
    public func markSeen(post postID: Int64, userID: Int64, version: Int, now: Date = Date()) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO post_views (post_id, user_id, version, seen_at) VALUES (\(bind: postID), \(bind: userID), \(bind: Int64(version)), \(bind: Millis.from(now)))
                ON CONFLICT (post_id, user_id) DO UPDATE SET version = excluded.version, seen_at = excluded.seen_at WHERE post_views.version < excluded.version
                """).run()
        }
    }
}
