public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Personas, each optionally linked to a saved audience.
public struct PersonaStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select: SQLQueryString = "SELECT p.*, a.name AS audience_name FROM personas p LEFT JOIN audiences a ON a.id = p.audience_id"

    public func all() async throws -> [Persona] {
        try await database.reader.raw(Self.select + " ORDER BY p.name_key").all().map(Self.persona)
    }

    public func find(id: Persona.ID) async throws -> Persona? {
        try await database.reader.raw(Self.select + " WHERE p.id = \(bind: id)").first().map(Self.persona)
    }

    /// Personas linked to one audience (shown on the audience's page).
    public func linked(to audienceID: Audience.ID) async throws -> [Persona] {
        try await database.reader.raw(Self.select + " WHERE p.audience_id = \(bind: audienceID) ORDER BY p.name_key").all().map(Self.persona)
    }

    public func create(_ draft: PersonaDraft, by actor: AuditActor) async throws -> Persona {
        try await database.transaction { db in
            try await Self.checkName(draft.name, except: nil, on: db)
            try await Self.checkAudience(draft.audienceID, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO personas (name, name_key, summary, needs, pain_points, channels, languages, interests, audience_id, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: Self.key(draft.name)), \(bind: draft.summary), \(bind: draft.needs), \(bind: draft.painPoints),
                        \(bind: Self.join(draft.channels)), \(bind: Self.join(draft.languages)), \(bind: Self.join(draft.interests)),
                        \(bind: draft.audienceID), \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The persona could not be saved.") }
            try await AuditStore.append(
                AuditEntry(action: "persona.create", entityType: "persona", entityID: String(id), summary: "Created persona \"\(draft.name)\"",
                           after: Self.fields(draft)), by: actor, on: db)
            return try Self.persona(try await db.raw(Self.select + " WHERE p.id = \(bind: id)").first()!)
        }
    }

    public func update(_ id: Persona.ID, _ draft: PersonaDraft, by actor: AuditActor) async throws -> Persona {
        try await database.transaction { db in
            guard let before = try await db.raw(Self.select + " WHERE p.id = \(bind: id)").first().map(Self.persona) else { throw AppError.notFound("Persona") }
            try await Self.checkName(draft.name, except: id, on: db)
            try await Self.checkAudience(draft.audienceID, on: db)
            try await db.raw("""
                UPDATE personas SET name = \(bind: draft.name), name_key = \(bind: Self.key(draft.name)), summary = \(bind: draft.summary),
                    needs = \(bind: draft.needs), pain_points = \(bind: draft.painPoints), channels = \(bind: Self.join(draft.channels)),
                    languages = \(bind: Self.join(draft.languages)), interests = \(bind: Self.join(draft.interests)), audience_id = \(bind: draft.audienceID),
                    updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "persona.update", entityType: "persona", entityID: String(id), summary: "Updated persona \"\(draft.name)\"",
                           before: ["name": before.name, "audience": before.audienceName ?? ""], after: Self.fields(draft)), by: actor, on: db)
            return try Self.persona(try await db.raw(Self.select + " WHERE p.id = \(bind: id)").first()!)
        }
    }

    public func delete(_ id: Persona.ID, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let persona = try await db.raw(Self.select + " WHERE p.id = \(bind: id)").first().map(Self.persona) else { throw AppError.notFound("Persona") }
            try await db.raw("DELETE FROM personas WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "persona.delete", entityType: "persona", entityID: String(id), summary: "Deleted persona \"\(persona.name)\"",
                           before: ["name": persona.name]), by: actor, on: db)
        }
    }

    static func checkName(_ name: String, except id: Persona.ID?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT id FROM personas WHERE name_key = \(bind: key(name))").first(),
            try row.decode(column: "id", as: Int64.self) != id {
            throw AppError.conflict("A persona named \"\(name)\" already exists. Choose another name.", field: "name")
        }
    }

    static func checkAudience(_ id: Audience.ID?, on db: any SQLDatabase) async throws {
        guard let id else { return }
        if try await db.raw("SELECT id FROM audiences WHERE id = \(bind: id)").first() == nil {
            throw AppError.invalid("audience_id", "Audience \(id) does not exist. Pick one from the saved audiences.")
        }
    }

    static func fields(_ draft: PersonaDraft) -> [String: String] {
        ["name": draft.name, "channels": join(draft.channels), "languages": join(draft.languages), "audience_id": draft.audienceID.map(String.init) ?? ""]
    }

    static func key(_ name: String) -> String { name.trimmed.lowercased() }
    static func join(_ values: [String]) -> String { values.joined(separator: "\n") }
    static func split(_ value: String) -> [String] { value.split(separator: "\n").map(String.init) }

    static func persona(_ row: any SQLRow) throws -> Persona {
        Persona(
            id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
            summary: try row.decode(column: "summary", as: String.self), needs: try row.decode(column: "needs", as: String.self),
            painPoints: try row.decode(column: "pain_points", as: String.self), channels: split(try row.decode(column: "channels", as: String.self)),
            languages: split(try row.decode(column: "languages", as: String.self)), interests: split(try row.decode(column: "interests", as: String.self)),
            audienceId: try row.decode(column: "audience_id", as: Int64?.self), audienceName: try row.decode(column: "audience_name", as: String?.self),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}
