public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Employee records. Writes are batched (many rows per statement) because imports, SCIM sync
/// and the demo write thousands of rows; one statement per row costs a thread hop each.
public struct EmployeeStore: Sendable {
    /// Rows per write call: one multi-row statement each (27 columns × 1,000 stays under
    /// SQLite's 32,766 bound parameters).
    static let batchSize = 1_000
    let database: Database
    let summaryCache = DirectorySummaryCache()
    /// Ids scanned before a text search asks the trigram index (see `EmployeeStore+Search.swift`);
    /// tests set 0 to send every search of 3+ characters through the index.
    var searchScanWindow = Self.defaultSearchScanWindow

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
    static let upsertWithSensitive = BulkInsert(into: "employees", columns: columns, upsertOn: "employee_id", keep: ["created_at"])
    static let upsertWithoutSensitive = BulkInsert(
        into: "employees", columns: columns.filter { !sensitiveColumns.contains($0) }, upsertOn: "employee_id", keep: ["created_at"])
    static let benefitInsert = BulkInsert(into: "employee_benefits", columns: ["employee_id", "plan", "enrolled", "deferral_percent"])

    /// Records without sensitive fields (written by callers who may not see them) leave the
    /// stored pay and benefits alone instead of clearing them. `replacingBenefits: false` is for
    /// callers whose records carry the stored benefits unchanged (the import has no benefit
    /// columns), which saves deleting and re-inserting the same rows.
    /// Returns the Tandem id of every written employee, by HRIS id.
    @discardableResult
    static func upsertBatch(_ batch: [Employee], replacingBenefits: Bool = true, on db: any SQLDatabase) async throws -> [String: Int64] {
        let full = batch.filter { $0.sensitive != nil }
        let plain = batch.filter { $0.sensitive == nil }
        var ids: [String: Int64] = [:]
        if !full.isEmpty { ids = try await upsertBatch(full, withSensitive: true, replacingBenefits: replacingBenefits, on: db) }
        if !plain.isEmpty { ids.merge(try await upsertBatch(plain, withSensitive: false, replacingBenefits: false, on: db)) { a, _ in a } }
        return ids
    }

    static func upsertBatch(_ batch: [Employee], withSensitive: Bool, replacingBenefits: Bool, on db: any SQLDatabase) async throws -> [String: Int64] {
        let now = Millis.from(Date())
        let rows = batch.map { row(for: $0, withSensitive: withSensitive, now: now) }
        let ids = try await BulkWriter.write(withSensitive ? upsertWithSensitive : upsertWithoutSensitive, rows: rows, on: db)

        // Benefits are replaced as a whole for the employees whose sensitive data came with the batch.
        guard withSensitive, replacingBenefits else { return ids }
        let internalIDs = batch.compactMap { ids[$0.employeeId] }
        for start in stride(from: 0, to: internalIDs.count, by: 1_000) {
            let chunk = internalIDs[start..<min(start + 1_000, internalIDs.count)]
            try await db.raw("DELETE FROM employee_benefits WHERE employee_id IN (\(binds: Array(chunk)))").run()
        }
        var benefitRows: [[SQLValue]] = []
        for employee in batch {
            guard let id = ids[employee.employeeId] else { continue }
            for benefit in employee.sensitive?.benefits ?? [] {
                benefitRows.append([.integer(id), .text(benefit.plan), .boolean(benefit.enrolled), .real(benefit.deferralPercent)])
            }
        }
        try await BulkWriter.write(benefitInsert, rows: benefitRows, on: db)
        return ids
    }

    /// One row in `columns` order (without the sensitive ones unless `withSensitive`).
    static func row(for e: Employee, withSensitive: Bool, now: Int64) -> [SQLValue] {
        var row: [SQLValue] = [
            .text(e.employeeId), .text(e.givenName), .text(e.familyName), .text(e.preferredName), .text(e.workEmail), .text(e.mobilePhone),
            .text(e.language), .text(e.timeZone), .text(e.country), .text(e.region), .text(e.site), .text(e.department), .text(e.team),
            .text(e.jobTitle), .text(e.jobLevel), .text(e.managerId), .text(e.employmentType.rawValue), .text(e.workerType.rawValue),
            .text(e.hireDate), .text(e.terminationDate),
        ]
        row.reserveCapacity(columns.count)
        if withSensitive {
            let s = e.sensitive
            row += [.text(s?.payBand), .real(s?.annualPay), .text(s?.payCurrency), .boolean(s?.hce ?? false)]
        }
        row += [.text(searchText(e)), .integer(now), .integer(now)]
        return row
    }

    static func searchText(_ e: Employee) -> String {
        [e.givenName, e.familyName, e.preferredName ?? "", e.workEmail ?? "", e.employeeId, e.jobTitle ?? ""].joined(separator: " ").lowercased()
    }

    // MARK: reading

    public func count() async throws -> Int {
        Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM employees").first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    static let readColumns: [(name: String, kind: SQLValueKind)] = [
        ("id", .integer), ("employee_id", .text), ("given_name", .text), ("family_name", .text), ("preferred_name", .text), ("work_email", .text),
        ("mobile_phone", .text), ("language", .text), ("time_zone", .text), ("country", .text), ("region", .text), ("site", .text),
        ("department", .text), ("team", .text), ("job_title", .text), ("job_level", .text), ("manager_id", .text), ("employment_type", .text),
        ("worker_type", .text), ("hire_date", .text), ("termination_date", .text), ("pay_band", .text), ("annual_pay", .real),
        ("pay_currency", .text), ("hce", .boolean),
    ]

    /// Every employee with pay and benefits, in id order: the import's baseline. Two whole-table
    /// reads by position (`BulkReader`) instead of pages of SQLKit rows decoded by column name.
    public func all() async throws -> [Employee] {
        let db = database.reader
        let rows = try await BulkReader.rows(
            "SELECT \(unsafeRaw: Self.readColumns.map(\.name).joined(separator: ", ")) FROM employees ORDER BY id",
            kinds: Self.readColumns.map(\.kind), on: db)
        let benefitRows = try await BulkReader.rows(
            "SELECT employee_id, plan, enrolled, deferral_percent FROM employee_benefits ORDER BY employee_id, plan",
            kinds: [.integer, .text, .boolean, .real], on: db)
        let attributes = try await AttributeStore.allValues(on: db)
        var benefits: [Int64: [BenefitEnrollment]] = [:]
        for row in benefitRows {
            guard let id = row[0].int64, let plan = row[1].string else { continue }
            benefits[id, default: []].append(BenefitEnrollment(plan: plan, enrolled: row[2].bool ?? false, deferralPercent: row[3].double))
        }
        return rows.map { v in
            let id = v[0].int64 ?? 0
            return Employee(
                id: id, employeeId: v[1].string ?? "", givenName: v[2].string ?? "", familyName: v[3].string ?? "", preferredName: v[4].string,
                workEmail: v[5].string, mobilePhone: v[6].string, language: v[7].string ?? "en", timeZone: v[8].string ?? "UTC",
                country: v[9].string ?? "", region: v[10].string, site: v[11].string, department: v[12].string, team: v[13].string,
                jobTitle: v[14].string, jobLevel: v[15].string, managerId: v[16].string,
                employmentType: EmploymentType(rawValue: v[17].string ?? "") ?? .fullTime, workerType: WorkerType(rawValue: v[18].string ?? "") ?? .desk,
                hireDate: v[19].string, terminationDate: v[20].string,
                sensitive: SensitiveFields(payBand: v[21].string, annualPay: v[22].double, payCurrency: v[23].string, hce: v[24].bool ?? false,
                                           benefits: benefits[id] ?? []),
                attributes: attributes[id] ?? [:])
        }
    }

    public func find(id: Employee.ID, includeSensitive: Bool) async throws -> Employee? {
        try await employees("SELECT * FROM employees WHERE id = \(bind: id)", includeSensitive: includeSensitive).first
    }

    public func find(employeeID: String, includeSensitive: Bool) async throws -> Employee? {
        try await employees("SELECT * FROM employees WHERE employee_id = \(bind: employeeID)", includeSensitive: includeSensitive).first
    }

    /// Text search matches a case-insensitive substring of `search_text` (names, preferred name,
    /// work email, employee id, job title); `%` and `_` in the term are dropped, not wildcards.
    /// Terms of 3+ characters use the trigram index (see `EmployeeStore+Search.swift`); shorter
    /// ones scan, which is fast because nearly every row matches them.
    public func list(_ filter: EmployeeFilter, cursor: Int64?, limit: Int, includeSensitive: Bool, today: String = EmployeeRules.today()) async throws -> Page<Employee> {
        var conditions: [SQLQueryString] = []
        let literal = filter.text.map(Self.searchLiteral)
        let pattern = literal.map(database.dialect.likeContaining)
        if let pattern { conditions.append("search_text LIKE \(bind: pattern)") }
        if let country = filter.country { conditions.append("country = \(bind: country)") }
        if let department = filter.department { conditions.append("department = \(bind: department)") }
        if let site = filter.site { conditions.append("site = \(bind: site)") }
        if let workerType = filter.workerType { conditions.append("worker_type = \(bind: workerType.rawValue)") }
        switch filter.status {
        case .active?: conditions.append("(termination_date IS NULL OR termination_date > \(bind: today))")
        case .leaver?: conditions.append("termination_date <= \(bind: today)")
        case nil: break
        }
        let after = cursor ?? 0
        let rows: [Employee]
        if let literal, let pattern, Self.usesTrigramIndex(literal) {
            rows = try await searchRows(pattern: pattern, conditions: conditions, after: after, limit: limit + 1, includeSensitive: includeSensitive)
        } else {
            rows = try await employees(where: ["id > \(bind: after)"] + conditions, limit: limit + 1, includeSensitive: includeSensitive)
        }
        let page = Array(rows.prefix(limit))
        return Page(items: page, nextCursor: rows.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
    }

    /// Up to `limit` employees matching every condition, in id order.
    func employees(where conditions: [SQLQueryString], limit: Int, includeSensitive: Bool) async throws -> [Employee] {
        try await employees(
            "SELECT * FROM employees WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT \(bind: limit)",
            includeSensitive: includeSensitive)
    }

    /// Distinct values of a column for filter menus. `column` is one of a fixed set.
    public func values(of column: FacetColumn) async throws -> [String] {
        try await database.reader.raw("SELECT DISTINCT \(ident: column.rawValue) AS v FROM employees WHERE \(ident: column.rawValue) IS NOT NULL ORDER BY v").all()
            .map { try $0.decode(column: "v", as: String.self) }
    }

    public enum FacetColumn: String, Sendable { case country, department, site }

    /// Total and filter menus for the directory, cached until employees are written.
    public func summary() async throws -> DirectorySummary {
        try await summaryCache.summary(on: database.reader) {
            DirectorySummary(total: try await count(), countries: try await values(of: .country), departments: try await values(of: .department),
                             sites: try await values(of: .site))
        }
    }

    func employees(_ query: SQLQueryString, includeSensitive: Bool) async throws -> [Employee] {
        let rows = try await database.reader.raw(query).all()
        var list = try rows.map { try Self.employee($0, includeSensitive: includeSensitive) }
        guard !list.isEmpty else { return list }
        let attributes = try await AttributeStore.values(for: list.map(\.id), includeSensitive: includeSensitive, on: database.reader)
        if !attributes.isEmpty {
            for index in list.indices { list[index].attributes = attributes[list[index].id] ?? [:] }
        }
        guard includeSensitive else { return list }
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
