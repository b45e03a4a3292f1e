public import SQLKit
public import TandemStore

/// Compiles a filter to a parameterised SQL condition over the users query
/// (`scim_users s JOIN employees e`, manager `ms`). Every comparison is TRUE or FALSE, never
/// NULL, so `not` means what `SCIMFilterEvaluator` means. Attributes without a column (such as
/// `emails.primary`) make `sql` return nil and the caller filters in memory instead.
public struct SCIMFilterCompiler: Sendable {
    public let dialect: Dialect
    /// Today as YYYY-MM-DD: `active` means no termination date on or before it.
    public let today: String

    public init(dialect: Dialect, today: String) {
        self.dialect = dialect
        self.today = today
    }

    /// `folded`: the column holds the value lower-cased by Swift (userName's unique key), so
    /// comparisons are exact on it, use its index, and fold Unicode letters on SQLite too.
    enum ColumnKind { case text, exactText, folded, millis }

    struct Column {
        let expression: String
        let kind: ColumnKind
    }

    /// Fixed SQL expressions (no user input) for the attributes that have a column.
    static let columns: [String: Column] = [
        "id": Column(expression: "s.scim_id", kind: .exactText),
        "externalId": Column(expression: "s.external_id", kind: .exactText),
        "userName": Column(expression: "s.user_name_key", kind: .folded),
        "name.givenName": Column(expression: "e.given_name", kind: .text),
        "name.familyName": Column(expression: "e.family_name", kind: .text),
        "name.formatted": Column(expression: "s.formatted_name", kind: .text),
        "displayName": Column(expression: "s.scim_display_name", kind: .text),
        "nickName": Column(expression: "e.preferred_name", kind: .text),
        "title": Column(expression: "e.job_title", kind: .text),
        "userType": Column(expression: "s.user_type", kind: .text),
        "preferredLanguage": Column(expression: "e.language", kind: .text),
        "locale": Column(expression: "s.locale", kind: .text),
        "timezone": Column(expression: "e.time_zone", kind: .text),
        "emails.value": Column(expression: "e.work_email", kind: .text),
        "emails.type": Column(expression: "CASE WHEN e.work_email IS NULL THEN NULL ELSE 'work' END", kind: .text),
        "phoneNumbers.value": Column(expression: "e.mobile_phone", kind: .text),
        "phoneNumbers.type": Column(expression: "CASE WHEN e.mobile_phone IS NULL THEN NULL ELSE 'mobile' END", kind: .text),
        "addresses.type": Column(expression: "'work'", kind: .text),
        "addresses.country": Column(expression: "e.country", kind: .text),
        "addresses.region": Column(expression: "e.region", kind: .text),
        "addresses.locality": Column(expression: "e.site", kind: .text),
        "meta.resourceType": Column(expression: "'User'", kind: .text),
        "meta.created": Column(expression: "s.scim_created_at", kind: .millis),
        "meta.lastModified": Column(expression: "s.scim_updated_at", kind: .millis),
        SCIMUserSchema.enterpriseID + ":employeeNumber": Column(expression: "e.employee_id", kind: .exactText),
        SCIMUserSchema.enterpriseID + ":costCenter": Column(expression: "s.cost_center", kind: .text),
        SCIMUserSchema.enterpriseID + ":organization": Column(expression: "s.organization", kind: .text),
        SCIMUserSchema.enterpriseID + ":division": Column(expression: "s.division", kind: .text),
        SCIMUserSchema.enterpriseID + ":department": Column(expression: "e.department", kind: .text),
        SCIMUserSchema.enterpriseID + ":manager.value": Column(expression: "ms.scim_id", kind: .exactText),
        SCIMUserSchema.enterpriseID + ":manager.displayName": Column(expression: "ms.scim_display_name", kind: .text),
    ]

    /// When a complex attribute has an element at all (Tandem keeps at most one of each).
    static let exists: [String: String] = [
        "name": "TRUE", "emails": "e.work_email IS NOT NULL", "phoneNumbers": "e.mobile_phone IS NOT NULL", "addresses": "TRUE",
        "meta": "TRUE", SCIMUserSchema.enterpriseID + ":manager": "ms.scim_id IS NOT NULL",
    ]

    static func key(_ path: SCIMPath) -> String {
        path.schema == SCIMUserSchema.coreID ? path.key : path.schema + ":" + path.key
    }

    public func sql(_ filter: SCIMFilter) -> SQLQueryString? {
        switch filter {
        case .and(let a, let b):
            guard let x = sql(a), let y = sql(b) else { return nil }
            return "(" + x + " AND " + y + ")"
        case .or(let a, let b):
            guard let x = sql(a), let y = sql(b) else { return nil }
            return "(" + x + " OR " + y + ")"
        case .not(let inner):
            guard let x = sql(inner) else { return nil }
            return "(NOT " + x + ")"
        case .valuePath(let path, let inner):
            guard let exists = Self.exists[Self.key(path)], let x = sql(inner) else { return nil }
            return "(\(unsafeRaw: exists) AND " + x + ")"
        case .present(let path):
            if path.subAttribute == nil, let exists = Self.exists[Self.key(path)] { return "(\(unsafeRaw: exists))" }
            if Self.key(path) == "active" { return "TRUE" }
            guard let column = Self.columns[Self.key(path)] else { return nil }
            if column.kind == .millis { return "(\(unsafeRaw: column.expression) IS NOT NULL)" }
            return "(\(unsafeRaw: column.expression) IS NOT NULL AND \(unsafeRaw: column.expression) <> '')"
        case .compare(let path, let op, let literal):
            if Self.key(path) == "active" { return active(op, literal) }
            guard let column = Self.columns[Self.key(path)] else { return nil }
            return compare(column, op, literal)
        }
    }

    func activeCondition() -> SQLQueryString {
        "(e.termination_date IS NULL OR e.termination_date\(unsafeRaw: dialect.byteOrder) > \(bind: today))"
    }

    func active(_ op: SCIMCompareOp, _ literal: SCIMLiteral) -> SQLQueryString {
        switch (op, literal) {
        case (_, .bool(let wanted)):
            let positive = (op == .eq) == wanted
            return positive ? activeCondition() : "(NOT " + activeCondition() + ")"
        case (.eq, .null): return "FALSE"
        case (.ne, .null): return "TRUE"
        default: return "FALSE"
        }
    }

    func compare(_ column: Column, _ op: SCIMCompareOp, _ literal: SCIMLiteral) -> SQLQueryString? {
        let raw = column.expression
        switch literal {
        case .null:
            return op == .eq ? "(\(unsafeRaw: raw) IS NULL)" : "(\(unsafeRaw: raw) IS NOT NULL)"
        case .bool, .number:
            return nil  // no boolean or numeric columns besides active
        case .string(let text):
            if column.kind == .millis {
                guard let millis = SCIMDate.parse(text) else { return "FALSE" }
                let condition: SQLQueryString = "(\(unsafeRaw: raw) IS NOT NULL AND \(unsafeRaw: raw) \(unsafeRaw: Self.sqlOperator(op == .ne ? .eq : op)) \(bind: millis))"
                return op == .ne ? "(NOT " + condition + ")" : condition
            }
            let value = column.kind == .exactText ? text : text.lowercased()
            let expression = column.kind == .text ? "LOWER(\(raw))" : raw
            let test: SQLQueryString
            switch op {
            case .eq, .ne: test = "\(unsafeRaw: expression) = \(bind: value)"
            case .co: test = "\(unsafeRaw: dialect.position)(\(unsafeRaw: expression), \(bind: value)) > 0"
            case .sw: test = "substr(\(unsafeRaw: expression), 1, CAST(\(bind: value.unicodeScalars.count) AS INTEGER)) = \(bind: value)"
            case .ew:
                test = "substr(\(unsafeRaw: expression), length(\(unsafeRaw: expression)) - CAST(\(bind: value.unicodeScalars.count) AS INTEGER) + 1) = \(bind: value)"
            case .gt, .ge, .lt, .le:
                test = "\(unsafeRaw: expression)\(unsafeRaw: dialect.byteOrder) \(unsafeRaw: Self.sqlOperator(op)) \(bind: value)"
            }
            let condition: SQLQueryString = "(\(unsafeRaw: raw) IS NOT NULL AND " + test + ")"
            return op == .ne ? "(NOT " + condition + ")" : condition
        }
    }

    static func sqlOperator(_ op: SCIMCompareOp) -> String {
        switch op {
        case .eq: "="
        case .ne: "<>"
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        case .co, .sw, .ew: "="
        }
    }

    /// `ORDER BY` for `sortBy`, or nil when the attribute has no column. Missing values sort
    /// last ascending and first descending (as if greater than any value); ties by row id.
    public func order(_ path: SCIMPath, descending: Bool) -> SQLQueryString? {
        guard let column = Self.columns[Self.key(path)] else { return nil }
        let expression = column.kind == .text ? "LOWER(\(column.expression))\(dialect.byteOrder)"
            : column.kind == .exactText || column.kind == .folded ? column.expression + dialect.byteOrder : column.expression
        let direction = descending ? "DESC" : "ASC"
        return "(CASE WHEN \(unsafeRaw: column.expression) IS NULL THEN 1 ELSE 0 END) \(unsafeRaw: direction), \(unsafeRaw: expression) \(unsafeRaw: direction), s.employee_pk ASC"
    }
}
