import Audit
import Foundation
public import Logging
public import ServiceLifecycle

/// While `tandem serve` runs: opens pulse waves, asks people whose lifecycle day has come, plans
/// automatic reminders when their day comes, and sends due survey messages. Each step is a transaction, so a failed pass is simply tried again.
public struct SurveyMessageLoop: Service {
    let feature: ListeningFeature
    let interval: Duration
    let logger: Logger

    public init(feature: ListeningFeature, interval: Duration, logger: Logger) {
        self.feature = feature
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pulses = try await feature.pulses.tick()
                for wave in pulses.opened { logger.info("pulse wave opened: survey \(wave.survey), \(wave.invited) people asked") }
                for wave in pulses.failed { logger.warning("pulse wave \(wave.survey) did not open: \(wave.reason)") }
                for asked in try await feature.lifecycle.tick() { logger.info("lifecycle survey \(asked.survey): \(asked.invited) people reached their day") }
                for id in try await feature.messages.dueReminders() {
                    let (round, planned) = try await feature.messages.remind(id, by: .system, automatic: true)
                    logger.info("survey \(id): automatic reminder \(round) to \(planned) people who have not answered")
                }
                let sent = try await feature.messenger.drain()
                if sent.total > 0 { logger.info("survey messages: \(sent.sent) sent, \(sent.retrying) to retry, \(sent.dead) dead, \(sent.skipped) not needed") }
            } catch {
                logger.error("survey message pass failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
