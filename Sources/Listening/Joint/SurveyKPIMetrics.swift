public import Analytics
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Survey figures for KPI formulas, handed to Analytics at start-up:
///
/// - `survey_favourable{survey="3", question="q2"}`: the share of favourable answers (0…1);
/// - `survey_enps{survey="3"}`: eNPS (−100…100) of the survey's first eNPS question, or of
///   `question`;
/// - `survey_response_rate{survey="3"}`: responses ÷ people asked (0…1); without `survey`,
///   pooled over every survey of the period.
///
/// A survey belongs to the period it closed in, or, while still open, the one it opened in. Any
/// of them may take one breakdown (`department="Sales"`), matched against the survey's
/// coarsened groups. Scores need the threshold of answers, and a group the threshold of
/// responses with at least as many outside it (or none), as the results page requires.
public struct SurveyKPIMetrics: KPIMetricSource {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public let metricNames: Set<String> = ["survey_favourable", "survey_enps", "survey_response_rate"]
    public let filterKeys: Set<String> = ["survey", "question"]
    static let breakdowns: [String: SurveyDimension] = Dictionary(uniqueKeysWithValues: SurveyDimension.allCases.map { ($0.rawValue, $0) })

    public func check(_ metric: MetricReference) throws {
        func refuse(_ message: String) -> AppError { AppError.invalid("formula", "\(metric.description): \(message)") }
        let allowed = filterKeys.union(Self.breakdowns.keys)
        if let other = metric.filters.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw refuse("survey figures take survey, question and one of \(SurveyDimension.allCases.map(\.rawValue).joined(separator: ", ")), not \(other).")
        }
        let segments = metric.filters.keys.filter { Self.breakdowns[$0] != nil }.sorted()
        if segments.count > 1 {
            throw refuse("filter by one breakdown at a time (\(segments.joined(separator: " and ")) given).")
        }
        if let survey = metric.filters["survey"], (Int64(survey) ?? 0) < 1 {
            throw refuse("survey takes the survey's number, e.g. survey=\"3\" (it is in the survey's address).")
        }
        if let question = metric.filters["question"], question.wholeMatch(of: /q[1-9][0-9]?/) == nil {
            throw refuse("question takes a question's key, e.g. question=\"q2\" (q1 is the first question).")
        }
        switch metric.name {
        case "survey_favourable":
            guard metric.filters["survey"] != nil, metric.filters["question"] != nil else {
                throw refuse("name the survey and the rating question, e.g. survey_favourable{survey=\"3\", question=\"q2\"}.")
            }
        case "survey_enps":
            guard metric.filters["survey"] != nil else { throw refuse("name the survey, e.g. survey_enps{survey=\"3\"}.") }
        default:
            if metric.filters["question"] != nil { throw refuse("a response rate is the survey's, not a question's; leave out question.") }
        }
    }

    public func read(_ metric: MetricReference, start: Date, end: Date, suppression: Suppression) async throws -> KPISourceValue {
        let from = Millis.from(start), to = Millis.from(end)
        let segment = metric.filters.first { Self.breakdowns[$0.key] != nil }.map { (Self.breakdowns[$0.key]!, $0.value) }
        var surveys: [Survey] = []
        if let id = metric.filters["survey"].flatMap({ Int64($0) }) {
            guard let survey = try await database.reader.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(SurveyStore.survey) else {
                return .none("There is no survey \(id).")
            }
            guard let at = (survey.closedAt ?? survey.openedAt).map(Millis.from), at >= from, at < to else {
                return .none("Survey \(id) did not close in this period (or open, while it is still open).")
            }
            surveys = [survey]
        } else {
            surveys = try await database.reader.raw("""
                SELECT * FROM surveys WHERE state <> \(bind: SurveyState.draft.rawValue)
                  AND COALESCE(closed_at, opened_at) >= \(bind: from) AND COALESCE(closed_at, opened_at) < \(bind: to) ORDER BY id
                """).all().map(SurveyStore.survey)
            guard !surveys.isEmpty else { return .none("No survey closed in this period (or opened, while still open).") }
        }
        let ids = surveys.map(\.id)
        var within: SQLQueryString = ""
        if let (dimension, value) = segment { within = " AND \(ident: dimension.rawValue) = \(bind: value)" }
        let groups = try await database.reader.raw("""
            SELECT CAST(COALESCE(SUM(invited), 0) AS BIGINT) AS invited, CAST(COALESCE(SUM(responded), 0) AS BIGINT) AS responded,
              CAST(COALESCE(SUM(counted), 0) AS BIGINT) AS counted,
              (SELECT CAST(COALESCE(SUM(counted), 0) AS BIGINT) FROM survey_groups WHERE survey_id IN (\(binds: ids))) AS total
            FROM survey_groups WHERE survey_id IN (\(binds: ids))\(within)
            """).first()
        let invited = Int(try groups?.decode(column: "invited", as: Int64.self) ?? 0)
        let responded = Int(try groups?.decode(column: "responded", as: Int64.self) ?? 0)
        let counted = Int(try groups?.decode(column: "counted", as: Int64.self) ?? 0)
        let total = Int(try groups?.decode(column: "total", as: Int64.self) ?? 0)
        if let (dimension, value) = segment {
            // As the results filter, over the responses counted in the tallies: the group and
            // everyone outside it must each be large enough.
            guard counted >= suppression.threshold, total - counted == 0 || total - counted >= suppression.threshold else {
                return .hidden("\(metric.description): fewer than \(suppression.threshold) responses in \(dimension.rawValue) \(value) or outside it, so the value is hidden.")
            }
        }
        if metric.name == "survey_response_rate" {
            guard invited > 0 else { return .none("Nobody was asked in \(metric.description).") }
            return .value(Double(responded) / Double(invited))
        }
        let survey = surveys[0]
        let question: Question?
        if let key = metric.filters["question"] {
            question = survey.questions.first { $0.key == key }
        } else {
            question = survey.questions.first { $0.kind == .enps }
        }
        guard let question else { return .none("Survey \(survey.id) has no question \(metric.filters["question"] ?? "asking for eNPS").") }
        guard question.kind == .rating || question.kind == .enps, let scale = question.scale else {
            return .none("\(question.key) of survey \(survey.id) is a \(question.kind.rawValue) question, which has no single score.")
        }
        if metric.name == "survey_enps" && question.kind != .enps { return .none("\(question.key) of survey \(survey.id) is not an eNPS question.") }
        var counts: [Int: Int] = [:]
        for row in try await database.reader.raw("""
            SELECT value, CAST(SUM(n) AS BIGINT) AS n FROM survey_tallies
            WHERE survey_id = \(bind: survey.id) AND question = \(bind: question.key) AND item = '' AND value <> \(bind: TallyKey.answered)\(within) GROUP BY value
            """).all() {
            guard let number = Int(try row.decode(column: "value", as: String.self)) else { continue }
            counts[number, default: 0] += Int(try row.decode(column: "n", as: Int64.self))
        }
        let answers = counts.values.reduce(0, +)
        guard answers >= suppression.threshold else {
            return .hidden("\(metric.description) has fewer than \(suppression.threshold) answers, so the value is hidden.")
        }
        if metric.name == "survey_enps" {
            guard let enps = SurveyMath.enps(counts) else { return .none("There are no answers for \(metric.description).") }
            return .value(enps.score)
        }
        let favourable = counts.filter { SurveyMath.leaning($0.key, scale: scale) == .favourable }.values.reduce(0, +)
        return .value(Double(favourable) / Double(answers))
    }
}
