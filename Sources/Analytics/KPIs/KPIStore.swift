public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// KPI definitions, and their values per period read from the rollups.
public struct KPIStore: Sendable {
    let database: Database
    let source: KPIMetrics
    /// Metrics other features add to the vocabulary; pass them to `KPIDraft` as well.
    public var sources: [any KPIMetricSource] { source.sources }

    public init(database: Database, metrics: PostMetricsStore, sources: [any KPIMetricSource] = []) {
        self.database = database
        source = KPIMetrics(database: database, metrics: metrics, sources: sources)
    }

    public func all() async throws -> [KPI] {
        try await database.reader.raw("SELECT * FROM kpis ORDER BY owner_team, name_key").all().map(Self.kpi)
    }

    public func find(id: KPI.ID) async throws -> KPI? {
        try await database.reader.raw("SELECT * FROM kpis WHERE id = \(bind: id)").first().map(Self.kpi)
    }

    public func create(_ draft: KPIDraft, by actor: AuditActor) async throws -> KPI {
        try await database.transaction { db in
            try await Self.checkName(draft.name, except: nil, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO kpis (name, name_key, description, formula, owner_team, target, direction, period, unit, version, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: Self.key(draft.name)), \(bind: draft.description), \(bind: draft.formula.canonical), \(bind: draft.ownerTeam.rawValue),
                        \(bind: draft.target), \(bind: draft.direction.rawValue), \(bind: draft.period.rawValue), \(bind: draft.unit.rawValue), 1, \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The KPI could not be saved.") }
            try await AuditStore.append(AuditEntry(action: "kpi.create", entityType: "kpi", entityID: String(id), summary: "Created KPI \"\(draft.name)\"", after: Self.fields(draft)),
                                        by: actor, on: db)
            return try Self.kpi(try await db.raw("SELECT * FROM kpis WHERE id = \(bind: id)").first()!)
        }
    }

    /// `version` must be the one the editor read, so two people editing do not overwrite each other.
    public func update(_ id: KPI.ID, _ draft: KPIDraft, version: Int, by actor: AuditActor) async throws -> KPI {
        try await database.transaction { db in
            guard let before = try await db.raw("SELECT * FROM kpis WHERE id = \(bind: id)").first().map(Self.kpi) else { throw AppError.notFound("KPI") }
            guard before.version == version else {
                throw AppError(.conflict, code: "version_conflict", message: "\(before.updatedBy) changed this KPI since you opened it (version \(before.version), yours \(version)). Reload it and make your change again.")
            }
            try await Self.checkName(draft.name, except: id, on: db)
            try await db.raw("""
                UPDATE kpis SET name = \(bind: draft.name), name_key = \(bind: Self.key(draft.name)), description = \(bind: draft.description), formula = \(bind: draft.formula.canonical),
                    owner_team = \(bind: draft.ownerTeam.rawValue), target = \(bind: draft.target), direction = \(bind: draft.direction.rawValue), period = \(bind: draft.period.rawValue),
                    unit = \(bind: draft.unit.rawValue), version = version + 1, updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(AuditEntry(action: "kpi.update", entityType: "kpi", entityID: String(id), summary: "Updated KPI \"\(draft.name)\"",
                                                   before: ["formula": before.formula, "target": String(before.target), "owner_team": before.ownerTeam.rawValue], after: Self.fields(draft)),
                                        by: actor, on: db)
            return try Self.kpi(try await db.raw("SELECT * FROM kpis WHERE id = \(bind: id)").first()!)
        }
    }

    public func delete(_ id: KPI.ID, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let kpi = try await db.raw("SELECT * FROM kpis WHERE id = \(bind: id)").first().map(Self.kpi) else { throw AppError.notFound("KPI") }
            try await db.raw("DELETE FROM kpis WHERE id = \(bind: id)").run()
            try await AuditStore.append(AuditEntry(action: "kpi.delete", entityType: "kpi", entityID: String(id), summary: "Deleted KPI \"\(kpi.name)\"", before: ["formula": kpi.formula]),
                                        by: actor, on: db)
        }
    }

    /// The KPI's value for the `count` periods up to the one holding `now`, oldest first.
    public func progress(_ kpi: KPI, periods count: Int = 12, now: Date = Date(), suppression: Suppression) async throws -> [KPIValue] {
        let formula = try KPIFormula(parsing: kpi.formula, vocabulary: KPIMetrics.vocabulary(source.sources))
        var out: [KPIValue] = []
        for window in KPIPeriods.recent(kpi.period, count: count, now: now) {
            out.append(try await value(kpi, formula: formula, start: window.start, end: window.end, suppression: suppression))
        }
        return out
    }

    func value(_ kpi: KPI, formula: KPIFormula, start: Date, end: Date, suppression: Suppression) async throws -> KPIValue {
        let label = KPIPeriods.label(kpi.period, start)
        let reading = try await source.read(formula, start: start, end: end, suppression: suppression)
        if let hidden = reading.suppressed ?? reading.missing { return KPIValue(start: start, label: label, value: nil, note: hidden) }
        do {
            let raw = try formula.evaluate(reading.values)
            return KPIValue(start: start, label: label, value: kpi.unit == .percent ? raw * 100 : raw, note: nil)
        } catch {
            return KPIValue(start: start, label: label, value: nil, note: error.message)
        }
    }

    static func checkName(_ name: String, except id: KPI.ID?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT id FROM kpis WHERE name_key = \(bind: key(name))").first(), try row.decode(column: "id", as: Int64.self) != id {
            throw AppError.conflict("A KPI named \"\(name)\" already exists.", field: "name")
        }
    }

    static func key(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }

    static func fields(_ d: KPIDraft) -> [String: String] {
        ["name": d.name, "formula": d.formula.canonical, "owner_team": d.ownerTeam.rawValue, "target": String(d.target), "direction": d.direction.rawValue,
         "period": d.period.rawValue, "unit": d.unit.rawValue]
    }

    static func kpi(_ row: any SQLRow) throws -> KPI {
        KPI(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self), formula: try row.decode(column: "formula", as: String.self),
            ownerTeam: KPITeam(rawValue: try row.decode(column: "owner_team", as: String.self)) ?? .shared, target: try row.decode(column: "target", as: Double.self),
            direction: KPIDirection(rawValue: try row.decode(column: "direction", as: String.self)) ?? .higher,
            period: KPIPeriodKind(rawValue: try row.decode(column: "period", as: String.self)) ?? .month,
            unit: KPIUnit(rawValue: try row.decode(column: "unit", as: String.self)) ?? .number, version: Int(try row.decode(column: "version", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}
