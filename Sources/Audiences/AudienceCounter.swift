public import Foundation
import SQLKit
public import TandemCore
public import TandemStore
import People

/// Sizes an audience rule, with the privacy rules applied: only HR may target on pay, HCE or
/// benefits, and for everyone else groups under the threshold show as "fewer than N".
/// Counts cover active employees unless the rule tests `status` itself: leavers cannot be reached.
public struct AudienceCounter: Sendable {
    public static let defaultThreshold = 5
    public static let sampleSize = 10
    let database: Database
    let threshold: Int
    let store: AudienceStore
    let sizes = SizeCache()

    public init(database: Database, threshold: Int = AudienceCounter.defaultThreshold) {
        self.database = database
        self.threshold = max(3, threshold)
        self.store = AudienceStore(database: database)
    }

    public struct Cell: Sendable, Encodable, Equatable {
        public let value: String
        /// nil when suppressed.
        public let count: Int?
    }

    public struct Result: Sendable, Encodable {
        public let rule: String
        public let count: Int?
        public let suppressed: Bool
        public let display: String
        public let breakdown: [String: [Cell]]
    }

    /// One matching person in a preview: ordinary directory fields only.
    public struct SamplePerson: Sendable, Encodable, Equatable {
        public let id: Int64
        public let employeeId: String
        public let name: String
        public let jobTitle: String?
        public let department: String?
        public let country: String
        public let site: String?
    }

    /// A count with a few matching people, for the rule builder.
    public struct Preview: Sendable, Encodable {
        public let result: Result
        /// nil when hidden; `sampleNote` then says why.
        public let sample: [SamplePerson]?
        public let sampleNote: String?
    }

    public static let breakdownColumns = ["country", "department", "worker_type"]

    /// Parses, checks privacy and resolves saved audiences; returns the SQL condition.
    func prepare(_ source: String, seesSensitive: Bool, today: String) async throws -> (rule: Rule, condition: SQLQueryString, sensitive: Bool) {
        // Definitions are read only when the rule names a custom attribute: a count is a fraction
        // of a millisecond, and one more query would be a third of it.
        let attributes = source.contains(AttributeDefinition.prefix) ? try await AttributeStore.all(on: database.reader) : []
        let rule = try RuleParser.parse(source, attributes: attributes)
        if !seesSensitive, let field = rule.fields.first(where: \.sensitive) {
            throw AppError(.forbidden, code: "sensitive_field", message: "Only HR can target on \(field.name) (pay, HCE and benefits are HR-only).", field: "rule")
        }
        let saved = try await store.definitions(for: rule, includeMembers: false)
        if !seesSensitive, let refusal = saved.refusesForNonHR(rule) { throw refusal }
        let targeted = rule.testsStatus ? rule : .all([rule, .compare(RuleField.named("status")!, .equal, .text("active"))])
        let condition = try RuleCompiler(dialect: database.dialect, today: today, resolve: saved.resolve).sql(targeted)
        return (rule, condition, saved.usesSensitive(rule))
    }

    /// A rule as an SQL condition over `employees`, without the active-only filter: for
    /// breaking down people who already received something (leavers since still count).
    /// Sensitive fields are refused unless `seesSensitive`, as for counts.
    public func membership(_ source: String, seesSensitive: Bool, today: String = EmployeeRules.today()) async throws -> SQLQueryString {
        let attributes = source.contains(AttributeDefinition.prefix) ? try await AttributeStore.all(on: database.reader) : []
        let rule = try RuleParser.parse(source, attributes: attributes)
        if !seesSensitive, let field = rule.fields.first(where: \.sensitive) {
            throw AppError(.forbidden, code: "sensitive_field", message: "Only HR can target on \(field.name) (pay, HCE and benefits are HR-only).", field: "rule")
        }
        let saved = try await store.definitions(for: rule, includeMembers: false)
        if !seesSensitive, let refusal = saved.refusesForNonHR(rule) { throw refusal }
        return try RuleCompiler(dialect: database.dialect, today: today, resolve: saved.resolve).sql(rule)
    }

    /// Only the number of people a rule selects (no breakdown, no privacy rounding): for
    /// callers that size an audience for themselves, such as delivery and the benchmark.
    public func total(_ source: String, today: String = EmployeeRules.today()) async throws -> Int {
        let (_, condition, _) = try await prepare(source, seesSensitive: true, today: today)
        return try await countRows(condition)
    }

    public func count(_ source: String, seesSensitive: Bool, today: String = EmployeeRules.today()) async throws -> Result {
        let (rule, condition, _) = try await prepare(source, seesSensitive: seesSensitive, today: today)
        return try await result(rule: rule, condition: condition, seesSensitive: seesSensitive)
    }

    /// The count, breakdown and up to `sampleSize` matching people. The sample is withheld from
    /// non-HR callers when the group is under the threshold or the rule (through a saved
    /// audience) selects on pay, HCE or benefits: names would reveal who is in that group.
    public func preview(_ source: String, seesSensitive: Bool, today: String = EmployeeRules.today()) async throws -> Preview {
        let (rule, condition, sensitive) = try await prepare(source, seesSensitive: seesSensitive, today: today)
        let result = try await result(rule: rule, condition: condition, seesSensitive: seesSensitive)
        if !seesSensitive && sensitive {
            return Preview(result: result, sample: nil, sampleNote: "Names are hidden: this audience selects on HR-only fields.")
        }
        if result.suppressed {
            return Preview(result: result, sample: nil, sampleNote: "Names are hidden for groups of fewer than \(threshold).")
        }
        let rows = try await database.reader.raw("""
            SELECT id, employee_id, given_name, family_name, preferred_name, job_title, department, country, site
            FROM employees WHERE
            """ + " " + condition + " ORDER BY id LIMIT \(bind: Self.sampleSize)").all()
        let sample = try rows.map { row in
            SamplePerson(
                id: try row.decode(column: "id", as: Int64.self), employeeId: try row.decode(column: "employee_id", as: String.self),
                name: "\(try row.decode(column: "preferred_name", as: String?.self) ?? row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                jobTitle: try row.decode(column: "job_title", as: String?.self), department: try row.decode(column: "department", as: String?.self),
                country: try row.decode(column: "country", as: String.self), site: try row.decode(column: "site", as: String?.self))
        }
        return Preview(result: result, sample: sample, sampleNote: nil)
    }

    /// The size of a saved audience as `display` text, cached briefly: lists of audiences and
    /// personas show many sizes at once.
    public func size(of audience: Audience, seesSensitive: Bool, today: String = EmployeeRules.today()) async throws -> String {
        let key = "\(audience.id)/\(audience.version)/\(today)"
        let total: Int
        if let cached = sizes.get(key) {
            total = cached
        } else {
            // Sizing a saved audience reads what its owner chose; the privacy rule is the threshold below.
            let (_, condition, _) = try await prepare(Rule.inAudience(audience.name).text, seesSensitive: true, today: today)
            total = try await countRows(condition)
            sizes.put(key, total)
        }
        if !seesSensitive && total > 0 && total < threshold { return "fewer than \(threshold)" }
        return "\(total) \(total == 1 ? "person" : "people")"
    }

    func countRows(_ condition: SQLQueryString) async throws -> Int {
        Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM employees WHERE " + condition).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    /// The total and the three breakdowns from one grouped scan: at a million employees four
    /// separate scans cost four times as much, and the groups (countries × departments × worker
    /// types) are few.
    func result(rule: Rule, condition: SQLQueryString, seesSensitive: Bool) async throws -> Result {
        let rows = try await database.reader.raw("""
            SELECT country, department, worker_type, COUNT(*) AS n FROM employees WHERE
            """ + " " + condition + " GROUP BY country, department, worker_type").all()
        var total = 0
        var tallies: [String: [String: Int]] = [:]
        for row in rows {
            let n = Int(try row.decode(column: "n", as: Int64.self))
            total += n
            for column in Self.breakdownColumns {
                tallies[column, default: [:]][try row.decode(column: column, as: String?.self) ?? "(none)", default: 0] += n
            }
        }
        var breakdown: [String: [Cell]] = [:]
        for column in Self.breakdownColumns {
            let cells = (tallies[column] ?? [:]).map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            breakdown[column] = seesSensitive ? cells.map { Cell(value: $0.0, count: $0.1) } : Self.suppress(cells, threshold: threshold)
        }
        let hidden = !seesSensitive && total > 0 && total < threshold
        return Result(
            rule: rule.text, count: hidden ? nil : total, suppressed: hidden,
            display: hidden ? "fewer than \(threshold)" : "\(total) \(total == 1 ? "person" : "people")", breakdown: breakdown)
    }

    /// Hides cells under the threshold. If exactly one cell would be hidden, the next smallest is
    /// hidden too, so the hidden one cannot be recovered by subtracting the others from the total.
    static func suppress(_ cells: [(String, Int)], threshold: Int) -> [Cell] {
        var hidden = Set(cells.indices.filter { cells[$0].1 < threshold })
        if hidden.count == 1, let next = cells.indices.filter({ !hidden.contains($0) }).min(by: { cells[$0].1 < cells[$1].1 }) {
            hidden.insert(next)
        }
        return cells.indices.map { Cell(value: cells[$0].0, count: hidden.contains($0) ? nil : cells[$0].1) }
    }
}
