public import Foundation
public import TandemCore

/// What an import would do, computed without writing anything: the dry run and the input to apply.
public struct ImportPlan: Sendable {
    public struct Rejection: Sendable, Equatable, Codable {
        public let line: Int
        public let employeeId: String?
        public let field: String?
        public let message: String
    }

    public enum Mode: String, Sendable, Codable {
        /// The file is the whole workforce: active employees missing from it are deactivated.
        case full
        /// The file holds only some employees: nobody is deactivated for being absent.
        case partial
    }

    public var mode: Mode
    public var totalRows = 0
    public var creates: [Employee] = []
    public var updates: [Employee] = []
    public var unchanged = 0
    /// HRIS ids of employees who become leavers (absent from a full file, or a termination date that has passed).
    public var deactivations: [String] = []
    public var activeBefore = 0
    public var rejected: [Rejection] = []
    public var ignoredColumns: [String] = []
    public var notes: [String] = []
    public var mapping: ImportMapping
    /// The custom attributes the file fills (its `attr.NAME` columns); only these are written.
    public var attributes: [AttributeDefinition] = []

    /// True when the import would deactivate more than `threshold` of the active employees.
    public func exceedsSafetyStop(threshold: Double) -> Bool {
        activeBefore > 0 && Double(deactivations.count) / Double(activeBefore) > threshold
    }

    /// The rejected rows as CSV for HR to fix in a spreadsheet. Cells from the file (an employee
    /// id such as `=cmd|' /C calc'!A0`) go through `CSVWriter`, which neutralises formulas.
    public var rejectionsCSV: String {
        var writer = CSVWriter(header: ["line", "employee_id", "field", "message"])
        for rejection in rejected {
            writer.append([String(rejection.line), rejection.employeeId ?? "", rejection.field ?? "", rejection.message])
        }
        return writer.text
    }

    public var summary: String {
        "\(totalRows) rows: \(creates.count) to create, \(updates.count) to update, \(unchanged) unchanged, \(deactivations.count) to deactivate, \(rejected.count) rejected"
    }
}

public struct ImportOptions: Sendable {
    public var mode: ImportPlan.Mode = .full
    public var skipBadRows = false
    public var allowSensitive = false
    public var today = EmployeeRules.today()
    /// Active employees a full import must not deactivate for being absent (managed elsewhere).
    public var protected: Set<String> = []
    /// The defined custom attributes, which `attr.NAME` columns must name.
    public var attributes: [AttributeDefinition] = []
    public init() {}
}

/// Turns a CSV export into an `ImportPlan`. Pure: the caller supplies the existing records.
public enum ImportPlanner {
    public static let requiredForNew: [EmployeeField] = [.givenName, .familyName, .country]

    /// Decodes the file's bytes; anything but UTF-8 gets a message saying how to fix it.
    public static func text(from data: Data) throws -> String {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw AppError.badRequest("The file is UTF-16. Export it again as 'CSV UTF-8' and retry.", code: "wrong_encoding")
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw AppError.badRequest("The file is not valid UTF-8 (perhaps Windows-1252 or Latin-1). Export it again as 'CSV UTF-8' and retry.", code: "wrong_encoding")
        }
        return text
    }

    public static func plan(csv: String, mapping given: ImportMapping?, existing: [String: Employee], options: ImportOptions) throws -> ImportPlan {
        var records = CSVRecords(csv)
        guard let header = records.next()?.fields else {
            throw AppError.badRequest("The file has no header row. The first line must name the columns, e.g. \(EmployeeField.canonicalHeader).", code: "invalid_csv")
        }
        guard header.contains(where: { !$0.trimmed.isEmpty }) else {
            throw AppError.badRequest("The file is empty. The first line must name the columns, e.g. \(EmployeeField.canonicalHeader).", code: "invalid_csv")
        }
        var mapping = ImportMapping.automatic(header: header)
        if let given {
            for (column, field) in given.columns where header.contains(column) {
                mapping.columns[column] = field
                mapping.attributes[column] = nil
            }
            for (column, name) in given.attributes where header.contains(column) {
                mapping.attributes[column] = name
                mapping.columns[column] = nil
            }
        }
        let fieldColumns = header.enumerated().compactMap { index, column in mapping.columns[column].map { (index, $0) } }
        guard let idColumn = fieldColumns.first(where: { $0.1 == .employeeId })?.0 else {
            throw AppError.badRequest("No column maps to employee_id. Name one column employee_id or map it (columns: \(header.joined(separator: ", "))).", code: "invalid_mapping")
        }
        let fields = Set(fieldColumns.map(\.1))
        if fields.count != fieldColumns.count {
            throw AppError.badRequest("Two columns map to the same field. Each field may come from one column only.", code: "invalid_mapping")
        }
        if !options.allowSensitive, let sensitive = fields.first(where: \.isSensitive) {
            throw AppError(.forbidden, code: "sensitive_fields", message: "Only HR may import \(sensitive.rawValue). Remove the pay columns or ask HR to run the import.")
        }
        let attributeColumns = try attributeColumns(header: header, mapping: mapping, options: options)

        var plan = ImportPlan(mode: options.mode, mapping: mapping)
        plan.attributes = attributeColumns.map(\.1)
        plan.ignoredColumns = header.filter { mapping.columns[$0] == nil && mapping.attributes[$0] == nil }
        plan.activeBefore = existing.values.filter { $0.status(on: options.today) == .active }.count
        var seen: [String: Int] = [:]
        var accepted: [(line: Int, employee: Employee, isNew: Bool)] = []
        var unreadableIDs = 0
        while let (line, row) = records.next() {
            if row.count == 1, row[0].trimmed.isEmpty { continue }
            plan.totalRows += 1
            let rawID = row.count > idColumn ? row[idColumn].trimmed : ""
            func reject(_ message: String, field: String? = nil) {
                plan.rejected.append(.init(line: line, employeeId: rawID.isEmpty ? nil : rawID, field: field, message: message))
            }
            let employeeID: String
            do { employeeID = try EmployeeRules.employeeID(rawID) } catch let error as AppError {
                unreadableIDs += 1
                reject(error.message, field: "employee_id")
                continue
            }
            if let first = seen[employeeID] {
                reject("Employee id \(employeeID) appears again (first on line \(first)); each employee may appear once.", field: "employee_id")
                continue
            }
            // Seen even if the rest of the row is bad, so a full import never deactivates
            // someone whose row was merely malformed.
            seen[employeeID] = line
            guard row.count == header.count else {
                reject("Row has \(row.count) fields but the header has \(header.count). Check for a missing or extra comma or an unclosed quote.")
                continue
            }
            let before = existing[employeeID]
            var record = before ?? EmployeeField.blank(employeeID)
            if record.sensitive == nil { record.sensitive = SensitiveFields(payBand: nil, annualPay: nil, payCurrency: nil, hce: false, benefits: []) }
            do {
                for (index, field) in fieldColumns where field != .employeeId { try field.apply(row[index], to: &record) }
                for (index, attribute) in attributeColumns { record.attributes[attribute.name] = try attribute.canonical(row[index]) }
                if before == nil, let missing = requiredForNew.first(where: { field in
                    switch field {
                    case .givenName: record.givenName.isEmpty
                    case .familyName: record.familyName.isEmpty
                    default: record.country.isEmpty
                    }
                }) {
                    throw AppError.invalid(missing.rawValue, "A new employee needs \(missing.rawValue) (and given_name, family_name, country).")
                }
            } catch let error as AppError {
                reject(error.message, field: error.field)
                continue
            }
            accepted.append((line, record, before == nil))
        }

        // Managers must be known: already in Tandem, or on an accepted row of this file. A manager
        // whose own row was rejected would otherwise leave a dangling manager_id behind when bad
        // rows are skipped, so rejection spreads down the reporting line until nothing changes.
        var acceptedIDs = Set(accepted.map(\.employee.employeeId))
        var managerRejections: [Int: String] = [:]
        func unknownManager(_ manager: String) -> String {
            seen[manager].map { "Manager \(manager) is not in Tandem and their row (line \($0)) was rejected." }
                ?? "Manager \(manager) is neither in this file nor in Tandem."
        }
        var subordinates: [String: [Int]] = [:]
        var dropped: [String] = []
        for (index, entry) in accepted.enumerated() {
            guard let manager = entry.employee.managerId else { continue }
            subordinates[manager, default: []].append(index)
            if existing[manager] == nil, !acceptedIDs.contains(manager) {
                managerRejections[index] = unknownManager(manager)
                dropped.append(entry.employee.employeeId)
            }
        }
        for id in dropped { acceptedIDs.remove(id) }
        while let manager = dropped.popLast() {
            guard existing[manager] == nil else { continue }
            for index in subordinates[manager] ?? [] where managerRejections[index] == nil {
                managerRejections[index] = unknownManager(manager)
                acceptedIDs.remove(accepted[index].employee.employeeId)
                dropped.append(accepted[index].employee.employeeId)
            }
        }
        for (index, (line, employee, isNew)) in accepted.enumerated() {
            if let message = managerRejections[index] {
                plan.rejected.append(.init(line: line, employeeId: employee.employeeId, field: "manager_id", message: message))
                continue
            }
            if isNew {
                plan.creates.append(employee)
            } else if employee != existing[employee.employeeId] {
                plan.updates.append(employee)
            } else {
                plan.unchanged += 1
            }
            let wasActive = existing[employee.employeeId].map { $0.status(on: options.today) == .active } ?? false
            if wasActive, employee.status(on: options.today) == .leaver { plan.deactivations.append(employee.employeeId) }
        }
        if options.mode == .full && unreadableIDs > 0 {
            plan.notes.append("\(unreadableIDs) row(s) have no readable employee id, so nobody is deactivated for being absent from this file. Fix those rows to deactivate leavers.")
        } else if options.mode == .full {
            let missing = existing.values.filter { seen[$0.employeeId] == nil && $0.status(on: options.today) == .active }.map(\.employeeId)
            let kept = missing.filter(options.protected.contains)
            plan.deactivations += missing.filter { !options.protected.contains($0) }.sorted()
            if !kept.isEmpty {
                plan.notes.append("\(kept.count) active employee(s) not in this file are provisioned by the identity provider (SCIM), so they are left to it, e.g. \(kept.sorted().prefix(3).joined(separator: ", ")).")
            }
        }
        plan.rejected.sort { $0.line < $1.line }
        return plan
    }

    /// The `attr.NAME` columns with their definitions; a name that is not defined, or an HR-only
    /// attribute imported by someone else, stops the import before any row is read.
    static func attributeColumns(header: [String], mapping: ImportMapping, options: ImportOptions) throws -> [(Int, AttributeDefinition)] {
        var result: [(Int, AttributeDefinition)] = []
        var seen = Set<String>()
        for (index, column) in header.enumerated() {
            guard let name = mapping.attributes[column] else { continue }
            guard let definition = options.attributes.first(where: { $0.name == name }) else {
                let known = options.attributes.map(\.fieldName)
                throw AppError(.unprocessableContent, code: "unknown_attribute",
                               message: "Column '\(column.prefix(60))' names the custom attribute \(name.prefix(40)), which is not defined. Define it under People → Attributes (or `tandem attribute define`), or remove the column."
                                   + (known.isEmpty ? "" : " Defined: \(known.joined(separator: ", "))."), field: column)
            }
            guard seen.insert(name).inserted else {
                throw AppError.badRequest("Two columns fill attr.\(name). Each attribute may come from one column only.", code: "invalid_mapping")
            }
            if definition.sensitive && !options.allowSensitive {
                throw AppError(.forbidden, code: "sensitive_fields", message: "Only HR may import attr.\(name), an HR-only attribute. Remove the column or ask HR to run the import.")
            }
            result.append((index, definition))
        }
        return result
    }
}
