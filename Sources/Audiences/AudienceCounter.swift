public import Foundation
import SQLKit
public import TandemCore
public import TandemStore
import People

/// Sizes an audience rule, with the privacy rules applied: only HR may target on pay, HCE or
/// benefits, and for everyone else groups under the threshold show as "fewer than N".
public struct AudienceCounter: Sendable {
    public static let defaultThreshold = 5
    let database: Database
    let threshold: Int

    public init(database: Database, threshold: Int = AudienceCounter.defaultThreshold) {
        self.database = database
        self.threshold = max(3, threshold)
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

    public static let breakdownColumns = ["country", "department", "worker_type"]

    public func count(_ source: String, seesSensitive: Bool, today: String = EmployeeRules.today()) async throws -> Result {
        let rule = try RuleParser.parse(source)
        if !seesSensitive, let field = rule.fields.first(where: \.sensitive) {
            throw AppError(.forbidden, code: "sensitive_field", message: "Only HR can target on \(field.name) (pay, HCE and benefits are HR-only).", field: "rule")
        }
        let condition = try RuleCompiler(dialect: database.dialect, today: today).sql(rule)
        let total = Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM employees WHERE " + condition).first()?.decode(column: "n", as: Int64.self) ?? 0)
        var breakdown: [String: [Cell]] = [:]
        for column in Self.breakdownColumns {
            let rows = try await database.reader.raw(
                "SELECT \(ident: column) AS v, COUNT(*) AS n FROM employees WHERE " + condition + " GROUP BY \(ident: column) ORDER BY n DESC, v"
            ).all()
            let cells = try rows.map { (try $0.decode(column: "v", as: String?.self) ?? "(none)", Int(try $0.decode(column: "n", as: Int64.self))) }
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
