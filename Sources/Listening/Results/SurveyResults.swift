public import Foundation
import Sentiment
import SQLKit
public import TandemCore
public import TandemStore

/// A breakdown attribute results can be filtered and split by (as coarsened on invitations).
public enum SurveyDimension: String, Sendable, Codable, CaseIterable {
    case country, department, site
    case workerType = "worker_type"
}

/// What a results page shows. Every figure describes at least `threshold` responses.
public struct SurveyResults: Sendable, Codable {
    public struct Filter: Sendable, Equatable, Codable {
        public let dimension: SurveyDimension
        public let value: String
        public init(dimension: SurveyDimension, value: String) {
            self.dimension = dimension
            self.value = value
        }
    }

    public struct Rate: Sendable, Codable, Equatable {
        public let value: String
        public let invited: Int
        /// nil when hidden: fewer than the threshold, or revealing one that is.
        public let responses: Int?
        public let rate: Double?
    }

    public struct QuestionResult: Sendable, Codable {
        public let key: String
        public let kind: QuestionKind
        public let prompt: String
        /// Matrix statement, or "" for the question itself.
        public let item: String
        public let answers: Int
        /// Set when there are too few answers to show anything.
        public let note: String?
        /// Answer value (number or choice) → count.
        public let distribution: [String: Int]?
        public let mean: Double?
        public let favourable: Double?
        public let neutral: Double?
        public let unfavourable: Double?
        public let enps: SurveyMath.ENPS?
        /// Free-text answers with their sentiment, in a fixed order (by text) that is not the
        /// answering order.
        public let comments: [Comment]?
        /// How many comments lean each way.
        public let sentiment: [String: Int]?
        /// Recurring words and phrases across the comments.
        public let themes: [Theme]?
    }

    public struct Comment: Sendable, Codable, Equatable {
        public let text: String
        /// nil when the scorer's word list could not be loaded (see `SurveyResultsStore`).
        public let sentiment: SentimentLabel?
        public let score: Double?
    }

    public let surveyID: Int64
    public let filters: [Filter]
    public let invited: Int
    public let responses: Int
    public let responseRate: Double
    public let threshold: Int
    public let commentThreshold: Int
    public let questions: [QuestionResult]
    /// Response rate per value of each dimension (whole survey, not filtered).
    public let rates: [String: [Rate]]
}

/// Reads results with the thresholds applied: scores need `threshold` responses, comments
/// `commentThreshold` (both configurable, never below 3). A filter that leaves fewer than the
/// threshold, or leaves fewer than the threshold outside it (so subtracting from the whole
/// would reveal them), is refused.
public struct SurveyResultsStore: Sendable {
    let database: Database
    public let suppression: Suppression
    public let commentThreshold: Int
    /// Scores comments on the server (they never leave it); nil when its word list could not
    /// be loaded (the resource bundle is missing), and then comments carry no sentiment.
    let scorer: SentimentScorer?

    public init(database: Database, threshold: Int, commentThreshold: Int, scorer: SentimentScorer? = try? SentimentScorer()) {
        self.database = database
        self.scorer = scorer
        suppression = Suppression(threshold: threshold)
        self.commentThreshold = max(Suppression.minimum, commentThreshold)
    }

    public func results(_ survey: Survey, filters: [SurveyResults.Filter]) async throws -> SurveyResults {
        guard filters.count <= 2 else { throw AppError.invalid("filter", "Filter by at most two attributes.") }
        guard Set(filters.map(\.dimension)).count == filters.count else { throw AppError.invalid("filter", "Filter each attribute once.") }
        let threshold = suppression.threshold
        let db = database.reader
        var condition: SQLQueryString = "survey_id = \(bind: survey.id)"
        for filter in filters { condition = condition + " AND " + SQLQueryString(filter.dimension.rawValue) + " = \(bind: filter.value)" }
        let total = try await count("survey_responses", "survey_id = \(bind: survey.id)")
        let responses = try await count("survey_responses", condition)
        let invited = try await count("survey_invitations", condition)
        if !filters.isEmpty {
            guard responses >= threshold else {
                throw AppError(.unprocessableContent, code: "too_few_responses",
                               message: "Fewer than \(threshold) responses match this filter, so its results are hidden to protect who answered. Widen the filter.", field: "filter")
            }
            guard total - responses == 0 || total - responses >= threshold else {
                throw AppError(.unprocessableContent, code: "too_few_responses",
                               message: "Fewer than \(threshold) responses fall outside this filter, so showing it would reveal theirs by subtraction. Widen the filter.", field: "filter")
            }
        }
        let enough = responses >= threshold
        var numbers: [String: [String: [Int: Int]]] = [:]  // question → item → value → count
        var choices: [String: [String: Int]] = [:]
        var comments: [String: [String]] = [:]
        if enough {
            let answerCondition: SQLQueryString = "a.survey_id = \(bind: survey.id) AND a.response_id IN (SELECT id FROM survey_responses WHERE " + condition + ")"
            for row in try await db.raw("""
                SELECT a.question, a.item, a.number, COUNT(*) AS n FROM survey_answers a WHERE \(answerCondition) AND a.number IS NOT NULL GROUP BY a.question, a.item, a.number
                """).all() {
                numbers[try row.decode(column: "question", as: String.self), default: [:]][try row.decode(column: "item", as: String.self), default: [:]][
                    Int(try row.decode(column: "number", as: Int64.self))] = Int(try row.decode(column: "n", as: Int64.self))
            }
            for row in try await db.raw("""
                SELECT a.question, a.choice, COUNT(*) AS n FROM survey_answers a WHERE \(answerCondition) AND a.choice IS NOT NULL GROUP BY a.question, a.choice
                """).all() {
                choices[try row.decode(column: "question", as: String.self), default: [:]][try row.decode(column: "choice", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            // Comments in text order, never answering order (which could be matched to who answered when).
            for row in try await db.raw("SELECT a.question, a.body FROM survey_answers a WHERE \(answerCondition) AND a.body IS NOT NULL ORDER BY a.question, a.body").all() {
                comments[try row.decode(column: "question", as: String.self), default: []].append(try row.decode(column: "body", as: String.self))
            }
        }
        var questions: [SurveyResults.QuestionResult] = []
        for question in survey.questions {
            let tooFew = "Fewer than \(threshold) responses: hidden."
            switch question.kind {
            case .rating, .enps, .matrix:
                let items = question.kind == .matrix ? (question.rows ?? []) : [""]
                for item in items {
                    let counts = numbers[question.key]?[item] ?? [:]
                    questions.append(scored(question, item: item, counts: counts, enough: enough, tooFew: tooFew))
                }
            case .single, .multiple:
                let counts = choices[question.key] ?? [:]
                let answered = question.kind == .single ? counts.values.reduce(0, +) : try await answeredCount(survey.id, question.key, condition)
                let show = enough && answered >= threshold
                questions.append(.init(key: question.key, kind: question.kind, prompt: question.prompt, item: "", answers: show ? answered : 0,
                                       note: show ? nil : tooFew, distribution: show ? Dictionary(uniqueKeysWithValues: (question.choices ?? []).map { ($0, counts[$0] ?? 0) }) : nil,
                                       mean: nil, favourable: nil, neutral: nil, unfavourable: nil, enps: nil, comments: nil, sentiment: nil, themes: nil))
            case .text:
                let list = comments[question.key] ?? []
                let show = enough && list.count >= commentThreshold
                let scored = show ? list.map { text in
                    let result = scorer?.score(text)
                    return SurveyResults.Comment(text: text, sentiment: result?.label, score: result?.score)
                } : nil
                questions.append(.init(key: question.key, kind: .text, prompt: question.prompt, item: "", answers: show ? list.count : 0,
                                       note: show ? nil : "Comments are shown once at least \(commentThreshold) people have written one.",
                                       distribution: nil, mean: nil, favourable: nil, neutral: nil, unfavourable: nil, enps: nil, comments: scored,
                                       sentiment: scorer == nil ? nil : scored.map { all in Dictionary(uniqueKeysWithValues: SentimentLabel.allCases.map { label in (label.rawValue, all.count { $0.sentiment == label }) }) },
                                       themes: show ? ThemeFinder().themes(list, limit: 10) : nil))
            }
        }
        return SurveyResults(surveyID: survey.id, filters: filters, invited: invited, responses: enough || filters.isEmpty ? responses : 0,
                             responseRate: invited > 0 ? Double(responses) / Double(invited) : 0, threshold: threshold, commentThreshold: commentThreshold,
                             questions: questions, rates: try await rates(survey.id))
    }

    func scored(_ question: Question, item: String, counts: [Int: Int], enough: Bool, tooFew: String) -> SurveyResults.QuestionResult {
        let n = counts.values.reduce(0, +)
        guard enough, n >= suppression.threshold, let scale = question.scale else {
            return .init(key: question.key, kind: question.kind, prompt: question.prompt, item: item, answers: 0, note: tooFew,
                         distribution: nil, mean: nil, favourable: nil, neutral: nil, unfavourable: nil, enps: nil, comments: nil, sentiment: nil, themes: nil)
        }
        var leaning: [SurveyMath.Leaning: Int] = [:]
        for (value, count) in counts { leaning[SurveyMath.leaning(value, scale: scale), default: 0] += count }
        let sum = counts.reduce(0) { $0 + $1.key * $1.value }
        return .init(key: question.key, kind: question.kind, prompt: question.prompt, item: item, answers: n, note: nil,
                     distribution: Dictionary(uniqueKeysWithValues: scale.map { (String($0), counts[$0] ?? 0) }), mean: Double(sum) / Double(n),
                     favourable: Double(leaning[.favourable] ?? 0) / Double(n), neutral: Double(leaning[.neutral] ?? 0) / Double(n),
                     unfavourable: Double(leaning[.unfavourable] ?? 0) / Double(n), enps: question.kind == .enps ? SurveyMath.enps(counts) : nil, comments: nil, sentiment: nil, themes: nil)
    }

    func count(_ table: String, _ condition: SQLQueryString) async throws -> Int {
        Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM " + SQLQueryString(table) + " WHERE " + condition).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    func answeredCount(_ survey: Int64, _ question: String, _ condition: SQLQueryString) async throws -> Int {
        Int(try await database.reader.raw("""
            SELECT COUNT(DISTINCT a.response_id) AS n FROM survey_answers a
            WHERE a.survey_id = \(bind: survey) AND a.question = \(bind: question) AND a.response_id IN (SELECT id FROM survey_responses WHERE \(condition))
            """).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// Response rate per value of each attribute, with small groups hidden and complementary
    /// groups hidden with them.
    func rates(_ survey: Int64) async throws -> [String: [SurveyResults.Rate]] {
        var out: [String: [SurveyResults.Rate]] = [:]
        for dimension in SurveyDimension.allCases {
            let column = SQLQueryString(dimension.rawValue)
            var invited: [String: Int] = [:], answered: [String: Int] = [:]
            for row in try await database.reader.raw("SELECT " + column + " AS v, COUNT(*) AS n FROM survey_invitations WHERE survey_id = \(bind: survey) GROUP BY " + column).all() {
                invited[try row.decode(column: "v", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            for row in try await database.reader.raw("SELECT " + column + " AS v, COUNT(*) AS n FROM survey_responses WHERE survey_id = \(bind: survey) GROUP BY " + column).all() {
                answered[try row.decode(column: "v", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            let values = invited.keys.filter { $0 != SegmentCoarsening.hidden }.sorted()
            guard !values.isEmpty else { continue }
            let hidden = suppression.hidden(values.map { answered[$0] ?? 0 })
            out[dimension.rawValue] = values.enumerated().map { index, value in
                let n = answered[value] ?? 0
                let shown = !hidden.contains(index) && suppression.allows(n)
                return SurveyResults.Rate(value: value, invited: invited[value] ?? 0, responses: shown ? n : nil,
                                          rate: shown ? Double(n) / Double(max(1, invited[value] ?? 0)) : nil)
            }
        }
        return out
    }
}
