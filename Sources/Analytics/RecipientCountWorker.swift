public import Logging
public import ServiceLifecycle
import SQLKit
import TandemStore

/// Counts recipients per channel and breakdown in the background once a send has resolved, so
/// the first dashboard view after a send reads counts instead of making them (9.5 s for a
/// campaign of 3,000,000 deliveries). A view still counts for itself when it gets there first.
public struct RecipientCountWorker: Service {
    let metrics: PostMetricsStore
    let interval: Duration
    let logger: Logger

    public init(metrics: PostMetricsStore, interval: Duration = .seconds(2), logger: Logger) {
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await metrics.countResolvedSends()
            } catch {
                logger.warning("could not count recipients of resolved sends (will try again): \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

extension PostMetricsStore {
    /// Counts the recipients of every post whose send has resolved, and of every campaign whose
    /// sends have all resolved, where the count is missing or older than the deliveries. Posts
    /// still fanning out wait: their count would be stale a page later. The subjects counted.
    public func countResolvedSends(limit: Int = 20) async throws -> [DashboardSubject] {
        var subjects: [DashboardSubject] = []
        for row in try await database.reader.raw("""
            SELECT s.post_id FROM post_sends s LEFT JOIN engagement_recipient_totals t ON t.post_id = s.post_id
            WHERE s.state = 'resolved' AND (t.deliveries IS NULL OR t.deliveries <> s.deliveries)
            ORDER BY s.resolved_at, s.post_id LIMIT \(bind: limit)
            """).all() {
            subjects.append(.post(try row.decode(column: "post_id", as: Int64.self)))
        }
        for row in try await database.reader.raw("""
            SELECT c.campaign_id FROM (
                SELECT p.campaign_id, CAST(SUM(s.deliveries) AS BIGINT) AS deliveries,
                       SUM(CASE WHEN s.state = 'resolving' THEN 1 ELSE 0 END) AS busy
                FROM post_sends s JOIN posts p ON p.id = s.post_id WHERE p.campaign_id IS NOT NULL GROUP BY p.campaign_id) c
            LEFT JOIN campaign_recipient_totals t ON t.campaign_id = c.campaign_id
            WHERE c.busy = 0 AND (t.deliveries IS NULL OR t.deliveries <> c.deliveries)
            ORDER BY c.campaign_id LIMIT \(bind: limit)
            """).all() {
            subjects.append(.campaign(try row.decode(column: "campaign_id", as: Int64.self)))
        }
        for subject in subjects { try await countRecipients(subject) }
        return subjects
    }
}
