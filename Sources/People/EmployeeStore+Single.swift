public import Foundation
public import SQLKit
public import TandemCore
import TandemStore

/// One-record writes for features that change an employee inside their own transaction
/// (SCIM provisioning), so the employee row and the feature's own rows commit together.
/// Pay, HCE and benefits are never written here: they stay as HR left them.
extension EmployeeStore {
    static var plainColumns: [String] { columns.filter { !sensitiveColumns.contains($0) } }

    /// Inserts a new employee; a taken employee id fails with a unique violation (no upsert).
    public static func insert(_ e: Employee, on db: any SQLDatabase) async throws -> Employee.ID {
        let now = Millis.from(Date())
        let row = try await db.raw("""
            INSERT INTO employees (\(unsafeRaw: plainColumns.joined(separator: ", "))) VALUES (\(bind: e.employeeId), \(bind: e.givenName), \
            \(bind: e.familyName), \(bind: e.preferredName), \(bind: e.workEmail), \(bind: e.mobilePhone), \(bind: e.language), \
            \(bind: e.timeZone), \(bind: e.country), \(bind: e.region), \(bind: e.site), \(bind: e.department), \(bind: e.team), \
            \(bind: e.jobTitle), \(bind: e.jobLevel), \(bind: e.managerId), \(bind: e.employmentType.rawValue), \
            \(bind: e.workerType.rawValue), \(bind: e.hireDate), \(bind: e.terminationDate), \(bind: searchText(e)), \(bind: now), \(bind: now))
            RETURNING id
            """).first()
        return try row!.decode(column: "id", as: Int64.self)
    }

    /// Rewrites every non-sensitive field of the employee with this `id` (the HRIS id may change).
    public static func update(_ e: Employee, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE employees SET employee_id = \(bind: e.employeeId), given_name = \(bind: e.givenName), family_name = \(bind: e.familyName), \
            preferred_name = \(bind: e.preferredName), work_email = \(bind: e.workEmail), mobile_phone = \(bind: e.mobilePhone), \
            language = \(bind: e.language), time_zone = \(bind: e.timeZone), country = \(bind: e.country), region = \(bind: e.region), \
            site = \(bind: e.site), department = \(bind: e.department), team = \(bind: e.team), job_title = \(bind: e.jobTitle), \
            job_level = \(bind: e.jobLevel), manager_id = \(bind: e.managerId), employment_type = \(bind: e.employmentType.rawValue), \
            worker_type = \(bind: e.workerType.rawValue), hire_date = \(bind: e.hireDate), termination_date = \(bind: e.terminationDate), \
            search_text = \(bind: searchText(e)), updated_at = \(bind: Millis.from(Date()))
            WHERE id = \(bind: e.id)
            """).run()
    }

    /// The employee with this HRIS id, read on `db` (inside the caller's transaction).
    public static func find(employeeID: String, on db: any SQLDatabase) async throws -> Employee? {
        try await db.raw("SELECT * FROM employees WHERE employee_id = \(bind: employeeID)").first().map { try employee($0, includeSensitive: false) }
    }

    /// Decodes the `employees` columns of a row (no pay or benefits).
    public static func plainEmployee(_ row: any SQLRow) throws -> Employee {
        try employee(row, includeSensitive: false)
    }
}

extension EmployeeStore {
    /// Keeps reporting lines when an employee's HRIS id changes: `manager_id` holds HRIS ids.
    public static func renameManagerReferences(from old: String, to new: String, on db: any SQLDatabase) async throws {
        guard old != new else { return }
        try await db.raw("UPDATE employees SET manager_id = \(bind: new) WHERE manager_id = \(bind: old)").run()
    }
}
