import Foundation
import SQLKit
import TandemCore
import TandemStore

/// One answer as stored, with its comment's sentiment (scored when it arrived).
struct StoredAnswer: Codable, Sendable, Equatable {
    var question: String
    var item: String
    var number: Int64?
    var choice: String?
    var body: String?
    var sentiment: String?
    var score: Double?
}

/// A response ready to be stored: no person and no time when the survey is anonymous.
struct CountedResponse: Sendable, Equatable {
    var employee: Int64?
    var submittedAt: Int64?
    var group: SegmentCoarsening.Values
    var answers: [StoredAnswer]
}

/// Writes responses, their answers, the tallies results read and each group's `counted`, in
/// the caller's transaction and in the order given (callers shuffle anonymous batches).
enum ResponseWriter {
    static func write(_ responses: [CountedResponse], survey: Int64, on db: any SQLDatabase) async throws {
        guard !responses.isEmpty else { return }
        var answerValues: [SQLQueryString] = []
        var responseValues: [SQLQueryString] = []
        var tallies: [GroupTally: Int64] = [:]
        var counted: [SegmentCoarsening.Values: Int64] = [:]
        for response in responses {
            let id = UUID().uuidString.lowercased()
            let g = response.group
            responseValues.append("""
                (\(bind: id), \(bind: survey), \(bind: response.employee), \(bind: response.submittedAt),
                 \(bind: g.country), \(bind: g.department), \(bind: g.site), \(bind: g.workerType))
                """)
            for answer in response.answers {
                answerValues.append("""
                    (\(bind: id), \(bind: survey), \(bind: answer.question), \(bind: answer.item), \(bind: answer.number), \(bind: answer.choice),
                     \(bind: answer.body), \(bind: answer.sentiment), \(bind: answer.score))
                    """)
                tallies[GroupTally(group: g, key: TallyKey(answer)), default: 0] += 1
            }
            for question in Set(response.answers.map(\.question)) {
                tallies[GroupTally(group: g, key: TallyKey(question: question, item: "", value: TallyKey.answered)), default: 0] += 1
            }
            counted[g, default: 0] += 1
        }
        for start in stride(from: 0, to: responseValues.count, by: 200) {
            try await db.raw("""
                INSERT INTO survey_responses (id, survey_id, employee_id, submitted_at, country, department, site, worker_type)
                VALUES \(responseValues[start..<min(responseValues.count, start + 200)].joined(separator: ", "))
                """).run()
        }
        for start in stride(from: 0, to: answerValues.count, by: 200) {
            try await db.raw("""
                INSERT INTO survey_answers (response_id, survey_id, question, item, number, choice, body, sentiment, sentiment_score)
                VALUES \(answerValues[start..<min(answerValues.count, start + 200)].joined(separator: ", "))
                """).run()
        }
        // Sorted, so concurrent writers take row locks in the same order.
        let keys = tallies.keys.sorted()
        for start in stride(from: 0, to: keys.count, by: 200) {
            let values = keys[start..<min(keys.count, start + 200)].map { key -> SQLQueryString in
                let g = key.group
                return "(\(bind: survey), \(bind: g.country), \(bind: g.department), \(bind: g.site), \(bind: g.workerType), \(bind: key.key.question), \(bind: key.key.item), \(bind: key.key.value), \(bind: tallies[key]!))"
            }
            try await db.raw("""
                INSERT INTO survey_tallies (survey_id, country, department, site, worker_type, question, item, value, n) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (survey_id, question, item, value, country, department, site, worker_type) DO UPDATE SET n = survey_tallies.n + excluded.n
                """).run()
        }
        let groups = counted.keys.sorted { ($0.country, $0.department, $0.site, $0.workerType) < ($1.country, $1.department, $1.site, $1.workerType) }
        let values = groups.map { g -> SQLQueryString in
            "(\(bind: survey), \(bind: g.country), \(bind: g.department), \(bind: g.site), \(bind: g.workerType), 0, 0, \(bind: counted[g]!))"
        }
        try await db.raw("""
            INSERT INTO survey_groups (survey_id, country, department, site, worker_type, invited, responded, counted) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (survey_id, country, department, site, worker_type) DO UPDATE SET counted = survey_groups.counted + excluded.counted
            """).run()
    }
}

/// A tally row's key: group and counted value.
struct GroupTally: Hashable, Comparable {
    let group: SegmentCoarsening.Values
    let key: TallyKey

    static func < (a: GroupTally, b: GroupTally) -> Bool {
        a.fields.lexicographicallyPrecedes(b.fields)
    }

    var fields: [String] {
        [key.question, key.item, key.value, group.country, group.department, group.site, group.workerType]
    }
}
