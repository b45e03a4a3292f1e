import Foundation
import Logging
public import ServiceLifecycle

/// Runs the scheduler every few seconds while `tandem serve` runs, and stops with it.
public struct DeliveryLoop: Service {
    let scheduler: Scheduler
    let worker: DeliveryWorker
    let destinations: DestinationWorker?
    let digests: DigestSender?
    let interval: Duration
    let logger: Logger

    public init(scheduler: Scheduler, worker: DeliveryWorker, destinations: DestinationWorker? = nil, digests: DigestSender? = nil,
                interval: Duration, logger: Logger) {
        self.digests = digests
        self.scheduler = scheduler
        self.worker = worker
        self.destinations = destinations
        self.interval = interval
        self.logger = logger
    }

    func drainDestinations() async throws -> DestinationWorker.Outcome? {
        guard let destinations else { return nil }
        _ = try await destinations.cancelWithdrawn()
        return try await destinations.drain()
    }

    public func run() async throws {
        do {
            let recovered = try await worker.recoverInterrupted() + (try await destinations?.recoverInterrupted() ?? 0)
            if recovered > 0 { logger.notice("\(recovered) deliveries were being sent when this server stopped; they are due again now") }
        } catch {
            logger.error("could not recover interrupted deliveries: \(error)")
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pass = try await scheduler.tick()
                for id in pass.published { logger.info("published scheduled post \(id)") }
                for send in pass.resolved where send.state == .resolved {
                    logger.info("post \(send.postID): \(send.people) people, \(send.deliveries) deliveries, \(send.unreachable) unreachable")
                }
                let reminders = try await worker.remindUnacknowledged()
                if reminders > 0 { logger.info("\(reminders) reminders of critical posts not yet acknowledged") }
                let cancelled = try await worker.cancelWithdrawn()
                if cancelled > 0 { logger.info("cancelled \(cancelled) deliveries of withdrawn posts") }
                // Chat and webhooks in their own task, so a slow endpoint never holds up people's deliveries.
                async let posted = drainDestinations()
                let sent = try await worker.drain()
                if sent.claimed > 0 { logger.info("deliveries: \(sent.sent) sent, \(sent.retrying) to retry, \(sent.dead) dead") }
                if let digests {
                    let done = try await digests.runOnce()
                    if done.sent + done.retrying + done.dead > 0 { logger.info("digests: \(done.sent) sent, \(done.retrying) to retry, \(done.dead) dead") }
                }
                if let chat = try await posted, chat.claimed > 0 {
                    logger.info("chat and webhooks: \(chat.sent) sent, \(chat.retrying) to retry, \(chat.dead) dead")
                }
            } catch {
                // The next pass retries; nothing is half-written (each step is a transaction).
                logger.error("delivery pass failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
