import Foundation
public import TandemCore

/// Field rules for saving audiences, applied at the edge (pages, API, CLI) before the store.
public enum AudienceRules {
    public static let maximumListSize = 100_000

    public static func name(_ raw: String) throws -> String {
        try TextRules.singleLine(raw, field: "name", label: "The name", range: 1...80)
    }

    /// Free text of up to `limit` characters; line breaks allowed, other control characters not.
    public static func paragraph(_ raw: String, field: String, label: String, limit: Int = 1_000) throws -> String {
        let value = raw.trimmed
        if value.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\r" && $0 != "\t" && TextRules.isForbiddenInLine($0) }) {
            throw AppError.invalid(field, "\(label) must not contain control characters.")
        }
        guard value.unicodeScalars.count <= limit else { throw AppError.invalid(field, "\(label) must be at most \(limit) characters.") }
        return value
    }

    /// Employee ids from a pasted list: one per line, or separated by commas, semicolons or
    /// spaces. Duplicates are merged; order is kept.
    public static func employeeIDs(_ raw: String) throws -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for piece in raw.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" }) {
            let id = String(piece).trimmed
            guard !id.isEmpty else { continue }
            try checkID(id)
            if seen.insert(id).inserted { ids.append(id) }
        }
        return try list(ids)
    }

    public static func list(_ ids: [String]) throws -> [String] {
        var seen = Set<String>()
        var unique: [String] = []
        for raw in ids {
            let id = raw.trimmed
            try checkID(id)
            if seen.insert(id).inserted { unique.append(id) }
        }
        guard !unique.isEmpty else { throw AppError.invalid("employee_ids", "The list has no employee ids. Paste one id per line.") }
        guard unique.count <= maximumListSize else {
            throw AppError.invalid("employee_ids", "A list may hold at most \(maximumListSize) employee ids; this one has \(unique.count). Use a rule instead.")
        }
        return unique
    }

    static func checkID(_ id: String) throws {
        guard !id.isEmpty, id.unicodeScalars.count <= 64, !id.unicodeScalars.contains(where: TextRules.isForbiddenInLine) else {
            throw AppError.invalid("employee_ids", "\"\(id.prefix(40))\" is not an employee id (1–64 characters, one line).")
        }
    }
}

extension Rule {
    /// Names of the saved audiences this rule refers to directly.
    public var audienceNames: [String] {
        switch self {
        case .all(let rules), .any(let rules): rules.flatMap(\.audienceNames)
        case .not(let rule): rule.audienceNames
        case .inAudience(let name): [name]
        default: []
        }
    }

    /// Whether the rule tests `status` itself (otherwise targeting counts active employees only).
    public var testsStatus: Bool { fields.contains { $0.name == "status" } }
}
