public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Custom attribute definitions and their values per employee.
public struct AttributeStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: definitions

    public func all() async throws -> [AttributeDefinition] {
        try await Self.all(on: database.reader)
    }

    /// The definitions a caller may see: HR-only ones only for roles that see pay.
    public func visible(includeSensitive: Bool) async throws -> [AttributeDefinition] {
        try await all().filter { includeSensitive || !$0.sensitive }
    }

    public func find(name: String) async throws -> AttributeDefinition? {
        try await database.reader.raw("SELECT * FROM custom_attributes WHERE name = \(bind: name)").first().map(Self.definition)
    }

    public static func all(on db: any SQLDatabase) async throws -> [AttributeDefinition] {
        try await db.raw("SELECT * FROM custom_attributes ORDER BY name").all().map(Self.definition)
    }

    public func create(_ draft: AttributeDraft, by actor: AuditActor) async throws -> AttributeDefinition {
        try await database.transaction { db in
            let count = try await db.raw("SELECT COUNT(*) AS n FROM custom_attributes").first()?.decode(column: "n", as: Int64.self) ?? 0
            guard count < AttributeRules.maximumAttributes else {
                throw AppError(.conflict, code: "too_many_attributes", message: "There are already \(AttributeRules.maximumAttributes) custom attributes. Delete one you no longer use first.")
            }
            if try await db.raw("SELECT id FROM custom_attributes WHERE name = \(bind: draft.name)").first() != nil {
                throw AppError(.conflict, code: "name_taken", message: "An attribute named \(draft.name) already exists. Choose another name, or edit that one.", field: "name")
            }
            let now = Millis.from(Date())
            try await db.raw("""
                INSERT INTO custom_attributes (name, label, kind, options, sensitive, description, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: draft.label), \(bind: draft.kind.rawValue), \(bind: Self.encode(draft.options)),
                        \(bind: draft.sensitive), \(bind: draft.description), \(bind: actor.label), \(bind: now), \(bind: now))
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "attribute.create", entityType: "custom_attribute", entityID: draft.name,
                           summary: "Defined the custom attribute \(draft.name) (\(draft.kind.rawValue)\(draft.sensitive ? ", HR-only" : ""))",
                           after: Self.fields(draft)), by: actor, on: db)
            return try await Self.definition(named: draft.name, on: db)!
        }
    }

    /// Changes the label, description, options and HR-only flag. The name and kind are fixed:
    /// saved rules and import files use them. An option still held by someone stays.
    /// While saved audiences (`usedBy`) read it, its options may not shrink and its HR-only flag
    /// may not change: their rules and privacy flags were checked against the definition.
    public func update(_ name: String, _ draft: AttributeDraft, usedBy: [String], by actor: AuditActor) async throws -> AttributeDefinition {
        try await database.transaction { db in
            guard let before = try await Self.definition(named: name, on: db) else { throw AppError.notFound("Attribute") }
            guard draft.name == before.name else {
                throw AppError.invalid("name", "An attribute's name cannot change (rules and import files use it). Define a new attribute instead.")
            }
            guard draft.kind == before.kind else {
                throw AppError.invalid("kind", "An attribute's type cannot change once defined; it is \(before.kind.rawValue). Define a new attribute instead.")
            }
            let removed = before.options.filter { old in !draft.options.contains(old) }
            if !usedBy.isEmpty && (!removed.isEmpty || draft.sensitive != before.sensitive) {
                throw AppError(.conflict, code: "attribute_in_use", message: "attr.\(name) is used by \(usedBy.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")); while it is, options cannot be removed and the HR-only setting cannot change. Change those audiences first.", field: removed.isEmpty ? "sensitive" : "options")
            }
            if !removed.isEmpty {
                let held = try await db.raw("""
                    SELECT value, COUNT(*) AS n FROM employee_attributes WHERE attribute_id = \(bind: before.id) AND value IN (\(binds: removed)) GROUP BY value
                    """).all()
                if let row = held.first {
                    let value = try row.decode(column: "value", as: String.self), n = try row.decode(column: "n", as: Int64.self)
                    throw AppError.invalid("options", "\(n) employee(s) have the option \"\(value)\". Import their new value first, then remove the option.")
                }
            }
            try await db.raw("""
                UPDATE custom_attributes SET label = \(bind: draft.label), options = \(bind: Self.encode(draft.options)), sensitive = \(bind: draft.sensitive),
                    description = \(bind: draft.description), updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: before.id)
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "attribute.update", entityType: "custom_attribute", entityID: name, summary: "Changed the custom attribute \(name)",
                           before: ["label": before.label, "options": before.options.joined(separator: "|"), "hr_only": String(before.sensitive)],
                           after: Self.fields(draft)), by: actor, on: db)
            return try await Self.definition(named: name, on: db)!
        }
    }

    /// Deletes the definition and every value. `usedBy` names what still refers to it (saved
    /// audiences); while anything does, the delete is refused.
    public func delete(_ name: String, usedBy: [String], by actor: AuditActor) async throws {
        guard usedBy.isEmpty else {
            throw AppError(.conflict, code: "attribute_in_use", message: "attr.\(name) is used by \(usedBy.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")). Change those rules first.")
        }
        try await database.transaction { db in
            guard let before = try await Self.definition(named: name, on: db) else { throw AppError.notFound("Attribute") }
            let held = try await db.raw("SELECT COUNT(*) AS n FROM employee_attributes WHERE attribute_id = \(bind: before.id)").first()?.decode(column: "n", as: Int64.self) ?? 0
            try await db.raw("DELETE FROM employee_attributes WHERE attribute_id = \(bind: before.id)").run()
            try await db.raw("DELETE FROM custom_attributes WHERE id = \(bind: before.id)").run()
            try await AuditStore.append(
                AuditEntry(action: "attribute.delete", entityType: "custom_attribute", entityID: name,
                           summary: "Deleted the custom attribute \(name) and its \(held) value(s)", before: ["label": before.label, "kind": before.kind.rawValue]),
                by: actor, on: db)
        }
    }

    /// How many employees hold a value of each attribute.
    public func usage() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await database.reader.raw("""
            SELECT d.name, COUNT(v.employee_id) AS n FROM custom_attributes d LEFT JOIN employee_attributes v ON v.attribute_id = d.id GROUP BY d.name
            """).all() {
            counts[try row.decode(column: "name", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }

    // MARK: values

    /// Values of the given employees (by Tandem id), attribute name → stored value.
    public func values(for ids: [Employee.ID], includeSensitive: Bool) async throws -> [Employee.ID: [String: String]] {
        try await Self.values(for: ids, includeSensitive: includeSensitive, on: database.reader)
    }

    static func values(for ids: [Employee.ID], includeSensitive: Bool, on db: any SQLDatabase) async throws -> [Employee.ID: [String: String]] {
        guard !ids.isEmpty else { return [:] }
        var result: [Employee.ID: [String: String]] = [:]
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let chunk = Array(ids[start..<min(start + 1_000, ids.count)])
            let rows = try await db.raw("""
                SELECT v.employee_id, d.name, v.value FROM employee_attributes v JOIN custom_attributes d ON d.id = v.attribute_id
                WHERE v.employee_id IN (\(binds: chunk))
                """ + (includeSensitive ? "" : " AND d.sensitive = \(bind: false)")).all()
            for row in rows {
                result[try row.decode(column: "employee_id", as: Int64.self), default: [:]][try row.decode(column: "name", as: String.self)] =
                    try row.decode(column: "value", as: String.self)
            }
        }
        return result
    }

    /// Every value, for the import's baseline (read by position, like the employees).
    static func allValues(on db: any SQLDatabase) async throws -> [Employee.ID: [String: String]] {
        let rows = try await BulkReader.rows(
            "SELECT v.employee_id, d.name, v.value FROM employee_attributes v JOIN custom_attributes d ON d.id = v.attribute_id ORDER BY v.employee_id",
            kinds: [.integer, .text, .text], on: db)
        var result: [Employee.ID: [String: String]] = [:]
        for row in rows {
            guard let id = row[0].int64, let name = row[1].string, let value = row[2].string else { continue }
            result[id, default: [:]][name] = value
        }
        return result
    }

    static let valueInsert = BulkInsert(into: "employee_attributes", columns: ["employee_id", "attribute_id", "value", "number_value"])

    /// Replaces the values of `attributes` for these employees (Tandem id → their values):
    /// attributes not in the list are left as they are. `new` are ids just created, which have
    /// no values to delete.
    static func replace(_ employees: [(Employee.ID, [String: String])], attributes: [AttributeDefinition], new: Set<Employee.ID> = [], on db: any SQLDatabase) async throws {
        guard !attributes.isEmpty, !employees.isEmpty else { return }
        let attributeIDs = attributes.map(\.id)
        let existing = employees.map(\.0).filter { !new.contains($0) }
        for start in stride(from: 0, to: existing.count, by: 1_000) {
            let chunk = Array(existing[start..<min(start + 1_000, existing.count)])
            try await db.raw("DELETE FROM employee_attributes WHERE attribute_id IN (\(binds: attributeIDs)) AND employee_id IN (\(binds: chunk))").run()
        }
        var rows: [[SQLValue]] = []
        for (id, values) in employees {
            for attribute in attributes {
                guard let value = values[attribute.name] else { continue }
                rows.append([.integer(id), .integer(attribute.id), .text(value), .real(AttributeValue.number(value, kind: attribute.kind))])
            }
        }
        try await BulkWriter.write(valueInsert, rows: rows, on: db)
    }

    /// Sets the values of `attributes` for employees given by HRIS id (missing names clear the
    /// value), in one transaction with one audit entry: for the demo and for HR's edits.
    public func set(_ values: [String: [String: String]], attributes: [AttributeDefinition], summary: String, by actor: AuditActor) async throws {
        guard !values.isEmpty, !attributes.isEmpty else { return }
        try await database.transaction { db in
            var ids: [String: Int64] = [:]
            let keys = Array(values.keys)
            for start in stride(from: 0, to: keys.count, by: 1_000) {
                let chunk = Array(keys[start..<min(start + 1_000, keys.count)])
                for row in try await db.raw("SELECT id, employee_id FROM employees WHERE employee_id IN (\(binds: chunk))").all() {
                    ids[try row.decode(column: "employee_id", as: String.self)] = try row.decode(column: "id", as: Int64.self)
                }
            }
            let unknown = keys.filter { ids[$0] == nil }
            guard unknown.isEmpty else { throw AppError.invalid("employee_id", "Not in the people directory: \(unknown.prefix(5).joined(separator: ", ")).") }
            try await Self.replace(values.map { (ids[$0.key]!, $0.value) }, attributes: attributes, on: db)
            try await AuditStore.append(
                AuditEntry(action: "attribute.values", entityType: "custom_attribute", entityID: attributes.map(\.name).joined(separator: ","),
                           summary: summary, after: ["employees": String(values.count)]), by: actor, on: db)
        }
    }

    // MARK: rows

    static func definition(named name: String, on db: any SQLDatabase) async throws -> AttributeDefinition? {
        try await db.raw("SELECT * FROM custom_attributes WHERE name = \(bind: name)").first().map(Self.definition)
    }

    static func definition(_ row: any SQLRow) throws -> AttributeDefinition {
        AttributeDefinition(
            id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
            label: try row.decode(column: "label", as: String.self),
            kind: AttributeKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .text,
            options: decode(try row.decode(column: "options", as: String.self)), sensitive: try row.decode(column: "sensitive", as: Bool.self),
            description: try row.decode(column: "description", as: String.self), updatedBy: try row.decode(column: "updated_by", as: String.self),
            updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }

    static func encode(_ options: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(options)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func fields(_ draft: AttributeDraft) -> [String: String] {
        ["label": draft.label, "kind": draft.kind.rawValue, "options": draft.options.joined(separator: "|"), "hr_only": String(draft.sensitive)]
    }
}
