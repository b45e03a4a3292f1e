import Foundation
import Logging
public import ServiceLifecycle

/// Runs the scheduler every few seconds while `tandem serve` runs, and stops with it.
public struct DeliveryLoop: Service {
    let scheduler: Scheduler
    let interval: Duration
    let logger: Logger

    public init(scheduler: Scheduler, interval: Duration, logger: Logger) {
        self.scheduler = scheduler
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pass = try await scheduler.tick()
                for id in pass.published { logger.info("published scheduled post \(id)") }
                for send in pass.resolved where send.state == .resolved {
                    logger.info("post \(send.postID): \(send.people) people, \(send.deliveries) deliveries, \(send.unreachable) unreachable")
                }
            } catch {
                // The next pass retries; nothing is half-written (each step is a transaction).
                logger.error("delivery pass failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
