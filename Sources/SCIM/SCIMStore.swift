public import Audit
public import Foundation
public import People
public import SQLKit
public import TandemCore
public import TandemStore

/// Provisioned users: the `scim_users` row plus the employee it belongs to. Employee rows are
/// written through `EmployeeStore`'s single-record writes inside the same transaction, so a
/// failed write leaves neither half behind. Reads join `employees` because filters and sorting
/// must run in SQL over both.
public struct SCIMStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public var dialect: Dialect { database.dialect }

    static var select: SQLQueryString { """
        SELECT e.*, s.*, ms.scim_id AS manager_scim_id, ms.scim_display_name AS manager_display_name
        FROM scim_users s JOIN employees e ON e.id = s.employee_pk
        LEFT JOIN employees me ON me.employee_id = e.manager_id
        LEFT JOIN scim_users ms ON ms.employee_pk = me.id
        """
    }

    static func user(_ row: any SQLRow) throws -> SCIMUser {
        func text(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        return SCIMUser(
            id: try row.decode(column: "scim_id", as: String.self), externalId: try text("external_id"),
            userName: try row.decode(column: "user_name", as: String.self),
            formattedName: try row.decode(column: "formatted_name", as: String.self),
            displayName: try row.decode(column: "scim_display_name", as: String.self),
            locale: try text("locale"), userType: try text("user_type"), division: try text("division"),
            organization: try text("organization"), costCenter: try text("cost_center"),
            employee: try EmployeeStore.plainEmployee(row),
            managerID: try text("manager_scim_id"), managerDisplayName: try text("manager_display_name"),
            version: try row.decode(column: "version", as: Int64.self),
            created: try row.decode(column: "scim_created_at", as: Int64.self),
            lastModified: try row.decode(column: "scim_updated_at", as: Int64.self))
    }

    // MARK: reading

    public func find(id: String) async throws -> SCIMUser? {
        try await Self.find(id: id, on: database.reader)
    }

    static func find(id: String, on db: any SQLDatabase) async throws -> SCIMUser? {
        try await db.raw(select + " WHERE s.scim_id = \(bind: id)").first().map(user)
    }

    /// One page of users matching `condition` (nil: all), in `order` (nil: by row).
    public func page(where condition: SQLQueryString?, order: SQLQueryString?, offset: Int, limit: Int) async throws -> (total: Int, users: [SCIMUser]) {
        let whereClause: SQLQueryString = condition.map { " WHERE " + $0 } ?? ""
        let total = try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM scim_users s JOIN employees e ON e.id = s.employee_pk
            LEFT JOIN employees me ON me.employee_id = e.manager_id LEFT JOIN scim_users ms ON ms.employee_pk = me.id
            """ + whereClause).first()?.decode(column: "n", as: Int64.self) ?? 0
        guard limit > 0 else { return (Int(total), []) }
        let rows = try await database.reader.raw(
            Self.select + whereClause + " ORDER BY " + (order ?? "s.employee_pk ASC") + " LIMIT \(bind: limit) OFFSET \(bind: offset)").all()
        return (Int(total), try rows.map(Self.user))
    }

    /// Every provisioned user, for filters that have no SQL form (filtered in memory).
    public func all() async throws -> [SCIMUser] {
        try await database.reader.raw(Self.select + " ORDER BY s.employee_pk").all().map(Self.user)
    }

    // MARK: writing

    public func create(_ input: SCIMUserInput, by actor: AuditActor) async throws -> SCIMUser {
        try await database.transaction { db in
            let id = UUID().uuidString.lowercased()
            // An employee already in Tandem (imported, or de-provisioned earlier) with this HRIS
            // id and no SCIM link is adopted rather than duplicated.
            var adopted: Employee?
            if let number = input.employeeNumber {
                if let existing = try await EmployeeStore.find(employeeID: try EmployeeRules.employeeID(number), on: db) {
                    guard try await db.raw("SELECT scim_id FROM scim_users WHERE employee_pk = \(bind: existing.id)").first() == nil else {
                        throw SCIMError.uniqueness("Another SCIM user already has employeeNumber '\(number.prefix(64))'.")
                    }
                    adopted = existing
                }
            }
            let base = adopted.map { SCIMUser(id: id, userName: "", formattedName: "", displayName: "", employee: $0, version: 0) }
            var user = try SCIMUserMapping.apply(input, to: base, id: id, managerEmployeeID: try await Self.managerEmployeeID(input.managerID, excluding: id, on: db))
            try await Self.checkUserName(user.userName, except: nil, on: db)
            if adopted == nil {
                if try await EmployeeStore.find(employeeID: user.employee.employeeId, on: db) != nil {
                    throw SCIMError.uniqueness("An employee with employeeNumber '\(user.employee.employeeId)' already exists.")
                }
                user.employee.id = try await EmployeeStore.insert(user.employee, on: db)
            } else {
                try await EmployeeStore.update(user.employee, on: db)
            }
            let now = Millis.from(Date())
            try await db.raw("""
                INSERT INTO scim_users (employee_pk, scim_id, external_id, user_name, user_name_key, formatted_name, scim_display_name, locale,
                    user_type, division, organization, cost_center, version, scim_created_at, scim_updated_at)
                VALUES (\(bind: user.employee.id), \(bind: id), \(bind: user.externalId), \(bind: user.userName), \(bind: user.userName.lowercased()),
                    \(bind: user.formattedName), \(bind: user.displayName), \(bind: user.locale), \(bind: user.userType), \(bind: user.division),
                    \(bind: user.organization), \(bind: user.costCenter), \(bind: Int64(1)), \(bind: now), \(bind: now))
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "scim.user.create", entityType: "employee", entityID: String(user.employee.id),
                           summary: "\(adopted == nil ? "Provisioned" : "Linked") \(user.userName) (employee \(user.employee.employeeId)) over SCIM",
                           after: ["scim_id": id, "user_name": user.userName]),
                by: actor, on: db)
            return try await Self.find(id: id, on: db)!
        }
    }

    /// Replaces the user with what `change` makes of the stored one (PUT, and PATCH through
    /// the PATCH engine), after checking `If-Match`. One transaction: read, check, write, audit.
    public func update(
        id: String, ifMatch: String?, action: String, by actor: AuditActor,
        _ change: @escaping @Sendable (SCIMUser) throws -> SCIMUserInput
    ) async throws -> SCIMUser {
        try await database.transaction { db in
            guard let current = try await Self.find(id: id, on: db) else { throw SCIMError.notFound("User", id) }
            try Self.check(ifMatch: ifMatch, current.etag)
            let input = try change(current)
            if let number = input.employeeNumber, try EmployeeRules.employeeID(number) != current.employee.employeeId,
                try await EmployeeStore.find(employeeID: try EmployeeRules.employeeID(number), on: db) != nil {
                throw SCIMError.uniqueness("An employee with employeeNumber '\(number.prefix(64))' already exists.")
            }
            let user = try SCIMUserMapping.apply(input, to: current, id: id, managerEmployeeID: try await Self.managerEmployeeID(input.managerID, excluding: id, on: db))
            try await Self.checkUserName(user.userName, except: current.employee.id, on: db)
            try await EmployeeStore.update(user.employee, on: db)
            try await EmployeeStore.renameManagerReferences(from: current.employee.employeeId, to: user.employee.employeeId, on: db)
            try await db.raw("""
                UPDATE scim_users SET external_id = \(bind: user.externalId), user_name = \(bind: user.userName),
                    user_name_key = \(bind: user.userName.lowercased()), formatted_name = \(bind: user.formattedName),
                    scim_display_name = \(bind: user.displayName), locale = \(bind: user.locale), user_type = \(bind: user.userType),
                    division = \(bind: user.division), organization = \(bind: user.organization), cost_center = \(bind: user.costCenter),
                    version = version + 1, scim_updated_at = \(bind: Millis.from(Date()))
                WHERE scim_id = \(bind: id)
                """).run()
            try await AuditStore.append(
                AuditEntry(action: action, entityType: "employee", entityID: String(current.employee.id),
                           summary: "Updated \(user.userName) (employee \(user.employee.employeeId)) over SCIM",
                           before: Self.summary(current), after: Self.summary(user)),
                by: actor, on: db)
            return try await Self.find(id: id, on: db)!
        }
    }

    /// DELETE de-provisions: the employee becomes a leaver from today (kept for history and
    /// for everything that refers to them) and the SCIM link is removed, so the id answers 404
    /// and a later POST with the same employeeNumber links the record again.
    public func delete(id: String, ifMatch: String?, by actor: AuditActor, today: String = EmployeeRules.today()) async throws {
        try await database.transaction { db in
            guard let current = try await Self.find(id: id, on: db) else { throw SCIMError.notFound("User", id) }
            try Self.check(ifMatch: ifMatch, current.etag)
            var employee = current.employee
            if employee.terminationDate.map({ $0 > today }) ?? true { employee.terminationDate = today }
            try await EmployeeStore.update(employee, on: db)
            try await db.raw("DELETE FROM scim_users WHERE scim_id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "scim.user.delete", entityType: "employee", entityID: String(employee.id),
                           summary: "De-provisioned \(current.userName) (employee \(employee.employeeId)) over SCIM; leaver from \(employee.terminationDate ?? today)"),
                by: actor, on: db)
        }
    }

    // MARK: rules that need the database

    static func check(ifMatch: String?, _ etag: String) throws {
        guard let ifMatch, !SCIMETag.matches(ifMatch, etag) else { return }
        throw SCIMError.preconditionFailed
    }

    static func checkUserName(_ userName: String, except employee: Int64?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT employee_pk FROM scim_users WHERE user_name_key = \(bind: userName.lowercased())").first(),
            try row.decode(column: "employee_pk", as: Int64.self) != employee {
            throw SCIMError.uniqueness("userName '\(userName.prefix(100))' is already taken by another user.")
        }
    }

    static func managerEmployeeID(_ managerID: String?, excluding id: String, on db: any SQLDatabase) async throws -> String? {
        guard let managerID else { return nil }
        guard managerID != id else { throw SCIMError.invalidValue("A user cannot be their own manager.", field: "manager") }
        guard let row = try await db.raw("""
            SELECT e.employee_id FROM scim_users s JOIN employees e ON e.id = s.employee_pk WHERE s.scim_id = \(bind: managerID)
            """).first()
        else {
            throw SCIMError.invalidValue("The manager '\(managerID.prefix(80))' is not a SCIM user; provision the manager first.", field: "manager")
        }
        return try row.decode(column: "employee_id", as: String.self)
    }

    static func summary(_ user: SCIMUser) -> [String: String] {
        let e = user.employee
        var values = ["user_name": user.userName, "name": "\(e.givenName) \(e.familyName)", "employee_id": e.employeeId]
        values["email"] = e.workEmail
        values["department"] = e.department
        values["title"] = e.jobTitle
        values["termination_date"] = e.terminationDate
        return values
    }
}

/// Weak ETags: `If-Match`/`If-None-Match` may list several, quoted, weak or not, or `*`.
public enum SCIMETag {
    public static func matches(_ header: String, _ etag: String) -> Bool {
        let wanted = normalise(etag)
        return header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || normalise(trimmed) == wanted
        }
    }

    static func normalise(_ tag: String) -> String {
        var value = Substring(tag)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

extension SCIMStore {
    /// HRIS ids of the employees the identity provider keeps (a full CSV import leaves them alone).
    public func linkedEmployeeIDs() async throws -> Set<String> {
        Set(try await database.reader.raw("SELECT e.employee_id FROM scim_users s JOIN employees e ON e.id = s.employee_pk").all()
            .map { try $0.decode(column: "employee_id", as: String.self) })
    }
}
