public import People
public import TandemCore

/// The rule builder on the audience page: a list of conditions joined by "all" or "any". It
/// turns into rule text (and so into the same parser as the text box), and a rule that is a
/// flat list of simple conditions turns back into rows, which keeps the two views in sync.
public struct RuleBuilder: Sendable, Equatable, Encodable {
    public enum Match: String, Sendable, Encodable { case all, any }

    public struct Condition: Sendable, Equatable, Encodable {
        public var field: String
        public var op: String
        public var value: String
        public init(field: String, op: String, value: String) {
            self.field = field
            self.op = op
            self.value = value
        }
    }

    public var match: Match
    public var conditions: [Condition]

    public init(match: Match, conditions: [Condition]) {
        self.match = match
        self.conditions = conditions
    }

    /// The operators the builder offers, as they read in the rule language.
    public static let operators = ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "starts with", "is empty", "is not empty", "is true", "is false"]
    /// The pseudo-field for `in audience "…"` (operators `in` and `not in`).
    public static let audienceField = "audience"

    /// Fields offered in the builder: every rule column and the 401(k) benefit fields.
    public static func fields(includeSensitive: Bool, attributes: [AttributeDefinition]) -> [RuleField] {
        let benefits = ["benefits.401k.enrolled", "benefits.401k.deferral_percent"].compactMap { RuleField.named($0) }
        return (RuleField.columns + benefits + attributes.map(RuleField.init(attribute:))).filter { includeSensitive || !$0.sensitive }
    }

    /// The rule text, checked condition by condition so an error names the row it is in.
    public func text(attributes: [AttributeDefinition] = []) throws -> String {
        let parts = try conditions.enumerated().map { index, condition -> String in
            let text: String
            do {
                text = try Self.text(condition, attributes: attributes)
            } catch let error as AppError {
                throw AppError.invalid("rule", "Condition \(index + 1): \(error.message)")
            }
            do {
                _ = try RuleParser.parse(text, attributes: attributes)
            } catch let error as AppError {
                throw AppError.invalid("rule", "Condition \(index + 1): \(error.message)")
            }
            return text
        }
        guard !parts.isEmpty else { throw AppError.invalid("rule", "Add at least one condition.") }
        let joiner = match == .all ? " and " : " or "
        return parts.count == 1 ? parts[0] : parts.map { $0.contains(" or ") || $0.contains(" and ") ? "(\($0))" : $0 }.joined(separator: joiner)
    }

    /// The text of the rows that are complete, for redrawing a form while rows are being filled in.
    public func partialText(attributes: [AttributeDefinition] = []) -> String {
        let complete = RuleBuilder(match: match, conditions: conditions.filter { (try? Self.text($0, attributes: attributes)) != nil })
        return complete.conditions.isEmpty ? "" : (try? complete.text(attributes: attributes)) ?? ""
    }

    static let needsNoValue: Set<String> = ["is empty", "is not empty", "is true", "is false"]

    static func text(_ condition: Condition, attributes: [AttributeDefinition] = []) throws -> String {
        let value = condition.value.trimmed
        if value.isEmpty && !needsNoValue.contains(condition.op) {
            throw AppError.invalid("rule", "enter a value for \(condition.field.prefix(60)).")
        }
        if condition.field == audienceField {
            guard !value.isEmpty else { throw AppError.invalid("rule", "Choose the audience to include.") }
            let reference = "in audience \(quote(value))"
            switch condition.op {
            case "in": return reference
            case "not in": return "not " + reference
            default: throw AppError.invalid("rule", "Use 'in' or 'not in' with an audience.")
            }
        }
        guard let field = RuleField.named(condition.field, attributes: attributes) else { throw AppError.invalid("rule", "Unknown field '\(condition.field.prefix(60))'.") }
        switch condition.op {
        case "is empty", "is not empty": return "\(field.name) \(condition.op)"
        case "is true": return field.name
        case "is false": return "not \(field.name)"
        case "in", "not in":
            let items = value.split(separator: ",").map { literal(String($0).trimmed, kind: field.kind) }
            guard !items.isEmpty else { throw AppError.invalid("rule", "List the values for '\(field.name) \(condition.op)', separated by commas.") }
            return "\(field.name) \(condition.op) (\(items.joined(separator: ", ")))"
        case "contains", "starts with":
            return "\(field.name) \(condition.op) \(quote(value))"
        case let op where ["=", "!=", "<", "<=", ">", ">="].contains(op):
            return "\(field.name) \(op) \(literal(value, kind: field.kind))"
        default:
            throw AppError.invalid("rule", "Unknown operator '\(condition.op.prefix(20))'.")
        }
    }

    /// Text is quoted; numbers, dates, booleans and relative dates are written as typed, so a
    /// mistyped value reaches the parser and gets its precise message.
    static func literal(_ value: String, kind: RuleField.Kind) -> String {
        kind == .text ? quote(value) : (value.isEmpty ? "\"\"" : value)
    }

    static func quote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Rows for a rule, or nil when it has nesting the builder cannot show.
    public static func rows(for rule: Rule) -> RuleBuilder? {
        switch rule {
        case .all(let parts): return rows(parts, match: .all)
        case .any(let parts): return rows(parts, match: .any)
        default: return rows([rule], match: .all)
        }
    }

    static func rows(_ parts: [Rule], match: Match) -> RuleBuilder? {
        var conditions: [Condition] = []
        for part in parts {
            guard let condition = condition(part) else { return nil }
            conditions.append(condition)
        }
        return conditions.isEmpty ? nil : RuleBuilder(match: match, conditions: conditions)
    }

    static func condition(_ rule: Rule) -> Condition? {
        func plain(_ value: RuleValue) -> String {
            if case .text(let text) = value { return text }
            return value.written
        }
        // A comma inside a listed value cannot be told apart from the separator in one box.
        func listable(_ values: [RuleValue]) -> Bool { !values.contains { if case .text(let t) = $0 { t.contains(",") } else { false } } }
        switch rule {
        case .oneOf(_, let values) where !listable(values), .not(.oneOf(_, let values)) where !listable(values): return nil
        case .compare(let field, let op, let value): return Condition(field: field.name, op: op.rawValue, value: plain(value))
        case .oneOf(let field, let values): return Condition(field: field.name, op: "in", value: values.map(plain).joined(separator: ", "))
        case .not(.oneOf(let field, let values)): return Condition(field: field.name, op: "not in", value: values.map(plain).joined(separator: ", "))
        case .contains(let field, let text): return Condition(field: field.name, op: "contains", value: text)
        case .startsWith(let field, let text): return Condition(field: field.name, op: "starts with", value: text)
        case .isEmpty(let field): return Condition(field: field.name, op: "is empty", value: "")
        case .not(.isEmpty(let field)): return Condition(field: field.name, op: "is not empty", value: "")
        case .isTrue(let field): return Condition(field: field.name, op: "is true", value: "")
        case .not(.isTrue(let field)): return Condition(field: field.name, op: "is false", value: "")
        case .inAudience(let name): return Condition(field: audienceField, op: "in", value: name)
        case .not(.inAudience(let name)): return Condition(field: audienceField, op: "not in", value: name)
        default: return nil
        }
    }
}
