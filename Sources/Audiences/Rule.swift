public import People
/// The audience rule language as a typed tree. Parsed from text (`RuleParser`), compiled to
/// parameterised SQL (`RuleCompiler`) and evaluated in memory (`RuleEvaluator`); a property
/// test keeps the last two in agreement.
public indirect enum Rule: Sendable, Equatable, Codable {
    case all([Rule])
    case any([Rule])
    case not(Rule)
    case compare(RuleField, Comparison, RuleValue)
    case oneOf(RuleField, [RuleValue])
    case contains(RuleField, String)
    case startsWith(RuleField, String)
    case isEmpty(RuleField)
    /// A boolean field on its own: `hce`, `benefits.401k.enrolled`.
    case isTrue(RuleField)
    case inAudience(String)
}

public enum DateUnit: String, Sendable, Equatable, Codable { case d, w, m, y }

public enum Comparison: String, Sendable, Equatable, Codable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

public enum RuleValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Double)
    case boolean(Bool)
    /// A calendar day, YYYY-MM-DD.
    case date(String)
    /// `today`, `today - 90d`, `today + 2w`, `today - 6m`, `today - 1y`: resolved when the rule runs.
    case relativeDate(amount: Int, unit: DateUnit)
}

/// A field a rule can test, with its type and whether it is HR-sensitive.
public struct RuleField: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case text, number, date, boolean }
    public let name: String
    public let kind: Kind
    public let sensitive: Bool

    /// Employee columns a rule may use.
    public static let columns: [RuleField] = [
        .init(name: "employee_id", kind: .text, sensitive: false), .init(name: "given_name", kind: .text, sensitive: false),
        .init(name: "family_name", kind: .text, sensitive: false), .init(name: "work_email", kind: .text, sensitive: false),
        .init(name: "mobile_phone", kind: .text, sensitive: false), .init(name: "language", kind: .text, sensitive: false),
        .init(name: "time_zone", kind: .text, sensitive: false), .init(name: "country", kind: .text, sensitive: false),
        .init(name: "region", kind: .text, sensitive: false), .init(name: "site", kind: .text, sensitive: false),
        .init(name: "department", kind: .text, sensitive: false), .init(name: "team", kind: .text, sensitive: false),
        .init(name: "job_title", kind: .text, sensitive: false), .init(name: "job_level", kind: .text, sensitive: false),
        .init(name: "manager_id", kind: .text, sensitive: false), .init(name: "employment_type", kind: .text, sensitive: false),
        .init(name: "worker_type", kind: .text, sensitive: false), .init(name: "hire_date", kind: .date, sensitive: false),
        .init(name: "termination_date", kind: .date, sensitive: false), .init(name: "status", kind: .text, sensitive: false),
        .init(name: "pay_band", kind: .text, sensitive: true), .init(name: "annual_pay", kind: .number, sensitive: true),
        .init(name: "hce", kind: .boolean, sensitive: true),
    ]

    /// `benefits.PLAN.enrolled` (boolean), `benefits.PLAN.deferral_percent` (number) and
    /// `attr.NAME` for each defined custom attribute (typed by its definition).
    public static func named(_ name: String, attributes: [AttributeDefinition] = []) -> RuleField? {
        if let column = columns.first(where: { $0.name == name }) { return column }
        if name.hasPrefix(AttributeDefinition.prefix) {
            return attributes.first { $0.fieldName == name }.map(RuleField.init(attribute:))
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "benefits", !parts[1].isEmpty, parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            switch parts[2] {
            case "enrolled": return .init(name: name, kind: .boolean, sensitive: true)
            case "deferral_percent": return .init(name: name, kind: .number, sensitive: true)
            default: return nil
            }
        }
        return nil
    }

    public init(name: String, kind: Kind, sensitive: Bool) {
        self.name = name
        self.kind = kind
        self.sensitive = sensitive
    }

    public init(attribute: AttributeDefinition) {
        let kind: Kind = switch attribute.kind {
        case .text, .list: .text
        case .number: .number
        case .date: .date
        case .boolean: .boolean
        }
        self.init(name: attribute.fieldName, kind: kind, sensitive: attribute.sensitive)
    }

    /// The custom attribute of an `attr.…` field.
    public var attribute: String? {
        name.hasPrefix(AttributeDefinition.prefix) ? String(name.dropFirst(AttributeDefinition.prefix.count)) : nil
    }

    /// The benefit plan of a `benefits.…` field.
    public var benefitPlan: String? {
        let parts = name.split(separator: ".")
        return parts.count == 3 && parts[0] == "benefits" ? String(parts[1]) : nil
    }
}

extension Rule {
    /// Every field the rule reads, for privacy checks.
    public var fields: [RuleField] {
        switch self {
        case .all(let rules), .any(let rules): rules.flatMap(\.fields)
        case .not(let rule): rule.fields
        case .compare(let field, _, _), .oneOf(let field, _), .contains(let field, _), .startsWith(let field, _), .isEmpty(let field), .isTrue(let field): [field]
        case .inAudience: []
        }
    }

    /// The rule written back in the language (canonical form; parsing it gives the same tree).
    public var text: String {
        func value(_ v: RuleValue) -> String { v.written }
        switch self {
        case .all(let rules): return rules.map { $0.needsParentheses(inside: .all([])) ? "(\($0.text))" : $0.text }.joined(separator: " and ")
        case .any(let rules): return rules.map { $0.needsParentheses(inside: .any([])) ? "(\($0.text))" : $0.text }.joined(separator: " or ")
        case .not(let rule): return "not " + (rule.isAtom ? rule.text : "(\(rule.text))")
        case .compare(let field, let op, let v): return "\(field.name) \(op.rawValue) \(value(v))"
        case .oneOf(let field, let values): return "\(field.name) in (\(values.map(value).joined(separator: ", ")))"
        case .contains(let field, let s): return "\(field.name) contains \(value(.text(s)))"
        case .startsWith(let field, let s): return "\(field.name) starts with \(value(.text(s)))"
        case .isEmpty(let field): return "\(field.name) is empty"
        case .isTrue(let field): return field.name
        case .inAudience(let name): return "in audience \(value(.text(name)))"
        }
    }

    var isAtom: Bool {
        switch self {
        case .all, .any, .not: false
        default: true
        }
    }

    func needsParentheses(inside parent: Rule) -> Bool {
        switch (self, parent) {
        case (.any, .all), (.all, .any), (.all, .all), (.any, .any): true
        default: false
        }
    }
}

extension RuleValue {
    /// The value as the rule language writes it (text quoted and escaped).
    public var written: String {
        switch self {
        case .text(let s): "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .boolean(let b): b ? "true" : "false"
        case .date(let d): d
        case .relativeDate(let amount, let unit): amount == 0 ? "today" : "today \(amount < 0 ? "-" : "+") \(abs(amount))\(unit.rawValue)"
        }
    }
}
