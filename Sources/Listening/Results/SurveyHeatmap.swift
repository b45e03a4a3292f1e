import Foundation
import SQLKit
public import TandemCore

/// Questions × the values of one attribute: each scored question's favourable share (eNPS for
/// eNPS questions) per group, so HR and IC compare departments, sites or worker types at a
/// glance. Groups with fewer responses than the threshold are hidden, with the next smallest
/// where the total would give them away; a cell needs the threshold of answers too.
public struct SurveyHeatmap: Sendable, Codable {
    public struct Column: Sendable, Codable, Equatable {
        public let value: String
        /// nil when the group is hidden.
        public let responses: Int?
    }

    public struct Row: Sendable, Codable {
        public let key: String
        public let item: String
        public let prompt: String
        /// "favourable" (a share, 0…1) or "enps" (−100…100).
        public let measure: String
        public let overall: Double?
        /// One per column; nil when hidden or too few answered.
        public let cells: [Double?]
    }

    public let surveyID: Int64
    public let dimension: SurveyDimension
    public let threshold: Int
    public let columns: [Column]
    public let rows: [Row]
}

extension SurveyResultsStore {
    public func heatmap(_ survey: Survey, by dimension: SurveyDimension) async throws -> SurveyHeatmap {
        let column = SQLQueryString(dimension.rawValue)
        var responses: [String: Int] = [:]
        for row in try await database.reader.raw("SELECT " + column + " AS v, CAST(SUM(counted) AS BIGINT) AS n FROM survey_groups WHERE survey_id = \(bind: survey.id) GROUP BY " + column).all() {
            responses[try row.decode(column: "v", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        let values = responses.keys.filter { $0 != SegmentCoarsening.hidden }.sorted()
        let hidden = suppression.hidden(values.map { responses[$0] ?? 0 })
        let shown = Set(values.enumerated().filter { !hidden.contains($0.offset) && suppression.allows(responses[$0.element] ?? 0) }.map(\.element))
        // question → item → group value → answer value → count
        var counts: [String: [String: [String: [Int: Int]]]] = [:]
        for row in try await database.reader.raw("""
            SELECT question, item, \(column) AS g, value, CAST(SUM(n) AS BIGINT) AS n FROM survey_tallies
            WHERE survey_id = \(bind: survey.id) AND value <> \(bind: TallyKey.answered) GROUP BY question, item, \(column), value
            """).all() {
            guard let number = Int(try row.decode(column: "value", as: String.self)) else { continue }
            counts[try row.decode(column: "question", as: String.self), default: [:]][try row.decode(column: "item", as: String.self), default: [:]][
                try row.decode(column: "g", as: String.self), default: [:]][number] = Int(try row.decode(column: "n", as: Int64.self))
        }
        let total = responses.values.reduce(0, +)
        var rows: [SurveyHeatmap.Row] = []
        for question in survey.questions {
            guard let scale = question.scale else { continue }
            for item in question.kind == .matrix ? (question.rows ?? []) : [""] {
                let byGroup = counts[question.key]?[item] ?? [:]
                func measure(_ answers: [Int: Int]) -> Double? {
                    guard answers.values.reduce(0, +) >= suppression.threshold else { return nil }
                    if question.kind == .enps { return SurveyMath.enps(answers)?.score }
                    let n = answers.values.reduce(0, +)
                    let favourable = answers.filter { SurveyMath.leaning($0.key, scale: scale) == .favourable }.values.reduce(0, +)
                    return Double(favourable) / Double(n)
                }
                var all: [Int: Int] = [:]
                for answers in byGroup.values { for (value, n) in answers { all[value, default: 0] += n } }
                rows.append(.init(key: question.key, item: item, prompt: question.prompt, measure: question.kind == .enps ? "enps" : "favourable",
                                  overall: total >= suppression.threshold ? measure(all) : nil,
                                  cells: values.map { shown.contains($0) ? measure(byGroup[$0] ?? [:]) : nil }))
            }
        }
        return SurveyHeatmap(surveyID: survey.id, dimension: dimension, threshold: suppression.threshold,
                             columns: values.map { .init(value: $0, responses: shown.contains($0) ? responses[$0] : nil) }, rows: rows)
    }
}
