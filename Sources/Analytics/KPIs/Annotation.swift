public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// A note pinned to a day ("benefits fair", "outage"), shared with one or more teams; it shows
/// on the timelines and KPI charts that cover its day.
public struct Annotation: Sendable, Equatable, Codable {
    public let id: Int64
    public let day: String
    public let note: String
    public let teams: [KPITeam]
    public let createdBy: String
    public let createdAt: Date
}

public struct AnnotationStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The teams a caller belongs to for sharing: HR, IC (comms) and Marketing; admins and
    /// analysts see every note.
    static func teams(of identity: Identity?) -> Set<KPITeam>? {
        guard let identity else { return [] }
        if identity.roles.contains(.admin) || identity.roles.contains(.analyst) { return nil }
        var teams = Set<KPITeam>()
        if identity.roles.contains(.hr) { teams.insert(.hr) }
        if identity.roles.contains(.comms) { teams.insert(.ic) }
        if identity.roles.contains(.marketing) { teams.insert(.marketing) }
        return teams
    }

    /// Notes between two days (inclusive) that `identity` may see, by day.
    public func visible(to identity: Identity?, from: String, to: String) async throws -> [Annotation] {
        let teams = Self.teams(of: identity)
        return try await database.reader.raw("""
            SELECT * FROM analytics_annotations WHERE day >= \(bind: from) AND day <= \(bind: to) ORDER BY day, id LIMIT 500
            """).all().map(Self.annotation).filter { note in
                guard let teams else { return true }
                return note.teams.contains(.shared) || !teams.isDisjoint(with: note.teams)
            }
    }

    public func create(day: String, note: String, teams: [String], by actor: AuditActor) async throws -> Annotation {
        let day = try AnalyticsPeriod.day(day.trimmingCharacters(in: .whitespaces), field: "day", label: "The day")
        let dayText = AnalyticsPeriod.string(day)
        let note = try TextRules.singleLine(note, field: "note", label: "The note", range: 1...200)
        let chosen = try teams.map { raw -> KPITeam in
            guard let team = KPITeam(rawValue: raw) else { throw AppError.invalid("teams", "Share with hr, ic, marketing or shared (everyone).") }
            return team
        }
        guard !chosen.isEmpty else { throw AppError.invalid("teams", "Choose at least one team to share the note with.") }
        let ordered = KPITeam.allCases.filter(chosen.contains)
        return try await database.transaction { db in
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO analytics_annotations (day, note, teams, created_by, created_at)
                VALUES (\(bind: dayText), \(bind: note), \(bind: ordered.map(\.rawValue).joined(separator: ",")), \(bind: actor.label), \(bind: now)) RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The note could not be saved.") }
            try await AuditStore.append(AuditEntry(action: "annotation.create", entityType: "annotation", entityID: String(id), summary: "Pinned \"\(note)\" to \(dayText)"),
                                        by: actor, on: db)
            return try Self.annotation(try await db.raw("SELECT * FROM analytics_annotations WHERE id = \(bind: id)").first()!)
        }
    }

    /// Only its author or an administrator removes a note.
    public func delete(_ id: Int64, identity: Identity, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let note = try await db.raw("SELECT * FROM analytics_annotations WHERE id = \(bind: id)").first().map(Self.annotation) else { throw AppError.notFound("Note") }
            guard identity.roles.contains(.admin) || note.createdBy == actor.label else {
                throw AppError(.forbidden, code: "forbidden", message: "Only \(note.createdBy) or an administrator can remove this note.")
            }
            try await db.raw("DELETE FROM analytics_annotations WHERE id = \(bind: id)").run()
            try await AuditStore.append(AuditEntry(action: "annotation.delete", entityType: "annotation", entityID: String(id), summary: "Removed the note \"\(note.note)\" of \(note.day)"),
                                        by: actor, on: db)
        }
    }

    static func annotation(_ row: any SQLRow) throws -> Annotation {
        Annotation(id: try row.decode(column: "id", as: Int64.self), day: try row.decode(column: "day", as: String.self), note: try row.decode(column: "note", as: String.self),
                   teams: try row.decode(column: "teams", as: String.self).split(separator: ",").compactMap { KPITeam(rawValue: String($0)) },
                   createdBy: try row.decode(column: "created_by", as: String.self), createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
