public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Employee records. Writes are batched (many rows per statement) because imports, SCIM sync
/// and the demo write thousands of rows; one statement per row costs a thread hop each.
public struct EmployeeStore: Sendable {
    static let batchSize = 200
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = [
        "employee_id", "given_name", "family_name", "preferred_name", "work_email", "mobile_phone", "language", "time_zone",
        "country", "region", "site", "department", "team", "job_title", "job_level", "manager_id", "employment_type",
        "worker_type", "hire_date", "termination_date", "pay_band", "annual_pay", "pay_currency", "hce", "search_text",
        "created_at", "updated_at",
    ]

    // MARK: writing

    /// Inserts or updates by HRIS employee id, all in one transaction, with one audit entry.
    @discardableResult
    public func upsert(_ employees: [Employee], summary: String, by actor: AuditActor, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        guard !employees.isEmpty else { return 0 }
        return try await database.transaction { db in
            var written = 0
            for start in stride(from: 0, to: employees.count, by: Self.batchSize) {
                let batch = Array(employees[start..<min(start + Self.batchSize, employees.count)])
                try await Self.upsertBatch(batch, on: db)
                written += batch.count
                progress(written)
            }
            try await AuditStore.append(
                AuditEntry(action: "employees.upsert", entityType: "employee", entityID: "*", summary: summary, after: ["count": String(written)]),
                by: actor, on: db)
            return written
        }
    }

    static let sensitiveColumns: Set<String> = ["pay_band", "annual_pay", "pay_currency", "hce"]

    /// Records without sensitive fields (written by callers who may not see them) leave the
    /// stored pay and benefits alone instead of clearing them.
    static func upsertBatch(_ batch: [Employee], on db: any SQLDatabase) async throws {
        let full = batch.filter { $0.sensitive != nil }
        let plain = batch.filter { $0.sensitive == nil }
        if !full.isEmpty { try await upsertBatch(full, withSensitive: true, on: db) }
        if !plain.isEmpty { try await upsertBatch(plain, withSensitive: false, on: db) }
    }

    static func upsertBatch(_ batch: [Employee], withSensitive: Bool, on db: any SQLDatabase) async throws {
        let now = Millis.from(Date())
        let columns = withSensitive ? Self.columns : Self.columns.filter { !sensitiveColumns.contains($0) }
        var sql: SQLQueryString = "INSERT INTO employees (\(unsafeRaw: columns.joined(separator: ", "))) VALUES "
        for (index, e) in batch.enumerated() {
            if index > 0 { sql = sql + ", " }
            let search = [e.givenName, e.familyName, e.preferredName ?? "", e.workEmail ?? "", e.employeeId, e.jobTitle ?? ""]
                .joined(separator: " ").lowercased()
            let s = e.sensitive
            let pay: SQLQueryString = withSensitive
                ? "\(bind: s?.payBand), \(bind: s?.annualPay), \(bind: s?.payCurrency), \(bind: s?.hce ?? false), " : ""
            let head: SQLQueryString = """
                (\(bind: e.employeeId), \(bind: e.givenName), \(bind: e.familyName), \(bind: e.preferredName), \(bind: e.workEmail), \
                \(bind: e.mobilePhone), \(bind: e.language), \(bind: e.timeZone), \(bind: e.country), \(bind: e.region), \(bind: e.site), \
                \(bind: e.department), \(bind: e.team), \(bind: e.jobTitle), \(bind: e.jobLevel), \(bind: e.managerId), \
                \(bind: e.employmentType.rawValue), \(bind: e.workerType.rawValue), \(bind: e.hireDate), \(bind: e.terminationDate),\u{20}
                """
            sql = sql + head + pay + "\(bind: search), \(bind: now), \(bind: now))"
        }
        let updates = columns.filter { $0 != "employee_id" && $0 != "created_at" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        sql = sql + " ON CONFLICT (employee_id) DO UPDATE SET \(unsafeRaw: updates) RETURNING id, employee_id"
        let rows = try await db.raw(sql).all()
        var ids: [String: Int64] = [:]
        for row in rows { ids[try row.decode(column: "employee_id", as: String.self)] = try row.decode(column: "id", as: Int64.self) }

        // Benefits are replaced as a whole for the employees whose sensitive data came with the batch.
        guard withSensitive else { return }
        let withBenefits = batch
        let internalIDs = withBenefits.compactMap { ids[$0.employeeId] }
        try await db.raw("DELETE FROM employee_benefits WHERE employee_id IN (\(binds: internalIDs))").run()
        var values: [SQLQueryString] = []
        for employee in withBenefits {
            guard let id = ids[employee.employeeId] else { continue }
            for benefit in employee.sensitive?.benefits ?? [] {
                values.append("(\(bind: id), \(bind: benefit.plan), \(bind: benefit.enrolled), \(bind: benefit.deferralPercent))")
            }
        }
        guard !values.isEmpty else { return }
        try await db.raw("INSERT INTO employee_benefits (employee_id, plan, enrolled, deferral_percent) VALUES " + values.joined(separator: ", ")).run()
    }

    // MARK: reading

    public func count() async throws -> Int {
        Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM employees").first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    public func find(id: Employee.ID, includeSensitive: Bool) async throws -> Employee? {
        try await employees("SELECT * FROM employees WHERE id = \(bind: id)", includeSensitive: includeSensitive).first
    }

    public func find(employeeID: String, includeSensitive: Bool) async throws -> Employee? {
        try await employees("SELECT * FROM employees WHERE employee_id = \(bind: employeeID)", includeSensitive: includeSensitive).first
    }

    public func list(_ filter: EmployeeFilter, cursor: Int64?, limit: Int, includeSensitive: Bool, today: String = EmployeeRules.today()) async throws -> Page<Employee> {
        var conditions: [SQLQueryString] = ["id > \(bind: cursor ?? 0)"]
        if let text = filter.text?.lowercased() {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            conditions.append("search_text LIKE \(bind: pattern)")
        }
        if let country = filter.country { conditions.append("country = \(bind: country)") }
        if let department = filter.department { conditions.append("department = \(bind: department)") }
        if let site = filter.site { conditions.append("site = \(bind: site)") }
        if let workerType = filter.workerType { conditions.append("worker_type = \(bind: workerType.rawValue)") }
        switch filter.status {
        case .active?: conditions.append("(termination_date IS NULL OR termination_date > \(bind: today))")
        case .leaver?: conditions.append("termination_date <= \(bind: today)")
        case nil: break
        }
        let rows = try await employees(
            "SELECT * FROM employees WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT \(bind: limit + 1)",
            includeSensitive: includeSensitive)
        let page = Array(rows.prefix(limit))
        return Page(items: page, nextCursor: rows.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
    }

    /// Distinct values of a column for filter menus. `column` is one of a fixed set.
    public func values(of column: FacetColumn) async throws -> [String] {
        try await database.reader.raw("SELECT DISTINCT \(ident: column.rawValue) AS v FROM employees WHERE \(ident: column.rawValue) IS NOT NULL ORDER BY v").all()
            .map { try $0.decode(column: "v", as: String.self) }
    }

    public enum FacetColumn: String, Sendable { case country, department, site }

    func employees(_ query: SQLQueryString, includeSensitive: Bool) async throws -> [Employee] {
        let rows = try await database.reader.raw(query).all()
        var list = try rows.map { try Self.employee($0, includeSensitive: includeSensitive) }
        guard includeSensitive, !list.isEmpty else { return list }
        let benefits = try await database.reader.raw("SELECT * FROM employee_benefits WHERE employee_id IN (\(binds: list.map(\.id))) ORDER BY plan").all()
        var byEmployee: [Int64: [BenefitEnrollment]] = [:]
        for row in benefits {
            byEmployee[try row.decode(column: "employee_id", as: Int64.self), default: []].append(BenefitEnrollment(
                plan: try row.decode(column: "plan", as: String.self), enrolled: try row.decode(column: "enrolled", as: Bool.self),
                deferralPercent: try row.decode(column: "deferral_percent", as: Double?.self)))
        }
        for index in list.indices {
            let id = list[index].id
            list[index].sensitive?.benefits = byEmployee[id] ?? []
        }
        return list
    }

    static func employee(_ row: any SQLRow, includeSensitive: Bool) throws -> Employee {
        func text(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        return Employee(
            id: try row.decode(column: "id", as: Int64.self),
            employeeId: try row.decode(column: "employee_id", as: String.self),
            givenName: try row.decode(column: "given_name", as: String.self),
            familyName: try row.decode(column: "family_name", as: String.self),
            preferredName: try text("preferred_name"), workEmail: try text("work_email"), mobilePhone: try text("mobile_phone"),
            language: try row.decode(column: "language", as: String.self), timeZone: try row.decode(column: "time_zone", as: String.self),
            country: try row.decode(column: "country", as: String.self), region: try text("region"), site: try text("site"),
            department: try text("department"), team: try text("team"), jobTitle: try text("job_title"), jobLevel: try text("job_level"),
            managerId: try text("manager_id"),
            employmentType: EmploymentType(rawValue: try row.decode(column: "employment_type", as: String.self)) ?? .fullTime,
            workerType: WorkerType(rawValue: try row.decode(column: "worker_type", as: String.self)) ?? .desk,
            hireDate: try text("hire_date"), terminationDate: try text("termination_date"),
            sensitive: includeSensitive ? SensitiveFields(
                payBand: try text("pay_band"), annualPay: try row.decode(column: "annual_pay", as: Double?.self),
                payCurrency: try text("pay_currency"), hce: try row.decode(column: "hce", as: Bool.self), benefits: []) : nil)
    }
}
