public import Delivery
public import Foundation
import TandemCore

/// Sends planned chat posts: the survey's title, its privacy promise and a link to the answer
/// page (sign-in needed: a shared channel gets no personal link). Delivery's destination
/// worker makes the request, so pacing, pausing and failure classes match posts'.
public struct SurveyChatPoster: Sendable {
    let store: SurveyChatStore
    let surveys: SurveyStore
    let destinations: DestinationWorker
    let baseURL: String
    let owner: String

    public init(store: SurveyChatStore, surveys: SurveyStore, destinations: DestinationWorker, baseURL: String, owner: String) {
        self.store = store
        self.surveys = surveys
        self.destinations = destinations
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.owner = owner
    }

    /// Sends until nothing is due (or 20 batches).
    public func drain(limit: Int = 20, now: @escaping @Sendable () -> Date = { Date() }) async throws -> SurveyMessenger.Outcome {
        var total = SurveyMessenger.Outcome()
        for _ in 0..<20 {
            let claimed = try await store.claim(limit: limit, owner: owner, now: now())
            if claimed.isEmpty { break }
            var cache: [Int64: Survey] = [:]
            for post in claimed {
                if cache[post.surveyID] == nil { cache[post.surveyID] = try await surveys.find(id: post.surveyID) }
                switch try await deliver(post, survey: cache[post.surveyID]) {
                case .sent: total.sent += 1
                case .failed: total.retrying += 1
                case .dead: total.dead += 1
                default: total.skipped += 1
                }
            }
        }
        return total
    }

    func deliver(_ post: SurveyChatStore.Claimed, survey: Survey?) async throws -> SurveyMessageState {
        guard let survey, survey.acceptsAnswers(today: ListeningFeature.today()) else {
            try await store.record(post, state: .cancelled, error: "the survey is closed")
            return .cancelled
        }
        let item = Self.item(survey, round: post.round, url: "\(baseURL)/surveys/\(survey.id)/answer")
        do {
            let receipt = try await destinations.announce(item, to: post.destinationID, key: "tandem-sv\(survey.id).d\(post.destinationID).r\(post.round)",
                                                          event: post.round == 0 ? "survey.opened" : "survey.reminder")
            try await store.record(post, state: .sent, receipt: receipt)
            return .sent
        } catch let failure as SendFailure {
            switch failure {
            case .retry(let reason, let after):
                if post.attempt >= SurveyMessageStore.maximumAttempts {
                    try await store.record(post, state: .dead, error: "gave up after \(post.attempt) tries: \(reason)")
                    return .dead
                }
                try await store.record(post, state: .failed, error: reason, dueAt: Date().addingTimeInterval(after ?? SurveyMessenger.backoff(attempt: post.attempt)))
                return .failed
            case .permanent(let reason), .skipped(let reason):
                try await store.record(post, state: .dead, error: reason)
                return .dead
            case .held(let until, let reason, _):
                try await store.record(post, state: .failed, error: reason, dueAt: until)
                return .failed
            }
        }
    }

    /// The post: the survey's own title and introduction (a channel is read by many, so the
    /// survey's first language), who is asked, and how long it is open.
    static func item(_ survey: Survey, round: Int, url: String) -> DestinationPayload.Item {
        var lines: [String] = []
        if round > 0 { lines.append("Reminder: if you were asked and have not answered yet, there is still time.") }
        if !survey.intro.isEmpty { lines.append(survey.intro) }
        lines.append(survey.mode.promise)
        if let closesOn = survey.closesOn { lines.append("Open until \(closesOn).") }
        return DestinationPayload.Item(postID: survey.id, title: (round > 0 ? "Reminder: " : "Survey: ") + survey.title, summary: lines.joined(separator: "\n"),
                                       language: "", priority: "normal", topics: ["Survey"], url: url, publishedAt: survey.openedAt ?? Date(),
                                       action: "Answer the survey")
    }
}
