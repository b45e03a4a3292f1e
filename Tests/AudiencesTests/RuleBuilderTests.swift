@testable import Audiences
import TandemCore
import Testing

@Suite("Rule builder rows ↔ rule text")
struct RuleBuilderTests {
    typealias Row = RuleBuilder.Condition

    @Test("rows become rule text the parser accepts, with values quoted by field type")
    func rowsToText() throws {
        let builder = RuleBuilder(match: .all, conditions: [
            Row(field: "country", op: "in", value: "US, CA"), Row(field: "hire_date", op: ">=", value: "today - 90d"),
            Row(field: "benefits.401k.enrolled", op: "is false", value: ""), Row(field: "job_title", op: "contains", value: #"Lead "A""#),
            Row(field: "annual_pay", op: "<", value: "85000"), Row(field: "audience", op: "not in", value: "New hires"),
        ])
        let text = try builder.text()
        #expect(text == #"country in ("US", "CA") and hire_date >= today - 90d and not benefits.401k.enrolled and job_title contains "Lead \"A\"" and annual_pay < 85000 and not in audience "New hires""#)
        let rule = try RuleParser.parse(text)
        #expect(RuleBuilder.rows(for: rule) == builder)
        #expect(try RuleBuilder(match: .any, conditions: [Row(field: "site", op: "is empty", value: ""), Row(field: "hce", op: "is true", value: "")]).text() == "site is empty or hce")
    }

    @Test("errors name the condition they are in")
    func errors() {
        let badDate = #expect(throws: AppError.self) {
            try RuleBuilder(match: .all, conditions: [Row(field: "country", op: "=", value: "US"), Row(field: "hire_date", op: ">=", value: "soon")]).text()
        }
        #expect(badDate?.message.hasPrefix("Condition 2: ") == true)
        let empty = #expect(throws: AppError.self) { try RuleBuilder(match: .all, conditions: [Row(field: "country", op: "=", value: " ")]).text() }
        #expect(empty?.message == "Condition 1: enter a value for country.")
        #expect(throws: AppError.self) { try RuleBuilder(match: .all, conditions: [Row(field: "salary", op: "=", value: "1")]).text() }
        #expect(throws: AppError.self) { try RuleBuilder(match: .all, conditions: [Row(field: "country", op: "~", value: "US")]).text() }
        #expect(throws: AppError.self) { try RuleBuilder(match: .all, conditions: []).text() }
        #expect(RuleBuilder(match: .all, conditions: [Row(field: "country", op: "=", value: "US"), Row(field: "site", op: "=", value: "")]).partialText() == #"country = "US""#)
    }

    @Test("nested rules stay in the text box: the builder shows flat lists only")
    func nested() throws {
        #expect(RuleBuilder.rows(for: try RuleParser.parse(#"country = "US" or (site = "A" and hce)"#)) == nil)
        #expect(RuleBuilder.rows(for: try RuleParser.parse(#"site in ("A, B", "C")"#)) == nil)
        #expect(RuleBuilder.rows(for: try RuleParser.parse(#"country = "US""#))?.conditions == [Row(field: "country", op: "=", value: "US")])
    }

    @Test("pasted employee id lists: any separator, duplicates merged, bad ids named")
    func ids() throws {
        #expect(try AudienceRules.employeeIDs("E1\nE2, E3;E2\r\n\tE4 ") == ["E1", "E2", "E3", "E4"])
        #expect(throws: AppError.self) { try AudienceRules.employeeIDs(" \n ,") }
        let long = #expect(throws: AppError.self) { try AudienceRules.employeeIDs(String(repeating: "x", count: 65)) }
        #expect(long?.field == "employee_ids")
    }
}
