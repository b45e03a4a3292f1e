public import Foundation
import People
import Sentiment
import SQLKit
public import TandemCore
public import TandemStore

/// Stores answers: one response per person and survey. The invitation is marked answered and
/// the response written in one transaction; for an anonymous survey the response carries no
/// person, no time and a random id, only the invitation's coarsened breakdown values.
public struct ResponseStore: Sendable {
    let database: Database
    /// Scores comments when they are stored, so results count them without reading them.
    let scorer: SentimentScorer?

    public init(database: Database, scorer: SentimentScorer? = try? SentimentScorer()) {
        self.database = database
        self.scorer = scorer
    }

    /// Responses per survey, for the list.
    public func counts() async throws -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        for row in try await database.reader.raw("SELECT survey_id, COUNT(*) AS n FROM survey_responses GROUP BY survey_id").all() {
            out[try row.decode(column: "survey_id", as: Int64.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return out
    }

    public enum Invitation: Sendable, Equatable { case notInvited, waiting, answered }

    public func invitation(survey: Int64, employee: Int64) async throws -> Invitation {
        guard let row = try await database.reader.raw("""
            SELECT responded FROM survey_invitations WHERE survey_id = \(bind: survey) AND employee_id = \(bind: employee)
            """).first() else { return .notInvited }
        return try row.decode(column: "responded", as: Bool.self) ? .answered : .waiting
    }

    public enum Outcome: Sendable, Equatable {
        case recorded
        /// The same form sent again (a retry): nothing new was stored.
        case alreadyRecorded
    }

    /// `submission` is the form's one-time key: sending the same form twice is answered as
    /// recorded, a second different answer is refused.
    public func submit(survey: Survey, employee: Int64, submission: String, answers: [String: AnswerValue], today: String = EmployeeRules.today()) async throws -> Outcome {
        guard (8...64).contains(submission.count), submission.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 }) else {
            throw AppError.invalid("submission", "The form's key is missing or malformed. Reload the survey and answer again.")
        }
        let rows = try AnswerCheck.rows(answers, for: survey.questions)
        let scored = rows.map { row in row.body.map { scorer?.score($0) } ?? nil }
        let outcome: Outcome = try await database.transaction { db in
            guard let current = try await db.raw("SELECT state, closes_on FROM surveys WHERE id = \(bind: survey.id)").first() else { throw AppError.notFound("Survey") }
            let state = SurveyState(rawValue: try current.decode(column: "state", as: String.self))
            let closesOn = try current.decode(column: "closes_on", as: String?.self)
            guard let invitation = try await db.raw("""
                SELECT responded, submission, country, department, site, worker_type FROM survey_invitations
                WHERE survey_id = \(bind: survey.id) AND employee_id = \(bind: employee)
                """).first() else {
                throw AppError(.forbidden, code: "not_invited", message: "This survey was not sent to you, so it cannot take your answers.")
            }
            if try invitation.decode(column: "responded", as: Bool.self) {
                if try invitation.decode(column: "submission", as: String?.self) == submission { return .alreadyRecorded }
                throw AppError(.conflict, code: "already_answered", message: "You have already answered this survey; each person answers once.")
            }
            guard state == .open, closesOn.map({ today <= $0 }) ?? true else {
                throw AppError(.conflict, code: "survey_closed", message: "This survey has closed, so it no longer takes answers. Thank you all the same.")
            }
            let marked = try await db.raw("""
                UPDATE survey_invitations SET responded = \(bind: true), submission = \(bind: submission)
                WHERE survey_id = \(bind: survey.id) AND employee_id = \(bind: employee) AND responded = \(bind: false) RETURNING employee_id
                """).first()
            guard marked != nil else { throw AppError(.conflict, code: "already_answered", message: "You have already answered this survey; each person answers once.") }
            let id = UUID().uuidString.lowercased()
            let anonymous = survey.mode == .anonymous
            let group = (country: try invitation.decode(column: "country", as: String.self), department: try invitation.decode(column: "department", as: String.self),
                         site: try invitation.decode(column: "site", as: String.self), workerType: try invitation.decode(column: "worker_type", as: String.self))
            try await db.raw("""
                INSERT INTO survey_responses (id, survey_id, employee_id, submitted_at, country, department, site, worker_type)
                VALUES (\(bind: id), \(bind: survey.id), \(bind: anonymous ? nil : employee), \(bind: anonymous ? nil : Millis.from(Date())),
                        \(bind: group.country), \(bind: group.department), \(bind: group.site), \(bind: group.workerType))
                """).run()
            for start in stride(from: 0, to: rows.count, by: 200) {
                let values = (start..<min(rows.count, start + 200)).map { index -> SQLQueryString in
                    let row = rows[index]
                    return "(\(bind: id), \(bind: survey.id), \(bind: row.question), \(bind: row.item), \(bind: row.number.map(Int64.init)), \(bind: row.choice), \(bind: row.body), \(bind: scored[index]?.label.rawValue), \(bind: scored[index]?.score))"
                }
                try await db.raw("INSERT INTO survey_answers (response_id, survey_id, question, item, number, choice, body, sentiment, sentiment_score) VALUES \(values.joined(separator: ", "))").run()
            }
            // The counts results read, in the same transaction.
            var tallies: [TallyKey: Int64] = [:]
            for (index, row) in rows.enumerated() { tallies[TallyKey(row, sentiment: scored[index]?.label), default: 0] += 1 }
            for question in Set(rows.map(\.question)) { tallies[TallyKey(question: question, item: "", value: TallyKey.answered), default: 0] += 1 }
            let keys = tallies.keys.sorted { ($0.question, $0.item, $0.value) < ($1.question, $1.item, $1.value) }
            let values = keys.map { key -> SQLQueryString in
                "(\(bind: survey.id), \(bind: group.country), \(bind: group.department), \(bind: group.site), \(bind: group.workerType), \(bind: key.question), \(bind: key.item), \(bind: key.value), \(bind: tallies[key]!))"
            }
            try await db.raw("""
                INSERT INTO survey_tallies (survey_id, country, department, site, worker_type, question, item, value, n) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (survey_id, question, item, value, country, department, site, worker_type) DO UPDATE SET n = survey_tallies.n + excluded.n
                """).run()
            try await db.raw("""
                UPDATE survey_groups SET responded = responded + 1 WHERE survey_id = \(bind: survey.id) AND country = \(bind: group.country)
                  AND department = \(bind: group.department) AND site = \(bind: group.site) AND worker_type = \(bind: group.workerType)
                """).run()
            return .recorded
        }
        // This person's cached feed page loses the survey card. Only this process is told: a
        // `feed_changes` row would store when this person answered. Other servers' pages age
        // out within 15 s, and the card then leads to "already answered".
        if case .recorded = outcome { database.feedSignal.notify(.employee(employee)) }
        return outcome
    }
}

/// One counted value of a question: a number, a choice, a comment's sentiment, or `answered`.
struct TallyKey: Hashable {
    static let answered = "*"
    static let unscored = "unscored"
    let question: String, item: String, value: String

    init(question: String, item: String, value: String) {
        self.question = question
        self.item = item
        self.value = value
    }

    init(_ row: AnswerRow, sentiment: SentimentLabel?) {
        question = row.question
        if let number = row.number {
            item = row.item
            value = String(number)
        } else if let choice = row.choice {
            item = ""
            value = choice
        } else {
            item = ""
            value = sentiment?.rawValue ?? Self.unscored
        }
    }
}

extension ResponseStore {
    /// Counts a survey's tallies and responses per group again from its stored answers: for
    /// answers written in bulk (the benchmark) and as a check that the counts kept with each
    /// answer are right.
    public func recount(survey: Int64) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM survey_tallies WHERE survey_id = \(bind: survey)").run()
            try await db.raw("""
                INSERT INTO survey_tallies (survey_id, country, department, site, worker_type, question, item, value, n)
                SELECT r.survey_id, r.country, r.department, r.site, r.worker_type, a.question,
                       CASE WHEN a.number IS NULL AND a.choice IS NOT NULL THEN '' ELSE a.item END,
                       CASE WHEN a.number IS NOT NULL THEN CAST(a.number AS TEXT) WHEN a.choice IS NOT NULL THEN a.choice
                            ELSE COALESCE(a.sentiment, \(bind: TallyKey.unscored)) END,
                       COUNT(*)
                FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE a.survey_id = \(bind: survey)
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                """).run()
            try await db.raw("""
                INSERT INTO survey_tallies (survey_id, country, department, site, worker_type, question, item, value, n)
                SELECT r.survey_id, r.country, r.department, r.site, r.worker_type, a.question, '', \(bind: TallyKey.answered), COUNT(DISTINCT a.response_id)
                FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE a.survey_id = \(bind: survey)
                GROUP BY 1, 2, 3, 4, 5, 6
                """).run()
            try await db.raw("""
                UPDATE survey_groups SET responded = (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = survey_groups.survey_id
                    AND r.country = survey_groups.country AND r.department = survey_groups.department AND r.site = survey_groups.site
                    AND r.worker_type = survey_groups.worker_type)
                WHERE survey_id = \(bind: survey)
                """).run()
        }
    }
}
