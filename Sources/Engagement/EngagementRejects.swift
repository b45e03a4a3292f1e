public import Foundation
public import SQLKit
public import TandemStore

/// Counts of refused beacons and tracking links per day and reason (bad signature, expired,
/// unknown kind, link to a host not allowed). Nothing of what was sent is kept.
public enum EngagementRejects {
    static func add(_ counts: [String: Int64], on db: any SQLDatabase, now: Date = Date()) async throws {
        let day = floorDiv(Millis.from(now), .millisPerDay)
        for (reason, count) in counts.sorted(by: { $0.key < $1.key }) {
            try await db.raw("""
                INSERT INTO engagement_rejects (day, reason, count) VALUES (\(bind: day), \(bind: String(reason.prefix(60))), \(bind: count))
                ON CONFLICT (day, reason) DO UPDATE SET count = engagement_rejects.count + excluded.count
                """).run()
        }
    }

    /// Refusals per reason since `since`.
    public static func totals(_ database: Database, since: Date) async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await database.reader.raw("""
            SELECT reason, CAST(SUM(count) AS BIGINT) AS total FROM engagement_rejects WHERE day >= \(bind: floorDiv(Millis.from(since), .millisPerDay)) GROUP BY reason
            """).all() {
            out[try row.decode(column: "reason", as: String.self)] = try row.decode(column: "total", as: Int64.self)
        }
        return out
    }
}
