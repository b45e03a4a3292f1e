public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Campaigns and how many posts each holds.
public struct CampaignStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select: SQLQueryString = "SELECT c.*, (SELECT COUNT(*) FROM posts p WHERE p.campaign_id = c.id) AS post_count FROM campaigns c"

    public func all() async throws -> [Campaign] {
        try await database.reader.raw(Self.select + " ORDER BY c.starts_on DESC, c.name_key").all().map(Self.campaign)
    }

    public func find(id: Campaign.ID) async throws -> Campaign? {
        try await database.reader.raw(Self.select + " WHERE c.id = \(bind: id)").first().map(Self.campaign)
    }

    public func create(_ draft: CampaignDraft, by actor: AuditActor) async throws -> Campaign {
        try await database.transaction { db in
            try await Self.checkName(draft.name, except: nil, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO campaigns (name, name_key, goal, owner_teams, starts_on, ends_on, external_name, external_url, outcome_metric, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: Self.key(draft.name)), \(bind: draft.goal), \(bind: Self.teams(draft.ownerTeams)), \(bind: draft.startsOn),
                        \(bind: draft.endsOn), \(bind: draft.externalName), \(bind: draft.externalURL), \(bind: draft.outcomeMetric), \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The campaign could not be saved.") }
            try await AuditStore.append(
                AuditEntry(action: "campaign.create", entityType: "campaign", entityID: String(id), summary: "Created campaign \"\(draft.name)\"", after: Self.fields(draft)),
                by: actor, on: db)
            return try Self.campaign(try await db.raw(Self.select + " WHERE c.id = \(bind: id)").first()!)
        }
    }

    public func update(_ id: Campaign.ID, _ draft: CampaignDraft, by actor: AuditActor) async throws -> Campaign {
        try await database.transaction { db in
            guard let before = try await db.raw(Self.select + " WHERE c.id = \(bind: id)").first().map(Self.campaign) else { throw AppError.notFound("Campaign") }
            try await Self.checkName(draft.name, except: id, on: db)
            try await db.raw("""
                UPDATE campaigns SET name = \(bind: draft.name), name_key = \(bind: Self.key(draft.name)), goal = \(bind: draft.goal),
                    owner_teams = \(bind: Self.teams(draft.ownerTeams)), starts_on = \(bind: draft.startsOn), ends_on = \(bind: draft.endsOn),
                    external_name = \(bind: draft.externalName), external_url = \(bind: draft.externalURL), outcome_metric = \(bind: draft.outcomeMetric),
                    updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "campaign.update", entityType: "campaign", entityID: String(id), summary: "Updated campaign \"\(draft.name)\"",
                           before: ["name": before.name, "dates": "\(before.startsOn)..\(before.endsOn)"], after: Self.fields(draft)), by: actor, on: db)
            return try Self.campaign(try await db.raw(Self.select + " WHERE c.id = \(bind: id)").first()!)
        }
    }

    /// Refused while posts belong to it.
    public func delete(_ id: Campaign.ID, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let campaign = try await db.raw(Self.select + " WHERE c.id = \(bind: id)").first().map(Self.campaign) else { throw AppError.notFound("Campaign") }
            guard campaign.postCount == 0 else {
                throw AppError.conflict("\(campaign.postCount) post(s) belong to \(campaign.name); move them to another campaign (or none) first.")
            }
            try await db.raw("DELETE FROM campaigns WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "campaign.delete", entityType: "campaign", entityID: String(id), summary: "Deleted campaign \"\(campaign.name)\"", before: ["name": campaign.name]),
                by: actor, on: db)
        }
    }

    static func checkName(_ name: String, except id: Campaign.ID?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT id FROM campaigns WHERE name_key = \(bind: key(name))").first(), try row.decode(column: "id", as: Int64.self) != id {
            throw AppError.conflict("A campaign named \"\(name)\" already exists.", field: "name")
        }
    }

    static func key(_ name: String) -> String { name.trimmed.lowercased() }
    static func teams(_ teams: [CampaignTeam]) -> String { teams.map(\.rawValue).joined(separator: ",") }

    static func fields(_ d: CampaignDraft) -> [String: String] {
        ["name": d.name, "owner_teams": teams(d.ownerTeams), "dates": "\(d.startsOn)..\(d.endsOn)", "external": d.externalName ?? "", "outcome_metric": d.outcomeMetric]
    }

    static func campaign(_ row: any SQLRow) throws -> Campaign {
        Campaign(
            id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self), goal: try row.decode(column: "goal", as: String.self),
            ownerTeams: try row.decode(column: "owner_teams", as: String.self).split(separator: ",").compactMap { CampaignTeam(rawValue: String($0)) },
            startsOn: try row.decode(column: "starts_on", as: String.self), endsOn: try row.decode(column: "ends_on", as: String.self),
            externalName: try row.decode(column: "external_name", as: String?.self), externalURL: try row.decode(column: "external_url", as: String?.self),
            outcomeMetric: try row.decode(column: "outcome_metric", as: String.self), postCount: Int(try row.decode(column: "post_count", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}
