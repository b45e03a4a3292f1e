import Foundation
public import Logging
public import ServiceLifecycle

/// Deletes raw events past the retention once an hour (`TANDEM_EVENT_RETENTION_DAYS`). The
/// rollups the dashboards read are not touched.
public struct EventPruner: Service {
    let feature: EngagementFeature
    let days: Int
    let logger: Logger

    public init(feature: EngagementFeature, days: Int, logger: Logger) {
        self.feature = feature
        self.days = days
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let removed = try await feature.prune(olderThanDays: days)
                if removed > 0 { logger.info("pruned \(removed) engagement events older than \(days) days") }
            } catch {
                logger.warning("could not prune engagement events (will try again in an hour): \(error)")
            }
            // The hour's wait ends early when the server shuts down.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3_600)) }
        }
    }
}

/// Keeps the rollups within a second of the stored events.
public struct RollupWorker: Service {
    let feature: EngagementFeature
    let interval: Duration
    let logger: Logger

    public init(feature: EngagementFeature, interval: Duration = .milliseconds(500), logger: Logger) {
        self.feature = feature
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // Small batches, so a large backlog does not hold the SQLite writer for long.
                try await feature.rollups.catchUp(batch: 5_000)
            } catch {
                logger.warning("could not roll up engagement events (will try again): \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
