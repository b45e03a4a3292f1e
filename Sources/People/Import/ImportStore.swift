public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// One applied import, for the history page.
public struct ImportRecord: Sendable, Codable, Equatable {
    public let id: Int64
    public let at: Date
    public let actor: String
    public let fileName: String
    public let mode: String
    public let totalRows: Int
    public let created: Int
    public let updated: Int
    public let unchanged: Int
    public let deactivated: Int
    public let rejected: Int
}

/// Reads what an import needs and writes its result, all or nothing.
public struct ImportStore: Sendable {
    let database: Database
    let employees: EmployeeStore

    public init(database: Database) {
        self.database = database
        self.employees = EmployeeStore(database: database)
    }

    /// Every employee with sensitive fields, keyed by HRIS id: the import's baseline.
    public func existing() async throws -> [String: Employee] {
        let all = try await employees.all()
        var byID: [String: Employee] = [:]
        byID.reserveCapacity(all.count)
        for employee in all { byID[employee.employeeId] = employee }
        return byID
    }

    /// Writes the plan in one transaction with its history row and audit entry.
    @discardableResult
    public func apply(_ plan: ImportPlan, fileName: String, today: String, by actor: AuditActor, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> ImportRecord {
        let writes = plan.creates + plan.updates
        let created = Set(plan.creates.map(\.employeeId))
        let total = writes.count + plan.deactivations.count
        let now = Date()
        return try await database.transaction { db in
            var done = 0
            for start in stride(from: 0, to: writes.count, by: EmployeeStore.batchSize) {
                let batch = Array(writes[start..<min(start + EmployeeStore.batchSize, writes.count)])
                let ids = try await EmployeeStore.upsertBatch(batch, replacingBenefits: false, on: db)
                try await AttributeStore.replace(batch.compactMap { e in ids[e.employeeId].map { ($0, e.attributes) } }, attributes: plan.attributes,
                                                 new: Set(batch.filter { created.contains($0.employeeId) }.compactMap { ids[$0.employeeId] }), on: db)
                done += batch.count
                progress(done, total)
            }
            for start in stride(from: 0, to: plan.deactivations.count, by: 500) {
                let ids = Array(plan.deactivations[start..<min(start + 500, plan.deactivations.count)])
                try await db.raw("""
                    UPDATE employees SET termination_date = \(bind: today), updated_at = \(bind: Millis.from(now))
                    WHERE employee_id IN (\(binds: ids)) AND (termination_date IS NULL OR termination_date > \(bind: today))
                    """).run()
                done += ids.count
                progress(done, total)
            }
            let row = try await db.raw("""
                INSERT INTO employee_imports (at, actor, file_name, mode, total_rows, created, updated, unchanged, deactivated, rejected)
                VALUES (\(bind: Millis.from(now)), \(bind: actor.label), \(bind: fileName), \(bind: plan.mode.rawValue), \(bind: plan.totalRows),
                        \(bind: plan.creates.count), \(bind: plan.updates.count), \(bind: plan.unchanged), \(bind: plan.deactivations.count),
                        \(bind: plan.rejected.count))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditStore.append(
                AuditEntry(action: "employees.import", entityType: "employee_import", entityID: String(id),
                           summary: "Imported \(fileName): \(plan.summary)",
                           after: ["created": String(plan.creates.count), "updated": String(plan.updates.count),
                                   "deactivated": String(plan.deactivations.count), "rejected": String(plan.rejected.count)]),
                by: actor, on: db)
            return ImportRecord(id: id, at: Millis.date(Millis.from(now)), actor: actor.label, fileName: fileName, mode: plan.mode.rawValue,
                                totalRows: plan.totalRows, created: plan.creates.count, updated: plan.updates.count, unchanged: plan.unchanged,
                                deactivated: plan.deactivations.count, rejected: plan.rejected.count)
        }
    }

    public func history(limit: Int = 50) async throws -> [ImportRecord] {
        try await database.reader.raw("SELECT * FROM employee_imports ORDER BY id DESC LIMIT \(bind: limit)").all().map { row in
            ImportRecord(
                id: try row.decode(column: "id", as: Int64.self), at: Millis.date(try row.decode(column: "at", as: Int64.self)),
                actor: try row.decode(column: "actor", as: String.self), fileName: try row.decode(column: "file_name", as: String.self),
                mode: try row.decode(column: "mode", as: String.self), totalRows: Int(try row.decode(column: "total_rows", as: Int64.self)),
                created: Int(try row.decode(column: "created", as: Int64.self)), updated: Int(try row.decode(column: "updated", as: Int64.self)),
                unchanged: Int(try row.decode(column: "unchanged", as: Int64.self)),
                deactivated: Int(try row.decode(column: "deactivated", as: Int64.self)), rejected: Int(try row.decode(column: "rejected", as: Int64.self)))
        }
    }

    // MARK: saved mapping

    public func savedMapping() async throws -> ImportMapping? {
        guard let json = try await database.reader.raw("SELECT mapping_json FROM import_mappings WHERE name = 'employees'").first()?
            .decode(column: "mapping_json", as: String.self) else { return nil }
        return try? ImportMapping.parse(json: Data(json.utf8))
    }

    public func saveMapping(_ mapping: ImportMapping) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM import_mappings WHERE name = 'employees'").run()
            try await db.raw("INSERT INTO import_mappings (name, mapping_json, updated_at) VALUES ('employees', \(bind: mapping.json), \(bind: Millis.from(Date())))").run()
        }
    }

    // MARK: staged uploads (the web flow checks a file, then applies it in a second request)

    public func stage(fileName: String, content: String, userID: Int64) async throws -> String {
        let id = Secrets.token(bytes: 18)
        let now = Date()
        try await database.transaction { db in
            try await db.raw("DELETE FROM import_uploads WHERE created_at < \(bind: Millis.from(now.addingTimeInterval(-86_400)))").run()
            try await db.raw("""
                INSERT INTO import_uploads (id, user_id, file_name, content, created_at)
                VALUES (\(bind: id), \(bind: userID), \(bind: fileName), \(bind: content), \(bind: Millis.from(now)))
                """).run()
        }
        return id
    }

    /// The staged file, only for the user who uploaded it.
    public func staged(_ id: String, userID: Int64) async throws -> (fileName: String, content: String)? {
        guard let row = try await database.reader.raw("SELECT file_name, content FROM import_uploads WHERE id = \(bind: id) AND user_id = \(bind: userID)").first()
        else { return nil }
        return (try row.decode(column: "file_name", as: String.self), try row.decode(column: "content", as: String.self))
    }

    public func discard(_ id: String) async throws {
        try await database.transaction { db in try await db.raw("DELETE FROM import_uploads WHERE id = \(bind: id)").run() }
    }
}
