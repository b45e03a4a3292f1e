import Foundation
public import SQLKit
public import TandemStore

/// SCIM's part of a personal-data export or erasure: the identity provider's link (user name,
/// external id, SCIM-only attributes) and group memberships.
public struct SCIMPersonalData: PersonalDataHolder {
    let database: Database
    public var section: String { "scim" }

    public init(database: Database) {
        self.database = database
    }

    struct Link: Encodable, Sendable {
        let scimId: String
        let userName: String
        let externalId: String?
        let displayName: String
        let userType: String?
        let division: String?
        let organization: String?
        let costCenter: String?
        let groups: [String]
    }

    public func personalData(employeeID: String) async throws -> (any Encodable & Sendable)? {
        guard let row = try await database.reader.raw("""
            SELECT s.* FROM scim_users s JOIN employees e ON e.id = s.employee_pk WHERE e.employee_id = \(bind: employeeID)
            """).first() else { return nil }
        let pk = try row.decode(column: "employee_pk", as: Int64.self)
        let groups = try await database.reader.raw("""
            SELECT g.display_name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_pk WHERE m.employee_pk = \(bind: pk) ORDER BY g.display_name_key
            """).all().map { try $0.decode(column: "display_name", as: String.self) }
        return Link(
            scimId: try row.decode(column: "scim_id", as: String.self), userName: try row.decode(column: "user_name", as: String.self),
            externalId: try row.decode(column: "external_id", as: String?.self), displayName: try row.decode(column: "scim_display_name", as: String.self),
            userType: try row.decode(column: "user_type", as: String?.self), division: try row.decode(column: "division", as: String?.self),
            organization: try row.decode(column: "organization", as: String?.self), costCenter: try row.decode(column: "cost_center", as: String?.self),
            groups: groups)
    }

    /// Removes the link and memberships; the identity provider then sees the user as gone (404).
    public func erase(employeeID: String, replacement: String, on db: any SQLDatabase) async throws -> Int {
        guard let row = try await db.raw("""
            SELECT s.employee_pk FROM scim_users s JOIN employees e ON e.id = s.employee_pk WHERE e.employee_id = \(bind: employeeID)
            """).first() else { return 0 }
        let pk = try row.decode(column: "employee_pk", as: Int64.self)
        try await db.raw("DELETE FROM scim_group_members WHERE employee_pk = \(bind: pk)").run()
        try await db.raw("DELETE FROM scim_users WHERE employee_pk = \(bind: pk)").run()
        return 1
    }
}
