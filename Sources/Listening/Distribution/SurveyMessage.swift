public import Foundation

/// Where one invitation or reminder stands.
public enum SurveyMessageState: String, Sendable, Codable, CaseIterable {
    case pending, sending, sent
    /// Tried and failed; due again later.
    case failed
    /// Will not be sent: a permanent refusal, or too many failed tries.
    case dead
    /// Not sent, and rightly so: the person answered first, or opted out of optional messages.
    case skipped
    /// The survey closed before it went.
    case cancelled
}

/// One claimed message, as the messenger sends it.
public struct SurveyMessage: Sendable, Equatable {
    public let id: Int64
    public let surveyID: Int64
    public let employeeID: Int64
    public let channel: SurveyChannel
    /// 0 for the invitation, n for the n-th reminder.
    public let round: Int
    public let attempt: Int
}

/// How far a survey's messages have got: one line per channel and round.
public struct SurveyDistribution: Sendable, Codable, Equatable {
    public struct Line: Sendable, Codable, Equatable {
        public let channel: SurveyChannel
        public let round: Int
        public var counts: [String: Int]

        public func count(_ state: SurveyMessageState) -> Int { counts[state.rawValue] ?? 0 }
        public var total: Int { counts.values.reduce(0, +) }
    }

    /// One post to a Slack or Teams channel.
    public struct ChatLine: Sendable, Codable, Equatable {
        public let destinationID: Int64
        public let destination: String
        public let round: Int
        public let state: SurveyMessageState
        public let attempts: Int
        public let error: String?
        public let sentAt: Date?
    }

    public let lines: [Line]
    public var chat: [ChatLine] = []
    /// People asked who have not answered yet: who the next reminder would reach.
    public let waiting: Int
    /// The earliest moment a reminder may be sent by hand (the last one plus the pause).
    public let nextReminderFrom: Date?
}
