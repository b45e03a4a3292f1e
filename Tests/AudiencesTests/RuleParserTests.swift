import Audiences
import Logging
import NIOCore
import PostgresKit
import SQLKit
import TandemCore
import TandemStore
import Testing

@Suite("Rule language: parsing")
struct RuleParserTests {
    @Test("parses the example from the issue into the expected tree")
    func example() throws {
        let rule = try RuleParser.parse(#"country in ("US","CA") and department = "Sales" and hire_date >= today - 90d and not benefits.401k.enrolled and worker_type = "frontline""#)
        let country = RuleField.named("country")!, department = RuleField.named("department")!, hire = RuleField.named("hire_date")!
        #expect(rule == .all([
            .oneOf(country, [.text("US"), .text("CA")]),
            .compare(department, .equal, .text("Sales")),
            .compare(hire, .greaterOrEqual, .relativeDate(amount: -90, unit: .d)),
            .not(.isTrue(RuleField.named("benefits.401k.enrolled")!)),
            .compare(RuleField.named("worker_type")!, .equal, .text("frontline")),
        ]))
    }

    @Test("and binds tighter than or; the canonical text parses back to the same tree", arguments: [
        #"country = "US" or country = "DE" and worker_type = "desk""#,
        #"(country = "US" or country = "DE") and not (site is empty or job_title starts with "Store")"#,
        #"annual_pay > 100000 and hce = true or benefits.401k.deferral_percent >= 6"#,
        #"status = "leaver" and termination_date >= 2026-01-01 and hire_date < today - 1y"#,
        #"department not in ("IT", "Legal") and job_title contains "Manager" and manager_id is not empty"#,
        #"in audience "New hires" and not hce"#,
    ])
    func roundTrip(source: String) throws {
        let rule = try RuleParser.parse(source)
        #expect(try RuleParser.parse(rule.text) == rule, "\(rule.text)")
    }

    @Test("errors point at the exact position and say what was expected", arguments: [
        (#"hire_date >= "soon""#, "line 1, column 14: expected a date after '>='"),
        (#"country = "US" and"#, "line 1, column 19: expected a field name"),
        (#"salary > 5"#, "line 1, column 1: unknown field 'salary'"),
        (#"country < "US""#, "line 1, column 9: '<' compares numbers and dates"),
        (#"annual_pay = "lots""#, "line 1, column 14: expected a number"),
        (#"country = "US"#, "line 1, column 11: this text has no closing \""),
        ("country = \"US\"\nand (site = \"X\"", "line 2, column 16: expected ')'"),
        (#"hire_date > today - 90"#, "line 1, column 21: expected a duration"),
        (#"country in "US""#, "line 1, column 12: expected '(' to start the list"),
        (#"status = "gone""#, "status is \"active\" or \"leaver\""),
        (#"hire_date = 2025-02-30"#, "2025-02-30 is not a real date"),
        (#"country"#, "expected an operator"),
        (#"country = "US" "DE""#, "expected 'and', 'or' or the end of the rule"),
        ("", "The rule is empty"),
        (#"country = "US" ; drop table employees"#, "unexpected ';'"),
    ])
    func errors(source: String, message: String) {
        do {
            _ = try RuleParser.parse(source)
            Issue.record("should not parse: \(source)")
        } catch let error as AppError {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.field == "rule")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("deep nesting and huge rules are refused, not crashed on")
    func limits() {
        #expect(throws: AppError.self) { try RuleParser.parse(String(repeating: "(", count: 200) + "hce" + String(repeating: ")", count: 200)) }
        #expect(throws: AppError.self) { try RuleParser.parse(String(repeating: "hce and ", count: 2_000) + "hce") }
    }
}

@Suite("Rule language: SQL")
struct RuleCompilerTests {
    /// Only serialises a query to text and binds; it never runs one (the store tests do that).
    struct Serializer: SQLDatabase {
        let dialect: any SQLDialect
        var logger: Logger { .init(label: "fake") }
        var eventLoop: any EventLoop { fatalError() }
        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> { fatalError() }
    }

    @Test("compiles to parameterised SQL: values are binds, never text in the statement")
    func binds() throws {
        let rule = try RuleParser.parse(#"country in ("US", "CA") and job_title contains "'; DROP TABLE employees; --" and hire_date >= today - 90d"#)
        let sql = try RuleCompiler(dialect: Dialect(.postgres), today: "2026-11-23").sql(rule)
        let (text, binds) = Serializer(dialect: PostgresDialect()).serialize(sql)
        #expect(text == #"((country IN ($1, $2)) AND (strpos(job_title, $3) > 0) AND (hire_date COLLATE "C" >= $4))"#)
        #expect(binds.count == 4)
        #expect(binds[2] as? String == "'; DROP TABLE employees; --")
        #expect(binds[3] as? String == "2026-08-25")
        // Under `not`, a missing value must not make the condition unknown: it is wrapped.
        let negated = try RuleCompiler(dialect: Dialect(.postgres), today: "2026-11-23").sql(try RuleParser.parse(#"country = "US" and not department = "Sales""#))
        #expect(Serializer(dialect: PostgresDialect()).serialize(negated).0 == #"((country = $1) AND (NOT COALESCE(department = $2, FALSE)))"#)
    }

    @Test("audience references are followed and cycles refused")
    func references() throws {
        let rules = ["A": try RuleParser.parse(#"in audience "B""#), "B": try RuleParser.parse(#"in audience "A""#), "C": try RuleParser.parse("hce")]
        let compiler = RuleCompiler(dialect: Dialect(.sqlite), today: "2026-11-23") { name in
            guard let rule = rules[name] else { throw AppError.invalid("rule", "Unknown audience \"\(name)\".") }
            return .rule(rule)
        }
        #expect(throws: AppError.self) { try compiler.sql(try RuleParser.parse(#"in audience "A""#)) }
        #expect(throws: AppError.self) { try compiler.sql(try RuleParser.parse(#"in audience "Nope""#)) }
        _ = try compiler.sql(try RuleParser.parse(#"in audience "C" and country = "US""#))
    }

    @Test("relative dates move by the calendar")
    func relative() {
        #expect(DateRules.resolve(amount: -90, unit: .d, today: "2026-11-23") == "2026-08-25")
        #expect(DateRules.resolve(amount: -1, unit: .m, today: "2026-03-31") == "2026-02-28")
        #expect(DateRules.resolve(amount: -1, unit: .y, today: "2024-02-29") == "2023-02-28")
        #expect(DateRules.resolve(amount: 2, unit: .w, today: "2026-12-25") == "2027-01-08")
    }
}
