import Foundation
import SQLKit
import TandemCore
import TandemStore

/// Where an anonymous survey's answers wait until they can be counted without pointing at
/// anyone. Storing an answer the moment it arrives would keep its place in answering order
/// (SQLite's rowid, PostgreSQL's ctid and the transaction id in `xmin`, shared with the
/// invitation marked answered in the same transaction), and a group with fewer than the
/// threshold of answers would tie each to fewer than that many people.
///
/// So an answer is sealed (AES-GCM, `SecretBox`, key outside the database) with its group and
/// dropped in `survey_ballots`, beside a keyed digest of the group (which tells a reader
/// without the key only how many wait per group, as `survey_groups` does anyway). When `threshold` ballots of one group are waiting, they are
/// opened and stored together, in random order, with fresh random ids, in one transaction:
/// every stored response then shares its place and transaction with at least `threshold`
/// people of its group. At close, what is left (each group fewer than the threshold) is
/// counted together in the group "—" (every attribute hidden); when even that is too few,
/// the smallest counted groups are re-stored into it until it is not (`settle`).
struct BallotBox: Sendable {
    let box: SecretBox?
    let threshold: Int

    /// The hidden group leftovers are counted in.
    static let pooled = SegmentCoarsening.Values(country: SegmentCoarsening.hidden, department: SegmentCoarsening.hidden,
                                                 site: SegmentCoarsening.hidden, workerType: SegmentCoarsening.hidden)

    /// What is sealed: the group's four values and the answers.
    struct Sealed: Codable {
        let group: [String]
        let answers: [StoredAnswer]
    }

    struct Waiting {
        let id: String
        let response: CountedResponse
    }

    func checkSealing() throws {
        guard box != nil else {
            throw AppError(.serviceUnavailable, code: "anonymous_needs_key",
                           message: "Anonymous answers are sealed while they wait to be counted, and this server has no key to seal them. The operator must set TANDEM_SECRET_KEY (openssl rand -base64 32), the same on every server, and restart.")
        }
    }

    /// Drops one answer in; counts its group's waiting answers once there are `threshold`.
    func drop(_ response: CountedResponse, survey: Int64, on db: any SQLDatabase) async throws {
        try checkSealing()
        let g = response.group
        let text = String(decoding: try JSONEncoder().encode(Sealed(group: [g.country, g.department, g.site, g.workerType], answers: response.answers)), as: UTF8.self)
        let grouping = box!.tag("survey \(survey)\u{1F}" + [g.country, g.department, g.site, g.workerType].joined(separator: "\u{1F}"))
        try await db.raw("""
            INSERT INTO survey_ballots (id, survey_id, group_tag, sealed)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: survey), \(bind: grouping), \(bind: try box!.seal(text)))
            """).run()
        let same = try await waiting(survey: survey, grouping: grouping, on: db).filter { $0.response.group == g }
        if same.count >= threshold { try await count(same, as: nil, survey: survey, on: db) }
    }

    /// The waiting answers of a survey (of one group, given its digest), opened.
    func waiting(survey: Int64, grouping: String? = nil, on db: any SQLDatabase) async throws -> [Waiting] {
        try checkSealing()
        let oneGroup: SQLQueryString = grouping.map { " AND group_tag = \(bind: $0)" } ?? ""
        return try await db.raw("SELECT id, sealed FROM survey_ballots WHERE survey_id = \(bind: survey)" + oneGroup).all().map { row in
            let text: String
            do {
                text = try box!.open(try row.decode(column: "sealed", as: String.self))
            } catch {
                throw AppError(.serviceUnavailable, code: "ballots_unreadable",
                               message: "Waiting anonymous answers cannot be opened with this server's TANDEM_SECRET_KEY. Restore the key they were sealed with and restart.")
            }
            let sealed = try JSONDecoder().decode(Sealed.self, from: Data(text.utf8))
            guard sealed.group.count == 4 else { throw AppError(.internalServerError, code: "ballot_malformed", message: "A waiting answer is malformed.") }
            return Waiting(id: try row.decode(column: "id", as: String.self),
                           response: CountedResponse(employee: nil, submittedAt: nil,
                                                     group: .init(country: sealed.group[0], department: sealed.group[1], site: sealed.group[2], workerType: sealed.group[3]),
                                                     answers: sealed.answers))
        }
    }

    /// Takes the ballots out and stores their answers in random order, in `group` if given.
    func count(_ ballots: [Waiting], as group: SegmentCoarsening.Values?, plus restored: [CountedResponse] = [], survey: Int64, on db: any SQLDatabase) async throws {
        let ids = ballots.map(\.id)
        for start in stride(from: 0, to: ids.count, by: 500) {
            try await db.raw("DELETE FROM survey_ballots WHERE id IN (\(binds: Array(ids[start..<min(ids.count, start + 500)])))").run()
        }
        var responses = ballots.map(\.response) + restored
        if let group { for index in responses.indices { responses[index].group = group } }
        var generator = SystemRandomNumberGenerator()
        responses.shuffle(using: &generator)
        try await ResponseWriter.write(responses, survey: survey, on: db)
    }

    public enum Settlement: Sendable, Equatable {
        case nothingWaiting
        /// Counted in the pooled group; `regrouped` counted responses were moved in with them.
        case counted(answers: Int, regrouped: Int)
        /// Fewer than the threshold answered in the whole survey: they stay sealed, uncounted.
        case tooFew(Int)
    }

    /// Counts what is left when a survey stops taking answers. Run in the transaction that
    /// closes it (or by the loop, for one past its closing day).
    func settle(survey: Int64, on db: any SQLDatabase) async throws -> Settlement {
        guard try await db.raw("SELECT 1 AS x FROM survey_ballots WHERE survey_id = \(bind: survey) LIMIT 1").first() != nil else { return .nothingWaiting }
        let left = try await waiting(survey: survey, on: db)
        guard left.count < threshold else {
            try await count(left, as: Self.pooled, survey: survey, on: db)
            return .counted(answers: left.count, regrouped: 0)
        }
        // Too few to count alone: the smallest counted groups join them, taken out and stored
        // again, so the pooled answers cannot be told apart from theirs.
        var chosen: [(SegmentCoarsening.Values, Int)] = []
        var total = left.count
        for row in try await db.raw("""
            SELECT country, department, site, worker_type, counted FROM survey_groups WHERE survey_id = \(bind: survey) AND counted > 0
            ORDER BY counted, country, department, site, worker_type
            """).all() where total < threshold {
            let g = SegmentCoarsening.Values(country: try row.decode(column: "country", as: String.self), department: try row.decode(column: "department", as: String.self),
                                             site: try row.decode(column: "site", as: String.self), workerType: try row.decode(column: "worker_type", as: String.self))
            let n = Int(try row.decode(column: "counted", as: Int64.self))
            chosen.append((g, n))
            total += n
        }
        guard total >= threshold else { return .tooFew(left.count) }
        var restored: [CountedResponse] = []
        for (g, _) in chosen { restored += try await takeOut(group: g, survey: survey, on: db) }
        try await count(left, as: Self.pooled, plus: restored, survey: survey, on: db)
        return .counted(answers: left.count, regrouped: restored.count)
    }

    /// Removes a group's stored responses, answers and tallies, and returns them.
    func takeOut(group g: SegmentCoarsening.Values, survey: Int64, on db: any SQLDatabase) async throws -> [CountedResponse] {
        let inGroup: SQLQueryString = """
            survey_id = \(bind: survey) AND country = \(bind: g.country) AND department = \(bind: g.department) AND site = \(bind: g.site) AND worker_type = \(bind: g.workerType)
            """
        var answers: [String: [StoredAnswer]] = [:]
        var people: [String: (Int64?, Int64?)] = [:]
        for row in try await db.raw("SELECT id, employee_id, submitted_at FROM survey_responses WHERE " + inGroup).all() {
            people[try row.decode(column: "id", as: String.self)] = (try row.decode(column: "employee_id", as: Int64?.self), try row.decode(column: "submitted_at", as: Int64?.self))
        }
        let columns: SQLQueryString = "SELECT response_id, question, item, number, choice, body, sentiment, sentiment_score FROM survey_answers"
        for row in try await db.raw(columns + " WHERE response_id IN (SELECT id FROM survey_responses WHERE " + inGroup + ") ORDER BY response_id, question, item").all() {
            answers[try row.decode(column: "response_id", as: String.self), default: []].append(StoredAnswer(
                question: try row.decode(column: "question", as: String.self), item: try row.decode(column: "item", as: String.self),
                number: try row.decode(column: "number", as: Int64?.self), choice: try row.decode(column: "choice", as: String?.self),
                body: try row.decode(column: "body", as: String?.self), sentiment: try row.decode(column: "sentiment", as: String?.self),
                score: try row.decode(column: "sentiment_score", as: Double?.self)))
        }
        try await db.raw("DELETE FROM survey_answers WHERE response_id IN (SELECT id FROM survey_responses WHERE " + inGroup + ")").run()
        try await db.raw("DELETE FROM survey_responses WHERE " + inGroup).run()
        try await db.raw("DELETE FROM survey_tallies WHERE " + inGroup).run()
        try await db.raw("UPDATE survey_groups SET counted = 0 WHERE " + inGroup).run()
        return people.map { id, person in CountedResponse(employee: person.0, submittedAt: person.1, group: g, answers: answers[id] ?? []) }
    }
}
