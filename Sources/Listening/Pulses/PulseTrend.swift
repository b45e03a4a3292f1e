public import Foundation
import SQLKit
import TandemCore

/// A pulse's scores wave by wave: each scored question (matched across waves by its kind and
/// wording, so a reworded question starts a new line) as a favourable share or eNPS. A wave's
/// score needs the threshold of answers, as everywhere else.
public struct PulseTrend: Sendable, Codable {
    public struct Wave: Sendable, Codable, Equatable {
        public let wave: Int
        public let surveyID: Int64
        public let state: SurveyState
        public let openedOn: String?
        public let invited: Int
        /// nil while fewer than the threshold have answered.
        public let responses: Int?
        public let responseRate: Double?
    }

    public struct Row: Sendable, Codable, Equatable {
        public let prompt: String
        public let item: String
        /// "favourable" (0…1) or "enps" (−100…100).
        public let measure: String
        /// One per wave; nil when the wave did not ask it or too few answered.
        public let values: [Double?]
    }

    public let seriesID: Int64
    public let threshold: Int
    public let waves: [Wave]
    public let rows: [Row]
}

extension SurveyResultsStore {
    public func trend(_ series: PulseSeries, waves: [Survey]) async throws -> PulseTrend {
        let asked = waves.filter { $0.state != .draft && $0.invited > 0 }
        var waveRows: [PulseTrend.Wave] = []
        var scores: [String: [Int: Double]] = [:]
        var order: [(key: String, prompt: String, item: String, measure: String)] = []
        for (index, wave) in asked.enumerated() {
            let row = try await database.reader.raw("""
                SELECT CAST(COALESCE(SUM(responded), 0) AS BIGINT) AS n FROM survey_groups WHERE survey_id = \(bind: wave.id)
                """).first()
            let responses = Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
            let shown = suppression.allows(responses)
            waveRows.append(.init(wave: wave.wave ?? index + 1, surveyID: wave.id, state: wave.state,
                                  openedOn: wave.openedAt.map { EmployeeDay.string($0) }, invited: wave.invited,
                                  responses: shown ? responses : nil, responseRate: shown && wave.invited > 0 ? Double(responses) / Double(wave.invited) : nil))
            for line in try await heatmap(wave, by: .workerType).rows {
                guard let question = wave.questions.first(where: { $0.key == line.key }) else { continue }
                let key = "\(question.kind.rawValue)|\(question.prompt)|\(line.item)"
                if scores[key] == nil { order.append((key, question.prompt, line.item, line.measure)) }
                if let overall = line.overall { scores[key, default: [:]][index] = overall } else { scores[key, default: [:]] = scores[key] ?? [:] }
            }
        }
        return PulseTrend(seriesID: series.id, threshold: suppression.threshold, waves: waveRows, rows: order.map { line in
            PulseTrend.Row(prompt: line.prompt, item: line.item, measure: line.measure, values: asked.indices.map { scores[line.key]?[$0] })
        })
    }
}

/// A moment as the UTC day it fell on.
enum EmployeeDay {
    static func string(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        return format.string(from: date)
    }
}
