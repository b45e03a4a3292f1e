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
    /// Responses counted in the figures.
    public let responses: Int
    /// Anonymous answers (whole survey) waiting to be counted with others of their group.
    public let waiting: Int
    /// People who answered, counted or waiting, over those asked.
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

    public init(database: Database, threshold: Int, commentThreshold: Int) {
        self.database = database
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
        // Totals and counts come from the per-group tallies kept with each answer, so the
        // time does not grow with the number of responses.
        // `counted` responses are those stored and tallied; anonymous answers wait until enough
        // of their group can be counted together (`BallotBox`), so `responded` may be ahead.
        let total = try await sum("counted", "survey_groups", "survey_id = \(bind: survey.id)")
        let responses = try await sum("counted", "survey_groups", condition)
        let invited = try await sum("invited", "survey_groups", condition)
        let people = try await sum("responded", "survey_groups", condition)
        let waiting = max(0, try await sum("responded", "survey_groups", "survey_id = \(bind: survey.id)") - total)
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
        var tallies: [String: [String: [String: Int]]] = [:]  // question → item → value → count
        if enough {
            for row in try await db.raw("""
                SELECT question, item, value, CAST(SUM(n) AS BIGINT) AS n FROM survey_tallies WHERE \(condition) GROUP BY question, item, value
                """).all() {
                tallies[try row.decode(column: "question", as: String.self), default: [:]][try row.decode(column: "item", as: String.self), default: [:]][
                    try row.decode(column: "value", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
        }
        // Unfiltered, every answer of the survey counts: building the set of its 100,000
        // response ids cost 150 ms per text question.
        // Filtered, the sample is read from the matching responses (a scan of the survey's
        // responses, then one index lookup each): walking the answers in response-id order and
        // testing each against the filter read all 2.3 million when fewer than 2,000 matched.
        var within: SQLQueryString = "a.survey_id = \(bind: survey.id)"
        var from: SQLQueryString = "survey_answers a"
        if !filters.isEmpty {
            from = "survey_responses r JOIN survey_answers a ON a.response_id = r.id"
            within = "r.survey_id = \(bind: survey.id)"
            for filter in filters { within = within + " AND r." + SQLQueryString(filter.dimension.rawValue) + " = \(bind: filter.value)" }
        }
        var questions: [SurveyResults.QuestionResult] = []
        for question in survey.questions {
            let tooFew = "Fewer than \(threshold) responses: hidden."
            let answered = tallies[question.key]?[""]?[TallyKey.answered] ?? 0
            switch question.kind {
            case .rating, .enps, .matrix:
                let items = question.kind == .matrix ? (question.rows ?? []) : [""]
                for item in items {
                    var counts: [Int: Int] = [:]
                    for (value, n) in tallies[question.key]?[item] ?? [:] { if let number = Int(value) { counts[number] = n } }
                    questions.append(scored(question, item: item, counts: counts, enough: enough, tooFew: tooFew))
                }
            case .single, .multiple:
                let counts = tallies[question.key]?[""] ?? [:]
                let show = enough && answered >= threshold
                questions.append(.init(key: question.key, kind: question.kind, prompt: question.prompt, item: "", answers: show ? answered : 0,
                                       note: show ? nil : tooFew, distribution: show ? Dictionary(uniqueKeysWithValues: (question.choices ?? []).map { ($0, counts[$0] ?? 0) }) : nil,
                                       mean: nil, favourable: nil, neutral: nil, unfavourable: nil, enps: nil, comments: nil, sentiment: nil, themes: nil))
            case .text:
                let show = enough && answered >= commentThreshold
                var sample: [SurveyResults.Comment] = []
                if show {
                    // A sample in response-id order: the ids are random, so this is neither
                    // answering order nor biased by the text.
                    for row in try await db.raw("SELECT a.body, a.sentiment, a.sentiment_score FROM " + from + " WHERE " + within + """
                         AND a.question = \(bind: question.key) AND a.item = '' AND a.body IS NOT NULL ORDER BY a.response_id LIMIT \(bind: Self.themeSample)
                        """).all() {
                        sample.append(.init(text: try row.decode(column: "body", as: String.self),
                                            sentiment: try row.decode(column: "sentiment", as: String?.self).flatMap(SentimentLabel.init(rawValue:)),
                                            score: try row.decode(column: "sentiment_score", as: Double?.self)))
                    }
                }
                let counts = tallies[question.key]?[""] ?? [:]
                let scoredAll = SentimentLabel.allCases.reduce(0) { $0 + (counts[$1.rawValue] ?? 0) }
                questions.append(.init(key: question.key, kind: .text, prompt: question.prompt, item: "", answers: show ? answered : 0,
                                       note: show ? nil : "Comments are shown once at least \(commentThreshold) people have written one.",
                                       distribution: nil, mean: nil, favourable: nil, neutral: nil, unfavourable: nil, enps: nil,
                                       comments: show ? Array(sample.prefix(Self.shownComments)).sorted { $0.text < $1.text } : nil,
                                       sentiment: show && scoredAll > 0 ? Dictionary(uniqueKeysWithValues: SentimentLabel.allCases.map { ($0.rawValue, counts[$0.rawValue] ?? 0) }) : nil,
                                       themes: show ? ThemeFinder().themes(sample.map(\.text), limit: 10) : nil))
            }
        }
        return SurveyResults(surveyID: survey.id, filters: filters, invited: invited, responses: enough || filters.isEmpty ? responses : 0, waiting: waiting,
                             responseRate: invited > 0 ? Double(people) / Double(invited) : 0, threshold: threshold, commentThreshold: commentThreshold,
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

    func sum(_ column: String, _ table: String, _ condition: SQLQueryString) async throws -> Int {
        Int(try await database.reader.raw("SELECT CAST(COALESCE(SUM(" + SQLQueryString(column) + "), 0) AS BIGINT) AS n FROM " + SQLQueryString(table) + " WHERE " + condition)
            .first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// Comments listed per question (a random sample past this), and read for themes.
    static let shownComments = 100
    static let themeSample = 2_000

    /// Response rate per value of each attribute, with small groups hidden and complementary
    /// groups hidden with them.
    func rates(_ survey: Int64) async throws -> [String: [SurveyResults.Rate]] {
        var out: [String: [SurveyResults.Rate]] = [:]
        for dimension in SurveyDimension.allCases {
            let column = SQLQueryString(dimension.rawValue)
            var invited: [String: Int] = [:], answered: [String: Int] = [:]
            for row in try await database.reader.raw("SELECT " + column + " AS v, CAST(SUM(invited) AS BIGINT) AS i, CAST(SUM(responded) AS BIGINT) AS r FROM survey_groups WHERE survey_id = \(bind: survey) GROUP BY " + column).all() {
                let value = try row.decode(column: "v", as: String.self)
                invited[value] = Int(try row.decode(column: "i", as: Int64.self))
                answered[value] = Int(try row.decode(column: "r", as: Int64.self))
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
