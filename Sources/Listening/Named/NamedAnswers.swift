public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// One person's answers to an identified survey, as HR reads them.
public struct NamedResponse: Sendable, Codable, Equatable {
    public let employeeId: Int64
    public let employeeNumber: String
    public let name: String
    public let submittedAt: Date?
    /// Question key → the answer as text: a number, a choice, choices joined by "; ", the text,
    /// or "statement: n" pairs for a matrix.
    public let answers: [String: String]
}

/// Identified surveys promise that the owners see each answer with a name (onboarding
/// check-ins): HR reads them here. Anonymous surveys store no person, and confidential ones are
/// only ever shown in groups, so both are refused.
public struct NamedAnswerStore: Sendable {
    let database: Database
    public static let pageSize = 200

    public init(database: Database) {
        self.database = database
    }

    static func refuse(_ survey: Survey) throws {
        guard survey.mode == .identified else {
            throw AppError(.forbidden, code: "not_identified",
                           message: "This survey is \(survey.mode.rawValue): its answers are only shown in groups of at least the minimum size, never by person.")
        }
    }

    /// A page of respondents by name, with their answers.
    public func page(_ survey: Survey, offset: Int = 0, limit: Int = NamedAnswerStore.pageSize) async throws -> [NamedResponse] {
        try Self.refuse(survey)
        let people = try await database.reader.raw("""
            SELECT r.id, r.employee_id, r.submitted_at, e.employee_id AS number, e.given_name, e.preferred_name, e.family_name
            FROM survey_responses r JOIN employees e ON e.id = r.employee_id
            WHERE r.survey_id = \(bind: survey.id) ORDER BY e.family_name, e.given_name, r.employee_id LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all()
        guard !people.isEmpty else { return [] }
        let ids = try people.map { try $0.decode(column: "id", as: String.self) }
        var answers: [String: [String: [String]]] = [:]
        for row in try await database.reader.raw("""
            SELECT response_id, question, item, number, choice, body FROM survey_answers WHERE response_id IN (\(binds: ids)) ORDER BY response_id, question, item
            """).all() {
            let item = try row.decode(column: "item", as: String.self)
            let number = try row.decode(column: "number", as: Int64?.self)
            let body = try row.decode(column: "body", as: String?.self), choice = try row.decode(column: "choice", as: String?.self)
            let value = body ?? choice ?? number.map(String.init) ?? ""
            let shown = !item.isEmpty && number != nil ? "\(item): \(value)" : value
            answers[try row.decode(column: "response_id", as: String.self), default: [:]][try row.decode(column: "question", as: String.self), default: []].append(shown)
        }
        return try people.map { row in
            let id = try row.decode(column: "id", as: String.self)
            let preferred = try row.decode(column: "preferred_name", as: String?.self)
            let fallback = try row.decode(column: "given_name", as: String.self)
            let given = preferred.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
            return NamedResponse(employeeId: try row.decode(column: "employee_id", as: Int64.self), employeeNumber: try row.decode(column: "number", as: String.self),
                                 name: "\(given) \(try row.decode(column: "family_name", as: String.self))",
                                 submittedAt: try row.decode(column: "submitted_at", as: Int64?.self).map(Millis.date),
                                 answers: (answers[id] ?? [:]).mapValues { $0.joined(separator: "; ") })
        }
    }
}
