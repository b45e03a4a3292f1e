public import Foundation
public import Logging
import SQLKit
public import TandemStore

/// Recording what happens to every message: the writer (inside other features' transactions),
/// the group-commit ingester for beacons, the tracking tokens, and pruning of raw events.
public struct EngagementFeature: Sendable {
    public static let migrations = EngagementMigrations.all

    public let writer: EngagementWriter
    public let ingestor: EventIngestor
    public let tokens: TrackingTokens
    public let rollups: RollupBuilder
    let database: Database

    public init(database: Database, signer: LinkSigner, logger: Logger = Logger(label: "tandem.engagement")) {
        self.database = database
        writer = EngagementWriter(database: database)
        ingestor = EventIngestor(writer: writer, logger: logger)
        tokens = TrackingTokens(signer: signer)
        rollups = RollupBuilder(database: database)
    }

    /// Brings the rollups up to every stored event (dashboards call it before reading, so they
    /// are current even when the background builder is behind).
    @discardableResult
    public func rollUp() async throws -> Int {
        try await rollups.catchUp()
    }

    /// Deletes raw events older than `days` days that are already rolled up. Rollups and people's
    /// bits stay as they are, so the dashboards do not change.
    @discardableResult
    public func prune(olderThanDays days: Int, now: Date = Date()) async throws -> Int {
        let cutoff = Millis.from(now) - Int64(max(days, Int(TrackingTokens.lifetimeDays) + 1)) * .millisPerDay
        var total = 0
        while true {
            let removed = try await database.transaction { db in
                try await db.raw("""
                    DELETE FROM engagement_events WHERE id IN (
                      SELECT id FROM engagement_events WHERE occurred_at < \(bind: cutoff)
                        AND id <= (SELECT last_event_id FROM engagement_progress WHERE name = 'rollups') ORDER BY id LIMIT 10000)
                    RETURNING id
                    """).all().count
            }
            total += removed
            if removed < 10_000 { return total }
        }
    }
}
