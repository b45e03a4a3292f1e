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
            try? await Task.sleep(for: .seconds(3_600))
        }
    }
}
