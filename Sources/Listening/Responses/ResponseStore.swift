import Foundation
import People
import Sentiment
import SQLKit
public import TandemCore
public import TandemStore

/// Stores answers: one response per person and survey. The invitation is marked answered and
/// the answer kept in one transaction. An anonymous survey's answer carries no person and no
/// time, only the invitation's coarsened breakdown values, and waits sealed in the ballot box
/// until it can be counted with others of its group (`BallotBox`).
public struct ResponseStore: Sendable {
    let database: Database
    /// Scores comments when they are stored, so results count them without reading them.
    let scorer: SentimentScorer?

    /// Where anonymous answers wait until they can be counted in a group.
    let ballots: BallotBox

    /// `box` seals waiting anonymous answers; without one, anonymous surveys cannot take answers.
    public init(database: Database, threshold: Int, box: SecretBox?, scorer: SentimentScorer? = try? SentimentScorer()) {
        self.database = database
        self.scorer = scorer
        ballots = BallotBox(box: box, threshold: threshold)
    }

    /// People who answered, per survey (counted or still waiting), for the list.
    public func counts() async throws -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        for row in try await database.reader.raw("SELECT survey_id, CAST(SUM(responded) AS BIGINT) AS n FROM survey_groups GROUP BY survey_id").all() {
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
        let stored = rows.map { row in
            let scored = row.body.flatMap { scorer?.score($0) }
            return StoredAnswer(question: row.question, item: row.item, number: row.number.map(Int64.init), choice: row.choice, body: row.body,
                                sentiment: scored?.label.rawValue, score: scored?.score)
        }
        let anonymous = survey.mode == .anonymous
        if anonymous { try ballots.checkSealing() }
        // An anonymous answer holds a share lock on the survey row, so closing (which updates the
        // row) waits for answers in flight and never counts ballots an answer is counting too.
        // Answers of one group wait for each other on their `survey_groups` row, so two never
        // count the same waiting ballots.
        let lock: SQLQueryString = anonymous && database.kind == .postgres ? " FOR SHARE" : ""
        let outcome: Outcome = try await database.transaction { db in
            guard let current = try await db.raw("SELECT state, closes_on FROM surveys WHERE id = \(bind: survey.id)" + lock).first() else { throw AppError.notFound("Survey") }
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
            let group = SegmentCoarsening.Values(
                country: try invitation.decode(column: "country", as: String.self), department: try invitation.decode(column: "department", as: String.self),
                site: try invitation.decode(column: "site", as: String.self), workerType: try invitation.decode(column: "worker_type", as: String.self))
            try await db.raw("""
                UPDATE survey_groups SET responded = responded + 1 WHERE survey_id = \(bind: survey.id) AND country = \(bind: group.country)
                  AND department = \(bind: group.department) AND site = \(bind: group.site) AND worker_type = \(bind: group.workerType)
                """).run()
            if anonymous {
                // No person, no time; counted only once enough of the same group have answered.
                try await ballots.drop(CountedResponse(employee: nil, submittedAt: nil, group: group, answers: stored), survey: survey.id, on: db)
            } else {
                try await ResponseWriter.write([CountedResponse(employee: employee, submittedAt: Millis.from(Date()), group: group, answers: stored)], survey: survey.id, on: db)
            }
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

    init(_ answer: StoredAnswer) {
        question = answer.question
        if let number = answer.number {
            item = answer.item
            value = String(number)
        } else if let choice = answer.choice {
            item = ""
            value = choice
        } else {
            item = ""
            value = answer.sentiment ?? Self.unscored
        }
    }
}

extension ResponseStore {
    /// Counts a survey's tallies and counted responses per group again from its stored answers,
    /// and who answered from the invitations: for answers written in bulk (the benchmark) and as
    /// a check that the counts kept with each answer are right.
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
                UPDATE survey_groups SET counted = (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = survey_groups.survey_id
                    AND r.country = survey_groups.country AND r.department = survey_groups.department AND r.site = survey_groups.site
                    AND r.worker_type = survey_groups.worker_type),
                  responded = (SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = survey_groups.survey_id AND i.responded = \(bind: true)
                    AND i.country = survey_groups.country AND i.department = survey_groups.department AND i.site = survey_groups.site
                    AND i.worker_type = survey_groups.worker_type)
                WHERE survey_id = \(bind: survey)
                """).run()
        }
    }
}
