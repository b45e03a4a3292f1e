public import Delivery
public import Foundation
import Logging
import TandemCore
import TandemStore

/// Sends planned survey messages: claims due rows, checks each is still wanted (the survey is
/// open, a reminder's person has not answered meanwhile), and hands it to the email or SMS
/// adapter with a key of its own, so a repeat after a crash is the same message to the mail
/// server (Message-ID) and the gateway (Idempotency-Key). Channels without an adapter wait.
public struct SurveyMessenger: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var sent = 0, retrying = 0, dead = 0, skipped = 0
        public var total: Int { sent + retrying + dead + skipped }
    }

    let store: SurveyMessageStore
    let surveys: SurveyStore
    let links: SurveyLinks
    let translations: SurveyTranslationStore
    let email: EmailAdapter?
    let sms: SMSAdapter?
    let owner: String

    public init(store: SurveyMessageStore, surveys: SurveyStore, links: SurveyLinks, translations: SurveyTranslationStore, email: EmailAdapter?, sms: SMSAdapter?,
                owner: String) {
        self.store = store
        self.translations = translations
        self.surveys = surveys
        self.links = links
        self.email = email
        self.sms = sms
        self.owner = owner
    }

    /// Channels with an adapter that is ready now.
    func readyChannels() async -> [SurveyChannel] {
        var ready: [SurveyChannel] = []
        if let email, await email.isReady() { ready.append(.email) }
        if let sms, await sms.isReady() { ready.append(.sms) }
        return ready
    }

    /// Sends until nothing is due (or `maximumBatches` batches), reporting each batch.
    public func drain(limit: Int = 50, maximumBatches: Int = 100, now: @escaping @Sendable () -> Date = { Date() },
                      progress: @Sendable (Outcome) -> Void = { _ in }) async throws -> Outcome {
        var total = Outcome()
        for _ in 0..<maximumBatches {
            let batch = try await runOnce(limit: limit, now: now())
            if batch.total == 0 { break }
            total.sent += batch.sent; total.retrying += batch.retrying; total.dead += batch.dead; total.skipped += batch.skipped
            progress(total)
        }
        return total
    }

    public func runOnce(limit: Int = 50, now: Date = Date()) async throws -> Outcome {
        let claimed = try await store.claim(channels: await readyChannels(), limit: limit, owner: owner, now: now)
        var cache: [Int64: Survey] = [:]
        for id in Set(claimed.map(\.surveyID)) { cache[id] = try await surveys.find(id: id) }
        let found = cache
        return try await withThrowingTaskGroup(of: SurveyMessageState.self) { group in
            var outcome = Outcome(), running = 0
            for message in claimed {
                if running >= 4, let state = try await group.next() { count(state, into: &outcome); running -= 1 }
                group.addTask { try await deliver(message, survey: found[message.surveyID]) }
                running += 1
            }
            for try await state in group { count(state, into: &outcome) }
            return outcome
        }
    }

    func count(_ state: SurveyMessageState, into outcome: inout Outcome) {
        switch state {
        case .sent: outcome.sent += 1
        case .failed: outcome.retrying += 1
        case .dead: outcome.dead += 1
        default: outcome.skipped += 1
        }
    }

    /// One message, start to recorded outcome; returns the state it was left in.
    func deliver(_ message: SurveyMessage, survey: Survey?) async throws -> SurveyMessageState {
        guard let survey, survey.acceptsAnswers(today: ListeningFeature.today()) else {
            try await store.record(message, state: .cancelled, error: "the survey is closed")
            return .cancelled
        }
        if try await store.hasAnswered(survey: survey.id, employee: message.employeeID) {
            try await store.record(message, state: .skipped, error: "answered before this message went")
            return .skipped
        }
        let link = try await links.link(survey: survey.id, employee: message.employeeID)
        let key = "s\(survey.id).e\(message.employeeID).r\(message.round)"
        let wording = try await translations.wording(survey, employee: message.employeeID)
        do {
            let receipt: String?
            switch message.channel {
            case .email:
                guard let email else { throw SendFailure.retry(reason: "no SMTP server is set up", after: 300) }
                let notice = SurveyNotice.email(survey, wording: wording, round: message.round, link: link)
                receipt = try await email.sendNotice(to: message.employeeID, subject: notice.subject, text: notice.text, html: notice.html, key: key)
            case .sms:
                guard let sms else { throw SendFailure.retry(reason: "no SMS gateway is set up", after: 300) }
                receipt = try await sms.sendNotice(to: message.employeeID, text: SurveyNotice.sms(wording, round: message.round, link: link), key: key)
            }
            try await store.record(message, state: .sent, receipt: receipt)
            return .sent
        } catch let failure as SendFailure {
            switch failure {
            case .retry(let reason, let after):
                if message.attempt >= SurveyMessageStore.maximumAttempts {
                    try await store.record(message, state: .dead, error: "gave up after \(message.attempt) tries: \(reason)")
                    return .dead
                }
                let wait = after ?? Self.backoff(attempt: message.attempt)
                try await store.record(message, state: .failed, error: reason, dueAt: Date().addingTimeInterval(wait))
                return .failed
            case .permanent(let reason):
                try await store.record(message, state: .dead, error: reason)
                return .dead
            case .skipped(let reason):
                try await store.record(message, state: .skipped, error: reason)
                return .skipped
            case .held(let until, let reason, _):
                try await store.record(message, state: .failed, error: reason, dueAt: until)
                return .failed
            }
        }
    }

    /// 1, 5, 25 minutes, … up to 2 hours.
    static func backoff(attempt: Int) -> TimeInterval {
        min(7_200, 60 * pow(5, Double(max(0, attempt - 1))))
    }
}
