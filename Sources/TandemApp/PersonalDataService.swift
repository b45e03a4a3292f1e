public import Audit
public import Foundation
public import People
import SQLKit
public import TandemCore
public import TandemStore

/// Export and erasure of one employee's personal data across every feature that holds some.
public struct PersonalDataService: Sendable {
    let database: Database
    let employees: EmployeeStore
    let holders: [any PersonalDataHolder]

    public init(database: Database, employees: EmployeeStore, holders: [any PersonalDataHolder]) {
        self.database = database
        self.employees = employees
        self.holders = holders
    }

    public struct Export: Encodable, Sendable {
        public let employeeId: String
        public let exportedAt: Date
        public let sections: [(String, any Encodable & Sendable)]

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(employeeId, forKey: Key("employee_id"))
            try container.encode(exportedAt, forKey: Key("exported_at"))
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: Key("sections"))
            for (name, value) in sections { try nested.encode(value, forKey: Key(name)) }
        }

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(_ value: String) { stringValue = value }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    public func export(employeeID: String) async throws -> Export {
        guard try await employees.find(employeeID: employeeID, includeSensitive: false) != nil else { throw AppError.notFound("Employee \(employeeID)") }
        var sections: [(String, any Encodable & Sendable)] = []
        for holder in holders {
            if let data = try await holder.personalData(employeeID: employeeID) { sections.append((holder.section, data)) }
        }
        return Export(employeeId: employeeID, exportedAt: Date(), sections: sections)
    }

    /// Erases a leaver's personal data in every feature at once. Active employees are refused:
    /// the HRIS still sends them, so they must leave there first.
    public func erase(employeeID: String, by actor: AuditActor, today: String = EmployeeRules.today()) async throws -> (replacement: String, records: Int) {
        guard let employee = try await employees.find(employeeID: employeeID, includeSensitive: false) else { throw AppError.notFound("Employee \(employeeID)") }
        guard employee.status(on: today) == .leaver else {
            throw AppError.conflict("\(employee.displayName) is still active. Erasure is for leavers: record their termination date in the HRIS (and import it) first.")
        }
        let replacement = "erased-" + Secrets.token(bytes: 6).lowercased()
        let holders = self.holders
        let records = try await database.transaction { db in
            var records = 0
            for holder in holders { records += try await holder.erase(employeeID: employeeID, replacement: replacement, on: db) }
            // The audit entry names the anonymous id only: the log must not keep what was erased.
            try await AuditStore.append(
                AuditEntry(action: "employee.erase", entityType: "employee", entityID: String(employee.id),
                           summary: "Erased the personal data of a leaver on request; now known as \(replacement)",
                           after: ["records": String(records), "replacement": replacement]),
                by: actor, on: db)
            return records
        }
        return (replacement, records)
    }
}
