public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Groups and their members (`scim_groups`, `scim_group_members`, migration 51). Members are
/// SCIM users; de-provisioning a user removes their memberships (ON DELETE CASCADE).
public struct SCIMGroupStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func find(id: String) async throws -> SCIMGroup? {
        try await Self.groups(where: "g.scim_id = \(bind: id)", on: database.reader).first
    }

    /// Every group, for listing (groups are few; filters on them run in memory).
    public func all() async throws -> [SCIMGroup] {
        try await Self.groups(where: "TRUE", on: database.reader)
    }

    static func groups(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> [SCIMGroup] {
        let rows = try await db.raw("SELECT g.* FROM scim_groups g WHERE " + condition + " ORDER BY g.id").all()
        guard !rows.isEmpty else { return [] }
        var groups: [Int64: SCIMGroup] = [:]
        var order: [Int64] = []
        for row in rows {
            let pk = try row.decode(column: "id", as: Int64.self)
            order.append(pk)
            groups[pk] = SCIMGroup(
                id: try row.decode(column: "scim_id", as: String.self), externalId: try row.decode(column: "external_id", as: String?.self),
                displayName: try row.decode(column: "display_name", as: String.self), members: [],
                version: try row.decode(column: "version", as: Int64.self), created: try row.decode(column: "created_at", as: Int64.self),
                lastModified: try row.decode(column: "updated_at", as: Int64.self))
        }
        let members = try await db.raw("""
            SELECT m.group_pk, s.scim_id, s.scim_display_name FROM scim_group_members m JOIN scim_users s ON s.employee_pk = m.employee_pk
            WHERE m.group_pk IN (\(binds: order)) ORDER BY m.group_pk, s.scim_id
            """).all()
        for row in members {
            let pk = try row.decode(column: "group_pk", as: Int64.self)
            groups[pk]?.members.append(.init(id: try row.decode(column: "scim_id", as: String.self), display: try row.decode(column: "scim_display_name", as: String.self)))
        }
        return order.compactMap { groups[$0] }
    }

    public func create(_ input: SCIMGroupInput, by actor: AuditActor) async throws -> SCIMGroup {
        try await database.transaction { db in
            try await Self.checkName(input.displayName, except: nil, on: db)
            let members = try await Self.memberKeys(input.memberIDs, on: db)
            let id = UUID().uuidString.lowercased()
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO scim_groups (scim_id, external_id, display_name, display_name_key, version, created_at, updated_at)
                VALUES (\(bind: id), \(bind: input.externalId), \(bind: input.displayName), \(bind: input.displayName.lowercased()), \(bind: Int64(1)), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            let pk = try row!.decode(column: "id", as: Int64.self)
            try await Self.setMembers(pk, members, on: db)
            try await AuditStore.append(
                AuditEntry(action: "scim.group.create", entityType: "scim_group", entityID: id,
                           summary: "Created group '\(input.displayName)' with \(members.count) members over SCIM"),
                by: actor, on: db)
            return try await Self.groups(where: "g.id = \(bind: pk)", on: db)[0]
        }
    }

    public func update(
        id: String, ifMatch: String?, action: String, by actor: AuditActor, _ change: @escaping @Sendable (SCIMGroup) throws -> SCIMGroupInput
    ) async throws -> SCIMGroup {
        try await database.transaction { db in
            guard let current = try await Self.groups(where: "g.scim_id = \(bind: id)", on: db).first else { throw SCIMError.notFound("Group", id) }
            try SCIMStore.check(ifMatch: ifMatch, current.etag)
            let input = try change(current)
            guard let name = try SCIMUserMapping.text(input.displayName, "displayName", max: 200) else {
                throw SCIMError.invalidValue("'displayName' is required.", field: "displayName")
            }
            guard input.memberIDs.count <= SCIMGroupMapping.maxMembers else {
                throw SCIMError.invalidValue("A group may have at most \(SCIMGroupMapping.maxMembers) members.", field: "members")
            }
            let pk = try await db.raw("SELECT id FROM scim_groups WHERE scim_id = \(bind: id)").first()!.decode(column: "id", as: Int64.self)
            try await Self.checkName(name, except: pk, on: db)
            let members = try await Self.memberKeys(input.memberIDs, on: db)
            try await db.raw("""
                UPDATE scim_groups SET display_name = \(bind: name), display_name_key = \(bind: name.lowercased()),
                    external_id = \(bind: try SCIMUserMapping.text(input.externalId, "externalId", max: 255)),
                    version = version + 1, updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: pk)
                """).run()
            try await Self.setMembers(pk, members, on: db)
            let before = Set(current.members.map(\.id)), after = Set(input.memberIDs)
            try await AuditStore.append(
                AuditEntry(action: action, entityType: "scim_group", entityID: id,
                           summary: "Updated group '\(name)' over SCIM: \(after.subtracting(before).count) members added, \(before.subtracting(after).count) removed",
                           before: ["display_name": current.displayName], after: ["display_name": name]),
                by: actor, on: db)
            return try await Self.groups(where: "g.id = \(bind: pk)", on: db)[0]
        }
    }

    public func delete(id: String, ifMatch: String?, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let current = try await Self.groups(where: "g.scim_id = \(bind: id)", on: db).first else { throw SCIMError.notFound("Group", id) }
            try SCIMStore.check(ifMatch: ifMatch, current.etag)
            try await db.raw("DELETE FROM scim_groups WHERE scim_id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "scim.group.delete", entityType: "scim_group", entityID: id, summary: "Deleted group '\(current.displayName)' over SCIM"),
                by: actor, on: db)
        }
    }

    static func checkName(_ name: String, except pk: Int64?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT id FROM scim_groups WHERE display_name_key = \(bind: name.lowercased())").first(),
            try row.decode(column: "id", as: Int64.self) != pk {
            throw SCIMError.uniqueness("A group named '\(name.prefix(100))' already exists.")
        }
    }

    /// The employee keys of SCIM user ids; an unknown id is `invalidValue`.
    static func memberKeys(_ ids: [String], on db: any SQLDatabase) async throws -> [Int64] {
        var keys: [String: Int64] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            for row in try await db.raw("SELECT scim_id, employee_pk FROM scim_users WHERE scim_id IN (\(binds: batch))").all() {
                keys[try row.decode(column: "scim_id", as: String.self)] = try row.decode(column: "employee_pk", as: Int64.self)
            }
        }
        if let missing = ids.first(where: { keys[$0] == nil }) {
            throw SCIMError.invalidValue("Member '\(missing.prefix(80))' is not a SCIM user.", field: "members")
        }
        return ids.map { keys[$0]! }
    }

    static func setMembers(_ group: Int64, _ members: [Int64], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM scim_group_members WHERE group_pk = \(bind: group)").run()
        for start in stride(from: 0, to: members.count, by: 500) {
            let values = members[start..<min(start + 500, members.count)].map { "(\(bind: group), \(bind: $0))" as SQLQueryString }
            try await db.raw("INSERT INTO scim_group_members (group_pk, employee_pk) VALUES " + values.joined(separator: ", ")).run()
        }
    }
}
