public import Audit
public import Foundation
public import TandemCore
public import TandemStore

/// Teams group staff users (HR, Internal Communications, Marketing, …).
public struct TeamStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func all() async throws -> [Team] {
        try await database.reader.raw("SELECT id, name FROM teams ORDER BY name").all().map {
            Team(id: try $0.decode(column: "id", as: Int64.self), name: try $0.decode(column: "name", as: String.self))
        }
    }

    public func memberCounts() async throws -> [Team.ID: Int] {
        let rows = try await database.reader.raw("SELECT team_id, COUNT(*) AS n FROM users WHERE team_id IS NOT NULL GROUP BY team_id").all()
        var counts: [Team.ID: Int] = [:]
        for row in rows { counts[try row.decode(column: "team_id", as: Int64.self)] = Int(try row.decode(column: "n", as: Int64.self)) }
        return counts
    }

    public func create(name raw: String, by actor: AuditActor) async throws -> Team {
        let name = try AccountRules.teamName(raw)
        return try await database.transaction { db in
            let key = name.lowercased()
            if try await db.raw("SELECT id FROM teams WHERE name_key = \(bind: key)").first() != nil {
                throw AppError.conflict("A team called \(name) already exists.", field: "name")
            }
            let row = try await db.raw("INSERT INTO teams (name, name_key, created_at) VALUES (\(bind: name), \(bind: key), \(bind: Millis.from(Date()))) RETURNING id").first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditStore.append(
                AuditEntry(action: "team.create", entityType: "team", entityID: String(id), summary: "Created team \(name)", after: ["name": name]),
                by: actor, on: db)
            return Team(id: id, name: name)
        }
    }
}
