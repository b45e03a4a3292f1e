public import Foundation
public import SQLKit
public import TandemStore
import TandemCore

/// The people directory's part of a personal-data export or erasure.
public struct EmployeePersonalData: PersonalDataHolder {
    let store: EmployeeStore
    public var section: String { "people" }

    public init(store: EmployeeStore) {
        self.store = store
    }

    struct Record: Encodable, Sendable {
        let employee: Employee
        let status: EmployeeStatus
        let directReports: [String]
    }

    public func personalData(employeeID: String) async throws -> (any Encodable & Sendable)? {
        guard let employee = try await store.find(employeeID: employeeID, includeSensitive: true) else { return nil }
        let reports = try await store.database.reader.raw("SELECT employee_id FROM employees WHERE manager_id = \(bind: employeeID) ORDER BY employee_id").all()
            .map { try $0.decode(column: "employee_id", as: String.self) }
        return Record(employee: employee, status: employee.status(on: EmployeeRules.today()), directReports: reports)
    }

    /// Keeps what aggregate history needs (country, region, site, department, worker and
    /// employment type, dates) and removes everything that names or reaches the person: names,
    /// contact details, job title, team, pay, HCE, benefits, custom attributes (whatever an
    /// organisation keeps there may identify someone) and manager links either way.
    public func erase(employeeID: String, replacement: String, on db: any SQLDatabase) async throws -> Int {
        guard try await db.raw("SELECT id FROM employees WHERE employee_id = \(bind: employeeID)").first() != nil else { return 0 }
        try await db.raw("""
            DELETE FROM employee_benefits WHERE employee_id IN (SELECT id FROM employees WHERE employee_id = \(bind: employeeID))
            """).run()
        try await db.raw("""
            DELETE FROM employee_attributes WHERE employee_id IN (SELECT id FROM employees WHERE employee_id = \(bind: employeeID))
            """).run()
        try await db.raw("UPDATE employees SET manager_id = NULL WHERE manager_id = \(bind: employeeID)").run()
        try await db.raw("""
            UPDATE employees SET employee_id = \(bind: replacement), given_name = \(bind: "Erased"), family_name = \(bind: "person"),
                preferred_name = NULL, work_email = NULL, mobile_phone = NULL, job_title = NULL, job_level = NULL, team = NULL,
                manager_id = NULL, pay_band = NULL, annual_pay = NULL, pay_currency = NULL, hce = \(bind: false),
                search_text = \(bind: replacement.lowercased()), updated_at = \(bind: Millis.from(Date()))
            WHERE employee_id = \(bind: employeeID)
            """).run()
        try await db.raw("""
            INSERT INTO erased_employees (id_hash, replacement, erased_at) VALUES (\(bind: Self.hash(employeeID)), \(bind: replacement), \(bind: Millis.from(Date())))
            """).run()
        return 1
    }

    /// Erased ids are remembered only as a hash, so an HRIS file that still lists the person
    /// does not bring them back (see `wasErased`).
    static func hash(_ employeeID: String) -> String { Secrets.sha256Hex("erased-employee:" + employeeID) }

    public func wasErased(_ employeeIDs: [String]) async throws -> Set<String> {
        try await Self.erased(employeeIDs, on: store.database.reader)
    }

    static func erased(_ employeeIDs: [String], on db: any SQLDatabase) async throws -> Set<String> {
        var erased = Set<String>()
        let byHash = Dictionary(employeeIDs.map { (Self.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
        let hashes = Array(byHash.keys)
        for start in stride(from: 0, to: hashes.count, by: 500) {
            let batch = Array(hashes[start..<min(start + 500, hashes.count)])
            for row in try await db.raw("SELECT id_hash FROM erased_employees WHERE id_hash IN (\(binds: batch))").all() {
                if let id = byHash[try row.decode(column: "id_hash", as: String.self)] { erased.insert(id) }
            }
        }
        return erased
    }
}
