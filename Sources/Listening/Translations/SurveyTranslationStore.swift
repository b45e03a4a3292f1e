public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// A survey's translations: written while it is a draft (its questions are fixed once it opens),
/// read for each person's language when they answer, get an invitation or see the feed card.
public struct SurveyTranslationStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(survey: Int64) async throws -> [SurveyTranslation] {
        try await database.reader.raw("""
            SELECT language, title, intro, questions FROM survey_translations WHERE survey_id = \(bind: survey) ORDER BY language
            """).all().map(Self.translation)
    }

    public func save(_ translation: SurveyTranslation, survey: Survey, by actor: AuditActor) async throws -> SurveyTranslation {
        guard survey.state == .draft else {
            throw AppError.conflict("This survey is \(survey.state.rawValue); its wording is fixed. Translate a draft (for a pulse, its template).")
        }
        let checked = try translation.validated(for: survey)
        let questions = String(decoding: try JSONCoding.encoder.encode(checked.questions), as: UTF8.self)
        return try await database.transaction { db in
            try await db.raw("""
                INSERT INTO survey_translations (survey_id, language, title, intro, questions, updated_by, updated_at)
                VALUES (\(bind: survey.id), \(bind: checked.language), \(bind: checked.title), \(bind: checked.intro), \(bind: questions), \(bind: actor.label), \(bind: Millis.from(Date())))
                ON CONFLICT (survey_id, language) DO UPDATE SET title = EXCLUDED.title, intro = EXCLUDED.intro, questions = EXCLUDED.questions,
                    updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.translate", entityType: "survey", entityID: String(survey.id),
                                                   summary: "Saved the \(checked.language) wording of \"\(survey.title)\""), by: actor, on: db)
            return checked
        }
    }

    public func delete(language: String, survey: Survey, by actor: AuditActor) async throws {
        guard survey.state == .draft else { throw AppError.conflict("This survey is \(survey.state.rawValue); its wording is fixed.") }
        try await database.transaction { db in
            guard try await db.raw("""
                DELETE FROM survey_translations WHERE survey_id = \(bind: survey.id) AND language = \(bind: language) RETURNING language
                """).first() != nil else { throw AppError.notFound("Translation") }
            try await AuditStore.append(AuditEntry(action: "survey.translate.delete", entityType: "survey", entityID: String(survey.id),
                                                   summary: "Removed the \(language) wording of \"\(survey.title)\""), by: actor, on: db)
        }
    }

    /// The wording for one employee, by the language in their HR record.
    public func wording(_ survey: Survey, employee: Int64) async throws -> SurveyWording {
        let translations = try await list(survey: survey.id)
        guard !translations.isEmpty,
              let language = try await database.reader.raw("SELECT language FROM employees WHERE id = \(bind: employee)").first()?
                .decode(column: "language", as: String.self) else { return SurveyWording(survey, nil) }
        return SurveyWording(survey, SurveyTranslation.pick(translations, for: language))
    }

    /// The wording of each survey for one person, for the feed's cards: one query for all their
    /// translations, and the person's language only when there are some.
    public func wordings(_ surveys: [Survey], employee: Int64) async throws -> [Int64: SurveyWording] {
        guard !surveys.isEmpty else { return [:] }
        var byID: [Int64: [SurveyTranslation]] = [:]
        for row in try await database.reader.raw("""
            SELECT survey_id, language, title, intro, questions FROM survey_translations WHERE survey_id IN (\(binds: surveys.map(\.id))) ORDER BY survey_id, language
            """).all() {
            byID[try row.decode(column: "survey_id", as: Int64.self), default: []].append(try Self.translation(row))
        }
        let language = byID.isEmpty ? nil : try await database.reader.raw("SELECT language FROM employees WHERE id = \(bind: employee)").first()?
            .decode(column: "language", as: String.self)
        return Dictionary(uniqueKeysWithValues: surveys.map { survey in
            let picked = language.flatMap { language in byID[survey.id].flatMap { SurveyTranslation.pick($0, for: language) } }
            return (survey.id, SurveyWording(survey, picked))
        })
    }

    /// Copies a template's translations to a new wave, inside the wave's transaction.
    static func copy(_ db: any SQLDatabase, from template: Int64, to survey: Int64) async throws {
        try await db.raw("""
            INSERT INTO survey_translations (survey_id, language, title, intro, questions, updated_by, updated_at)
            SELECT \(bind: survey), language, title, intro, questions, updated_by, updated_at FROM survey_translations WHERE survey_id = \(bind: template)
            """).run()
    }

    static func translation(_ row: any SQLRow) throws -> SurveyTranslation {
        SurveyTranslation(language: try row.decode(column: "language", as: String.self), title: try row.decode(column: "title", as: String.self),
                          intro: try row.decode(column: "intro", as: String.self),
                          questions: try JSONCoding.decoder.decode([SurveyTranslation.Text].self, from: Data(try row.decode(column: "questions", as: String.self).utf8)))
    }
}
