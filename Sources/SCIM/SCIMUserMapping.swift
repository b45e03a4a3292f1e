import Foundation
public import People
public import TandemCore

/// SCIM ↔ employee. Every value goes through `EmployeeRules`, the same rules as the API, the
/// import and the demo. Tandem fields that SCIM may leave out get documented defaults:
///
/// | Tandem field | from | when not sent |
/// |---|---|---|
/// | language | preferredLanguage | current value; new: `en` |
/// | time zone | timezone | current value; new: `UTC` |
/// | country | addresses[work].country | current value; new: the locale's region, else `US` |
/// | employment type | userType | current value; new: full time |
/// | worker type, team, job level, hire date | — | never changed by SCIM; new: desk |
/// | employee id | enterprise employeeNumber | current value; new: `scim-` + first 8 of the SCIM id |
/// | given/family name | name, else displayName's first word / rest | current value |
///
/// Optional fields (nickName, title, email, phone, region, locality, department, …) follow
/// replace semantics: not sent means cleared. Pay, HCE and benefits are never touched.
public enum SCIMUserMapping {
    public static let defaultCountry = "US"

    /// The user after `input` is applied to `existing` (nil when creating). `managerEmployeeID`
    /// is the HRIS id of the manager named by `input.managerID`, already looked up.
    public static func apply(
        _ input: SCIMUserInput, to existing: SCIMUser?, id: String, managerEmployeeID: String?, today: String = EmployeeRules.today()
    ) throws -> SCIMUser {
        let old = existing?.employee
        let userName = try text(input.userName, "userName", max: 254)!
        let fromDisplay = splitDisplayName(input.displayName)
        guard let givenRaw = input.givenName ?? fromDisplay?.given ?? old?.givenName,
            let familyRaw = input.familyName ?? fromDisplay?.family ?? old?.familyName
        else {
            throw SCIMError.invalidValue("name.givenName and name.familyName are required (or a displayName of at least two words).", field: "name")
        }
        let given = try EmployeeRules.name(givenRaw, field: "name.givenName")
        let family = try EmployeeRules.name(familyRaw, field: "name.familyName")
        let nick = try EmployeeRules.optionalText(input.nickName, field: "nickName")
        let locale = try EmployeeRules.optionalText(input.locale, field: "locale", max: 35)
        var country = old?.country ?? defaultCountry(locale: locale)
        if let raw = input.country?.trimmed, !raw.isEmpty { country = try EmployeeRules.country(raw) }
        var employmentType = old?.employmentType ?? .fullTime
        if let userType = input.userType?.trimmed.lowercased(), !userType.isEmpty {
            employmentType = userType.contains("contract") ? .contractor
                : userType.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "").contains("parttime") ? .partTime : .fullTime
        }
        var termination = old?.terminationDate
        switch input.active {
        case false?: if termination.map({ $0 > today }) ?? true { termination = today }
        case true?: if let date = termination, date <= today { termination = nil }
        case nil: break
        }
        let employee = Employee(
            id: old?.id ?? 0,
            employeeId: try input.employeeNumber.map { try EmployeeRules.employeeID($0) } ?? old?.employeeId ?? "scim-\(id.prefix(8))",
            givenName: given, familyName: family, preferredName: nick,
            workEmail: try translate { try EmployeeRules.email(input.email) },
            mobilePhone: try translate { try EmployeeRules.phone(input.phone) },
            language: try input.preferredLanguage.map { value in try translate { try EmployeeRules.language(value) } } ?? old?.language ?? "en",
            timeZone: try input.timezone.map { value in try translate { try EmployeeRules.timeZone(value) } } ?? old?.timeZone ?? "UTC",
            country: country,
            region: try EmployeeRules.optionalText(input.region, field: "addresses.region"),
            site: try EmployeeRules.optionalText(input.locality, field: "addresses.locality"),
            department: try EmployeeRules.optionalText(input.department, field: "department"),
            team: old?.team, jobTitle: try EmployeeRules.optionalText(input.title, field: "title"), jobLevel: old?.jobLevel,
            managerId: managerEmployeeID, employmentType: employmentType, workerType: old?.workerType ?? .desk,
            hireDate: old?.hireDate, terminationDate: termination)
        return SCIMUser(
            id: id, externalId: try text(input.externalId, "externalId", max: 255), userName: userName,
            formattedName: try text(input.formattedName, "name.formatted", max: 200) ?? "\(given) \(family)",
            displayName: try text(input.displayName, "displayName", max: 200) ?? "\(nick ?? given) \(family)",
            locale: locale, userType: try text(input.userType, "userType", max: 100),
            division: try EmployeeRules.optionalText(input.division, field: "division"),
            organization: try EmployeeRules.optionalText(input.organization, field: "organization"),
            costCenter: try EmployeeRules.optionalText(input.costCenter, field: "costCenter"),
            employee: employee, managerID: input.managerID, version: existing?.version ?? 1,
            created: existing?.created ?? 0, lastModified: existing?.lastModified ?? 0)
    }

    /// "Ada King Lovelace" → given "Ada", family "King Lovelace"; one word is not enough.
    static func splitDisplayName(_ raw: String?) -> (given: String, family: String)? {
        guard let words = raw?.trimmed.split(separator: " ", maxSplits: 1), words.count == 2 else { return nil }
        return (String(words[0]), String(words[1]).trimmed)
    }

    static func defaultCountry(locale: String?) -> String {
        let parts = (locale ?? "").split(whereSeparator: { $0 == "-" || $0 == "_" })
        if parts.count >= 2, let country = try? EmployeeRules.country(String(parts[parts.count - 1])) { return country }
        return defaultCountry
    }

    static func text(_ raw: String?, _ field: String, max: Int) throws -> String? {
        guard let value = raw?.trimmed, !value.isEmpty else { return nil }
        guard value.count <= max, !value.contains(where: { $0.isNewline || $0 == "\u{0}" }) else {
            throw SCIMError.invalidValue("'\(field)' must be at most \(max) characters on one line.", field: field)
        }
        return value
    }

    /// EmployeeRules name the API's fields (work_email); SCIM callers get SCIM's name in `field`.
    static func translate<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AppError { throw SCIMError.translate(error) }
    }
}
