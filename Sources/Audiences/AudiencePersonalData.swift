import Foundation
public import SQLKit
public import TandemStore

/// Audiences' part of a personal-data export or erasure: the static lists a person is on.
/// Rule audiences hold no personal data; they select people at the time they are used.
public struct AudiencePersonalData: PersonalDataHolder {
    let database: Database
    public var section: String { "audiences" }

    public init(database: Database) {
        self.database = database
    }

    struct Membership: Encodable, Sendable {
        let audience: String
        let version: Int
        let current: Bool
    }

    public func personalData(employeeID: String) async throws -> (any Encodable & Sendable)? {
        let rows = try await database.reader.raw("""
            SELECT a.name, m.version, a.version AS current_version FROM audience_members m JOIN audiences a ON a.id = m.audience_id
            WHERE m.employee_id = \(bind: employeeID) ORDER BY a.name_key, m.version
            """).all()
        let lists = try rows.map { row in
            let version = Int(try row.decode(column: "version", as: Int64.self))
            return Membership(audience: try row.decode(column: "name", as: String.self), version: version,
                              current: version == Int(try row.decode(column: "current_version", as: Int64.self)))
        }
        return lists.isEmpty ? nil : ["static_lists": lists]
    }

    /// Keeps list sizes (and so what was targeted) while the person is no longer named.
    public func erase(employeeID: String, replacement: String, on db: any SQLDatabase) async throws -> Int {
        let count = Int(try await db.raw("SELECT COUNT(*) AS n FROM audience_members WHERE employee_id = \(bind: employeeID)").first()?
            .decode(column: "n", as: Int64.self) ?? 0)
        try await db.raw("UPDATE audience_members SET employee_id = \(bind: replacement) WHERE employee_id = \(bind: employeeID)").run()
        return count
    }
}
