public import Foundation
import People
public import TandemCore

/// How a response relates to the person who gave it. Shown to respondents before they answer.
public enum Confidentiality: String, Sendable, Codable, CaseIterable {
    /// No link from a response to a person is ever stored: only coarsened breakdown values.
    case anonymous
    /// Linked to the person, but only aggregates are ever shown.
    case confidential
    /// Linked and shown with the person's name (onboarding check-ins and the like).
    case identified

    public var promise: String {
        switch self {
        case .anonymous: "Anonymous: your answers are stored without your name or any link to you. Results are shown only for groups of at least the minimum size."
        case .confidential: "Confidential: HR can tell that you answered, but results are only ever shown for groups, never for one person."
        case .identified: "Identified: your name is shown with your answers to the survey's owners."
        }
    }
}

public enum SurveyState: String, Sendable, Codable, CaseIterable {
    case draft, open, closed
}

/// When a lifecycle survey asks each person, from their HR dates.
public enum LifecycleTrigger: String, Sendable, Codable, CaseIterable {
    case hired30 = "hired_30"
    case hired90 = "hired_90"
    /// In the last week before the person's leaving date (an exit survey).
    case leaving

    public var title: String {
        switch self {
        case .hired30: "30 days after joining"
        case .hired90: "90 days after joining"
        case .leaving: "In the last week before leaving"
        }
    }
}

/// Where a survey's invitation and reminders go besides the feed card, which every invitee gets.
public enum SurveyChannel: String, Sendable, Codable, CaseIterable {
    /// To the work address of everyone who has one.
    case email
    /// A text with the link: to people without a work address when email is chosen too, else to
    /// everyone with a mobile number.
    case sms

    public var title: String {
        switch self {
        case .email: "Email"
        case .sms: "SMS"
        }
    }
}

public enum QuestionKind: String, Sendable, Codable, CaseIterable {
    /// A rating from `scaleMin` to `scaleMax` (1–5 or 0–10).
    case rating
    /// "How likely are you to recommend … ?" on 0–10: promoters 9–10, detractors 0–6.
    case enps
    case single, multiple
    case text
    /// Several statements (`rows`) each rated on the same 1–5 agreement scale.
    case matrix
}

/// One question. `key` is stable within the survey ("q1", "q2", …) and names its answers.
public struct Question: Sendable, Codable, Equatable {
    public var key: String
    public var kind: QuestionKind
    public var prompt: String
    public var section: String?
    public var required: Bool
    /// Choices for single and multiple choice.
    public var choices: [String]?
    /// Statements for a matrix.
    public var rows: [String]?
    public var scaleMin: Int?
    public var scaleMax: Int?
    /// Show only when an earlier question's answer is one of these values (skip logic).
    public var showIf: Condition?

    public struct Condition: Sendable, Codable, Equatable {
        public var question: String
        public var anyOf: [String]
        public init(question: String, anyOf: [String]) {
            self.question = question
            self.anyOf = anyOf
        }
    }

    public init(key: String, kind: QuestionKind, prompt: String, section: String? = nil, required: Bool = true, choices: [String]? = nil,
                rows: [String]? = nil, scaleMin: Int? = nil, scaleMax: Int? = nil, showIf: Condition? = nil) {
        self.key = key
        self.kind = kind
        self.prompt = prompt
        self.section = section
        self.required = required
        self.choices = choices
        self.rows = rows
        self.scaleMin = scaleMin
        self.scaleMax = scaleMax
        self.showIf = showIf
    }

    enum CodingKeys: String, CodingKey { case key, kind, prompt, section, required, choices, rows, scaleMin, scaleMax, showIf }

    /// `key` is set by the server and `required` defaults to true, so callers may leave them out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
        kind = try c.decode(QuestionKind.self, forKey: .kind)
        prompt = try c.decode(String.self, forKey: .prompt)
        section = try c.decodeIfPresent(String.self, forKey: .section)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        choices = try c.decodeIfPresent([String].self, forKey: .choices)
        rows = try c.decodeIfPresent([String].self, forKey: .rows)
        scaleMin = try c.decodeIfPresent(Int.self, forKey: .scaleMin)
        scaleMax = try c.decodeIfPresent(Int.self, forKey: .scaleMax)
        showIf = try c.decodeIfPresent(Condition.self, forKey: .showIf)
    }

    /// The scale a numeric answer must be on.
    public var scale: ClosedRange<Int>? {
        switch kind {
        case .enps: 0...10
        case .matrix: 1...5
        case .rating: (scaleMin ?? 1)...(scaleMax ?? 5)
        case .single, .multiple, .text: nil
        }
    }

    public var isScored: Bool { scale != nil }
}

/// What HR (or IC, for HR to open) writes: validated before it is stored.
public struct SurveyDraft: Sendable, Equatable {
    public var title: String
    public var intro: String
    public var mode: Confidentiality
    public var audienceID: Int64?
    public var closesOn: String?
    public var questions: [Question]
    public var channels: [SurveyChannel]
    /// Reminders to those who have not answered go this many days after opening, and again as
    /// long after the last one, at most `maximumAutomaticReminders` times; nil for none.
    public var remindAfterDays: Int?
    /// Set for a lifecycle survey: it stays open and asks each person when this HR date comes.
    public var lifecycle: LifecycleTrigger?
    /// Slack and Teams destinations that get a post with the survey's link when it opens and at
    /// each reminder round.
    public var chatDestinations: [Int64]

    public init(title: String, intro: String = "", mode: Confidentiality, audienceID: Int64? = nil, closesOn: String? = nil, questions: [Question],
                channels: [SurveyChannel] = [], remindAfterDays: Int? = nil, lifecycle: LifecycleTrigger? = nil, chatDestinations: [Int64] = []) {
        self.lifecycle = lifecycle
        self.chatDestinations = chatDestinations
        self.title = title
        self.intro = intro
        self.mode = mode
        self.audienceID = audienceID
        self.closesOn = closesOn
        self.questions = questions
        self.channels = channels
        self.remindAfterDays = remindAfterDays
    }

    public static let maximumAutomaticReminders = 2
    public static let maximumChatDestinations = 10

    public static let maximumQuestions = 60
    public static let maximumChoices = 20

    /// Trims and checks everything; numbers the questions q1, q2, … in order. Throws a 422
    /// naming the question and what is wrong.
    public func validated() throws -> SurveyDraft {
        var out = self
        out.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        out.intro = intro.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(out.title.count) else { throw AppError.invalid("title", "Give the survey a title of 1 to 120 characters.") }
        guard out.intro.count <= 2_000 else { throw AppError.invalid("intro", "Keep the introduction under 2,000 characters.") }
        out.closesOn = try EmployeeRules.date(closesOn, field: "closes_on")
        out.channels = SurveyChannel.allCases.filter(channels.contains)
        out.chatDestinations = Array(Set(chatDestinations)).sorted()
        guard out.chatDestinations.count <= Self.maximumChatDestinations else {
            throw AppError.invalid("chat_destinations", "Post to at most \(Self.maximumChatDestinations) chat channels.")
        }
        if lifecycle != nil, !out.chatDestinations.isEmpty {
            throw AppError.invalid("chat_destinations", "A lifecycle survey asks each person on their own day, so a post in a shared channel would reach the wrong people. Leave chat out, or make it a one-off survey.")
        }
        if lifecycle != nil, remindAfterDays != nil {
            throw AppError.invalid("remind_after_days", "A lifecycle survey asks each person on a different day, so it has no reminder schedule; HR can remind by hand.")
        }
        if let days = remindAfterDays {
            guard (1...30).contains(days) else { throw AppError.invalid("remind_after_days", "Remind after 1 to 30 days, or leave it empty for no automatic reminders.") }
            guard !out.channels.isEmpty || !out.chatDestinations.isEmpty else {
                throw AppError.invalid("remind_after_days", "Reminders go by email, SMS or chat: choose a channel too, or leave the reminder empty (the feed card stays until people answer).")
            }
        }
        guard !questions.isEmpty else { throw AppError.invalid("questions", "Add at least one question.") }
        guard questions.count <= Self.maximumQuestions else { throw AppError.invalid("questions", "A survey has at most \(Self.maximumQuestions) questions.") }
        var seen: [String: Question] = [:]
        for index in questions.indices {
            var question = questions[index]
            let name = "Question \(index + 1)"
            question.key = "q\(index + 1)"
            question.prompt = question.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
            question.section = question.section?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            guard (1...500).contains(question.prompt.count) else { throw AppError.invalid("questions", "\(name): write the question (1 to 500 characters).") }
            switch question.kind {
            case .single, .multiple:
                let choices = (question.choices ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard (2...Self.maximumChoices).contains(choices.count), choices.allSatisfy({ (1...200).contains($0.count) }) else {
                    throw AppError.invalid("questions", "\(name): give 2 to \(Self.maximumChoices) choices of 1 to 200 characters.")
                }
                guard Set(choices).count == choices.count else { throw AppError.invalid("questions", "\(name): each choice must be different.") }
                question.choices = choices
                question.rows = nil; question.scaleMin = nil; question.scaleMax = nil
            case .matrix:
                let rows = (question.rows ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard (1...Self.maximumChoices).contains(rows.count), rows.allSatisfy({ (1...200).contains($0.count) }), Set(rows).count == rows.count else {
                    throw AppError.invalid("questions", "\(name): give 1 to \(Self.maximumChoices) different statements of 1 to 200 characters.")
                }
                question.rows = rows
                question.choices = nil; question.scaleMin = nil; question.scaleMax = nil
            case .rating:
                let low = question.scaleMin ?? 1, high = question.scaleMax ?? 5
                guard (low == 1 && high == 5) || (low == 0 && high == 10) else {
                    throw AppError.invalid("questions", "\(name): a rating is on 1–5 or 0–10.")
                }
                question.scaleMin = low; question.scaleMax = high
                question.choices = nil; question.rows = nil
            case .enps, .text:
                question.choices = nil; question.rows = nil; question.scaleMin = nil; question.scaleMax = nil
            }
            if let condition = question.showIf {
                guard let earlier = seen[condition.question] else {
                    throw AppError.invalid("questions", "\(name): it can only depend on an earlier question (q1 … q\(index)).")
                }
                guard !condition.anyOf.isEmpty, condition.anyOf.allSatisfy({ Self.possible($0, for: earlier) }) else {
                    throw AppError.invalid("questions", "\(name): show it for answers \(earlier.key) can take (\(Self.describe(earlier))).")
                }
            }
            seen[question.key] = question
            out.questions[index] = question
        }
        return out
    }

    static func possible(_ value: String, for question: Question) -> Bool {
        switch question.kind {
        case .single, .multiple: question.choices?.contains(value) ?? false
        case .rating, .enps: Int(value).map { question.scale?.contains($0) ?? false } ?? false
        case .text, .matrix: false
        }
    }

    static func describe(_ question: Question) -> String {
        switch question.kind {
        case .single, .multiple: (question.choices ?? []).joined(separator: ", ")
        case .rating, .enps: question.scale.map { "\($0.lowerBound)–\($0.upperBound)" } ?? ""
        case .text, .matrix: "nothing: it cannot decide what is shown"
        }
    }
}

/// A stored survey.
public struct Survey: Sendable, Equatable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let title: String
    public let intro: String
    public let mode: Confidentiality
    public let state: SurveyState
    public let audienceID: Int64?
    public let closesOn: String?
    public let questions: [Question]
    public let version: Int
    public let openedAt: Date?
    public let closedAt: Date?
    /// People asked when it opened.
    public let invited: Int
    public let createdBy: String
    public let updatedAt: Date
    public var channels: [SurveyChannel] = []
    public var remindAfterDays: Int? = nil
    /// Reminder rounds sent so far, and when the last one was planned.
    public var reminders: Int = 0
    public var remindedAt: Date? = nil
    /// For a pulse's wave: its series and number.
    public var seriesID: Int64? = nil
    public var wave: Int? = nil
    public var lifecycle: LifecycleTrigger? = nil
    public var chatDestinations: [Int64] = []
    /// A draft HR scheduled: the day it opens by itself, who scheduled it, and why it did not
    /// open if that failed.
    public var opensOn: String? = nil
    public var scheduledBy: String? = nil
    public var openError: String? = nil

    public var draft: SurveyDraft {
        SurveyDraft(title: title, intro: intro, mode: mode, audienceID: audienceID, closesOn: closesOn, questions: questions,
                    channels: channels, remindAfterDays: remindAfterDays, lifecycle: lifecycle, chatDestinations: chatDestinations)
    }

    /// Whether an answer may be given now: open, and not past its closing date.
    public func acceptsAnswers(today: String) -> Bool {
        state == .open && (closesOn.map { today <= $0 } ?? true)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
