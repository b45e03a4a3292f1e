import Foundation
public import TandemCore

/// The canonical import columns, in the documented header order.
public enum EmployeeField: String, CaseIterable, Sendable, Codable {
    case employeeId = "employee_id", givenName = "given_name", familyName = "family_name", preferredName = "preferred_name"
    case workEmail = "work_email", mobilePhone = "mobile_phone", language, timeZone = "time_zone", country, region, site
    case department, team, jobTitle = "job_title", jobLevel = "job_level", managerId = "manager_id"
    case employmentType = "employment_type", workerType = "worker_type", hireDate = "hire_date", terminationDate = "termination_date"
    case payBand = "pay_band", annualPay = "annual_pay", hce

    /// Fields only HR may import or see.
    public var isSensitive: Bool { [.payBand, .annualPay, .hce].contains(self) }

    public static let canonicalHeader = allCases.map(\.rawValue).joined(separator: ",")

    /// Applies one cell to a record, validating it. Empty cells clear optional fields.
    func apply(_ raw: String, to e: inout Employee) throws {
        let value = raw.trimmed
        switch self {
        case .employeeId: e.employeeId = try EmployeeRules.employeeID(value)
        case .givenName: e.givenName = try EmployeeRules.name(value, field: rawValue)
        case .familyName: e.familyName = try EmployeeRules.name(value, field: rawValue)
        case .preferredName: e.preferredName = try EmployeeRules.optionalText(value, field: rawValue)
        case .workEmail: e.workEmail = try EmployeeRules.email(value)
        case .mobilePhone: e.mobilePhone = try EmployeeRules.phone(value)
        case .language: e.language = try EmployeeRules.language(value)
        case .timeZone: e.timeZone = try EmployeeRules.timeZone(value)
        case .country: e.country = try EmployeeRules.country(value)
        case .region: e.region = try EmployeeRules.optionalText(value, field: rawValue)
        case .site: e.site = try EmployeeRules.optionalText(value, field: rawValue)
        case .department: e.department = try EmployeeRules.optionalText(value, field: rawValue)
        case .team: e.team = try EmployeeRules.optionalText(value, field: rawValue)
        case .jobTitle: e.jobTitle = try EmployeeRules.optionalText(value, field: rawValue, max: 150)
        case .jobLevel: e.jobLevel = try EmployeeRules.optionalText(value, field: rawValue, max: 30)
        case .managerId: e.managerId = value.isEmpty ? nil : try EmployeeRules.employeeID(value)
        case .employmentType:
            if let exact = EmploymentType(rawValue: value) { e.employmentType = exact; return }
            guard let type = EmploymentType(rawValue: value.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")) else {
                throw AppError.invalid(rawValue, "employment_type must be full_time, part_time or contractor (got '\(value.prefix(30))').")
            }
            e.employmentType = type
        case .workerType:
            guard let type = WorkerType(rawValue: value) ?? WorkerType(rawValue: value.lowercased()) else {
                throw AppError.invalid(rawValue, "worker_type must be desk or frontline (got '\(value.prefix(30))').")
            }
            e.workerType = type
        case .hireDate: e.hireDate = try EmployeeRules.date(value, field: rawValue)
        case .terminationDate: e.terminationDate = try EmployeeRules.date(value, field: rawValue)
        case .payBand: e.sensitive!.payBand = try EmployeeRules.optionalText(value, field: rawValue, max: 40)
        case .annualPay:
            if value.isEmpty { e.sensitive!.annualPay = nil; return }
            // Thousands separators ("52,000") are dropped; Foundation's replacing only when there are any.
            let digits = value.utf8.contains(44) ? value.replacingOccurrences(of: ",", with: "") : value
            guard let pay = Double(digits), pay >= 0, pay < 1e12 else {
                throw AppError.invalid(rawValue, "annual_pay must be a number such as 52000 or 52000.50 (got '\(value.prefix(30))').")
            }
            e.sensitive!.annualPay = pay
        case .hce:
            switch value.lowercased() {
            case "1", "true", "yes", "y": e.sensitive!.hce = true
            case "0", "false", "no", "n", "": e.sensitive!.hce = false
            default: throw AppError.invalid(rawValue, "hce must be true or false (got '\(value.prefix(30))').")
            }
        }
    }

    static func blank(_ employeeID: String) -> Employee {
        Employee(
            id: 0, employeeId: employeeID, givenName: "", familyName: "", preferredName: nil, workEmail: nil, mobilePhone: nil,
            language: "en", timeZone: "UTC", country: "", region: nil, site: nil, department: nil, team: nil, jobTitle: nil, jobLevel: nil,
            managerId: nil, employmentType: .fullTime, workerType: .desk, hireDate: nil, terminationDate: nil,
            sensitive: SensitiveFields(payBand: nil, annualPay: nil, payCurrency: nil, hce: false, benefits: []))
    }
}

/// Which CSV column feeds which field. Columns not mapped are ignored (and reported).
public struct ImportMapping: Sendable, Codable, Equatable {
    public var columns: [String: EmployeeField]
    /// Columns that fill custom attributes: column → attribute name (`attr.NAME` in files and mappings).
    public var attributes: [String: String]

    public init(columns: [String: EmployeeField], attributes: [String: String] = [:]) {
        self.columns = columns
        self.attributes = attributes
    }

    public var isEmpty: Bool { columns.isEmpty && attributes.isEmpty }

    /// Columns named like the fields ("Employee ID", "employee_id", "employee-id") map themselves;
    /// so do `attr.NAME` columns, to the custom attribute NAME.
    public static func automatic(header: [String]) -> ImportMapping {
        var mapping = ImportMapping(columns: [:])
        for column in header {
            let key = column.trimmed.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            if let field = EmployeeField(rawValue: key) {
                mapping.columns[column] = field
            } else if let name = attributeName(key) {
                mapping.attributes[column] = name
            }
        }
        return mapping
    }

    /// `attr.shift` → `shift`.
    static func attributeName(_ target: String) -> String? {
        guard target.hasPrefix(AttributeDefinition.prefix) else { return nil }
        let name = String(target.dropFirst(AttributeDefinition.prefix.count))
        return name.isEmpty ? nil : name
    }

    /// A mapping file: a JSON object from CSV column name to field name (or `attr.NAME`).
    public static func parse(json data: Data) throws -> ImportMapping {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw AppError.badRequest("The mapping must be a JSON object such as {\"Worker ID\": \"employee_id\", \"First Name\": \"given_name\", \"Shift\": \"attr.shift\"}.", code: "invalid_mapping")
        }
        var mapping = ImportMapping(columns: [:])
        for (column, name) in object {
            if let field = EmployeeField(rawValue: name) {
                mapping.columns[column] = field
            } else if let attribute = attributeName(name) {
                mapping.attributes[column] = attribute
            } else {
                throw AppError(.unprocessableContent, code: "invalid_mapping", message: "The mapping sends '\(column)' to unknown field '\(name)'. Fields: \(EmployeeField.canonicalHeader), or attr.NAME for a custom attribute.", field: column)
            }
        }
        return mapping
    }

    public var json: String {
        var object = columns.mapValues(\.rawValue)
        for (column, name) in attributes { object[column] = AttributeDefinition.prefix + name }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
