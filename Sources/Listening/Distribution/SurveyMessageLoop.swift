import Audit
import Foundation
public import Logging
public import ServiceLifecycle

/// While `tandem serve` runs: opens scheduled surveys and pulse waves, asks people whose lifecycle day has come, plans
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
                let scheduled = try await feature.surveys.openScheduled()
                for survey in scheduled.opened { logger.info("scheduled survey \(survey.id) opened: \(survey.invited) people asked") }
                for failure in scheduled.failed { logger.warning("scheduled survey \(failure.survey) did not open: \(failure.reason)") }
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
                if let chat = feature.chat {
                    let posted = try await chat.drain()
                    if posted.total > 0 { logger.info("survey chat posts: \(posted.sent) sent, \(posted.retrying) to retry, \(posted.dead) dead, \(posted.skipped) not needed") }
                }
            } catch {
                logger.error("survey message pass failed: \(error)")
            }
            do {
                let counted = try await feature.surveys.settleEnded()
                if counted > 0 { logger.info("surveys that stopped taking answers: \(counted) waiting anonymous answers counted") }
            } catch {
                logger.error("counting waiting anonymous answers failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
