public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Stores answers: one response per person and survey. The invitation is marked answered and
/// the response written in one transaction; for an anonymous survey the response carries no
/// person, no time and a random id, only the invitation's coarsened breakdown values.
public struct ResponseStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
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
        return try await database.transaction { db in
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
            try await db.raw("""
                INSERT INTO survey_responses (id, survey_id, employee_id, submitted_at, country, department, site, worker_type)
                VALUES (\(bind: id), \(bind: survey.id), \(bind: anonymous ? nil : employee), \(bind: anonymous ? nil : Millis.from(Date())),
                        \(bind: try invitation.decode(column: "country", as: String.self)), \(bind: try invitation.decode(column: "department", as: String.self)),
                        \(bind: try invitation.decode(column: "site", as: String.self)), \(bind: try invitation.decode(column: "worker_type", as: String.self)))
                """).run()
            for start in stride(from: 0, to: rows.count, by: 200) {
                let values = rows[start..<min(rows.count, start + 200)].map { row -> SQLQueryString in
                    "(\(bind: id), \(bind: survey.id), \(bind: row.question), \(bind: row.item), \(bind: row.number.map(Int64.init)), \(bind: row.choice), \(bind: row.body))"
                }
                try await db.raw("INSERT INTO survey_answers (response_id, survey_id, question, item, number, choice, body) VALUES \(values.joined(separator: ", "))").run()
            }
            return .recorded
        }
    }
}
