public import SQLKit
public import TandemCore
public import TandemStore

/// Compiles a rule to a boolean SQL expression over `employees`, with every value bound.
/// Under a `not`, each condition is wrapped so it is TRUE or FALSE, never NULL: `not` then means
/// what it says and matches `RuleEvaluator` exactly (a missing value fails every comparison).
/// Outside any `not` the wrapper is left off: there NULL and FALSE filter alike through AND and
/// OR, and a bare `department = ?` can use an index where `COALESCE(…)` cannot.
public struct RuleCompiler {
    public let dialect: Dialect
    public let today: String
    /// Looks up a saved audience by name (for `in audience "…"`).
    public let resolve: (String) throws -> AudienceDefinition

    public init(dialect: Dialect, today: String, resolve: @escaping (String) throws -> AudienceDefinition = { name in
        throw AppError.invalid("rule", "Unknown audience \"\(name)\".")
    }) {
        self.dialect = dialect
        self.today = today
        self.resolve = resolve
    }

    public func sql(_ rule: Rule) throws -> SQLQueryString {
        try compile(rule, path: [], negated: false)
    }

    func compile(_ rule: Rule, path: [String], negated: Bool) throws -> SQLQueryString {
        func condition(_ field: RuleField, _ test: (String) -> SQLQueryString) throws -> SQLQueryString {
            try self.condition(field, negated: negated, test)
        }
        switch rule {
        case .all(let rules):
            return "(" + (try rules.map { try compile($0, path: path, negated: negated) }).joined(separator: " AND ") + ")"
        case .any(let rules):
            return "(" + (try rules.map { try compile($0, path: path, negated: negated) }).joined(separator: " OR ") + ")"
        case .not(let inner):
            return "(NOT " + (try compile(inner, path: path, negated: true)) + ")"
        case .inAudience(let name):
            guard !path.contains(name) else {
                throw AppError.invalid("rule", "Audience \"\(name)\" refers to itself (\((path + [name]).joined(separator: " → "))).")
            }
            switch try resolve(name) {
            case .rule(let saved):
                return "(" + (try compile(saved, path: path + [name], negated: negated)) + ")"
            case .list(let audienceID, let version, _):
                return """
                    (employees.employee_id IN (SELECT m.employee_id FROM audience_members m
                    WHERE m.audience_id = \(bind: audienceID) AND m.version = \(bind: Int64(version))))
                    """
            }
        case .isTrue(let field):
            if let name = field.attribute { return attributeExists(name, "a.value = \(bind: "true")") }
            return try condition(field) { column in "\(unsafeRaw: column) = \(bind: true)" }
        case .compare(let field, let op, let value):
            if field.name == "status", case .text(let status) = value { return statusSQL(status, negate: op == .notEqual) }
            if let plan = field.benefitPlan, field.kind == .boolean, case .boolean(let wanted) = value {
                let enrolled = benefitExists(plan, "b.enrolled = \(bind: true)")
                return (op == .equal) == wanted ? enrolled : "(NOT " + enrolled + ")"
            }
            // Custom booleans are stored as the text "true"/"false".
            let bound = field.attribute != nil && field.kind == .boolean ? bindText(value) : bind(value)
            let ordering = field.kind == .date ? dialect.byteOrder : ""
            return try condition(field) { column in "\(unsafeRaw: column)\(unsafeRaw: ordering) \(unsafeRaw: op.sql) " + bound }
        case .oneOf(let field, let values):
            if field.name == "status" {
                return "(" + values.map { value -> SQLQueryString in
                    if case .text(let status) = value { return statusSQL(status, negate: false) }
                    return "FALSE"
                }.joined(separator: " OR ") + ")"
            }
            let list = values.map(bind).joined(separator: ", ")
            return try condition(field) { column in "\(unsafeRaw: column) IN (" + list + ")" }
        case .contains(let field, let text):
            return try condition(field) { column in "\(unsafeRaw: dialect.position)(\(unsafeRaw: column), \(bind: text)) > 0" }
        case .startsWith(let field, let text):
            return try condition(field) { column in "substr(\(unsafeRaw: column), 1, CAST(\(bind: text.unicodeScalars.count) AS INTEGER)) = \(bind: text)" }
        case .isEmpty(let field):
            if let plan = field.benefitPlan { return "(NOT " + benefitExists(plan, "TRUE") + ")" }
            if let name = field.attribute { return "(NOT " + attributeExists(name, "TRUE") + ")" }
            if field.name == "status" { return "FALSE" }
            let column = try self.column(field)
            return field.kind == .text ? "(\(unsafeRaw: column) IS NULL OR \(unsafeRaw: column) = '')" : "(\(unsafeRaw: column) IS NULL)"
        }
    }

    /// A test on one column (or on a benefit's column); never NULL where a `not` is above it.
    func condition(_ field: RuleField, negated: Bool, _ test: (String) -> SQLQueryString) throws -> SQLQueryString {
        if let plan = field.benefitPlan {
            // Inside EXISTS a NULL test simply finds no row, so the result is TRUE or FALSE already.
            return benefitExists(plan, test(field.kind == .boolean ? "b.enrolled" : "b.deferral_percent"))
        }
        if let name = field.attribute {
            return attributeExists(name, test(field.kind == .number ? "a.number_value" : "a.value"))
        }
        return negated ? "COALESCE(" + test(try column(field)) + ", FALSE)" : "(" + test(try column(field)) + ")"
    }

    func benefitExists(_ plan: String, _ test: SQLQueryString) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM employee_benefits b WHERE b.employee_id = employees.id AND b.plan = \(bind: plan) AND " + test + ")"
    }

    /// A custom attribute's test: an employee without a value has no row, so (as in memory) every
    /// comparison fails for them, and the IN is never NULL (ids are never NULL). An uncorrelated
    /// IN, not a correlated EXISTS: both engines then read the matching values once, through the
    /// (attribute, value) index, instead of probing per employee — SQLite chose that index for
    /// each probe of a range test and took 25× the time of a hand-written join.
    func attributeExists(_ name: String, _ test: SQLQueryString) -> SQLQueryString {
        """
        employees.id IN (SELECT a.employee_id FROM employee_attributes a
        WHERE a.attribute_id = (SELECT d.id FROM custom_attributes d WHERE d.name = \(bind: name)) AND
        """ + " " + test + ")"
    }

    func bindText(_ value: RuleValue) -> SQLQueryString {
        if case .boolean(let flag) = value { return "\(bind: flag ? "true" : "false")" }
        return bind(value)
    }

    /// Leavers from their termination date on (see `Employee.status(on:)`).
    func statusSQL(_ status: String, negate: Bool) -> SQLQueryString {
        let leaver = (status == "leaver") != negate
        return leaver
            ? "COALESCE(termination_date\(unsafeRaw: dialect.byteOrder) <= \(bind: today), FALSE)"
            : "(termination_date IS NULL OR termination_date\(unsafeRaw: dialect.byteOrder) > \(bind: today))"
    }

    /// Column names come from the fixed field list, never from the rule text.
    func column(_ field: RuleField) throws -> String {
        guard RuleField.columns.contains(field), field.name != "status" else {
            throw AppError.invalid("rule", "\(field.name) cannot be used this way.")
        }
        return field.name
    }

    func bind(_ value: RuleValue) -> SQLQueryString {
        switch value {
        case .text(let text): "\(bind: text)"
        case .number(let number): "\(bind: number)"
        case .boolean(let flag): "\(bind: flag)"
        case .date(let day): "\(bind: day)"
        case .relativeDate(let amount, let unit): "\(bind: DateRules.resolve(amount: amount, unit: unit, today: today))"
        }
    }
}

extension Comparison {
    var sql: String {
        switch self {
        case .equal: "="
        case .notEqual: "<>"
        default: rawValue
        }
    }
}
