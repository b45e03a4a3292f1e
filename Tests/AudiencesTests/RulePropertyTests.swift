@testable import Audiences
import Audit
import Foundation
import People
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Random rules over a generated workforce: the SQL the compiler writes must select exactly the
/// employees the in-memory evaluator picks, on both engines.
@Suite("Rule language: SQL result = in-memory result")
struct RulePropertyTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
    }

    static let today = "2026-11-23"

    /// Values drawn from the data itself, so conditions match some people and miss others.
    static func rule(_ g: inout Generator, people: [Employee], attributes: [RuleField] = [], depth: Int) -> Rule {
        if depth > 0, g.next(3) == 0 {
            let parts = (0..<(2 + g.next(2))).map { _ in rule(&g, people: people, attributes: attributes, depth: depth - 1) }
            return g.next(2) == 0 ? .all(parts) : .any(parts)
        }
        if depth > 0, g.next(6) == 0 { return .not(rule(&g, people: people, attributes: attributes, depth: depth - 1)) }
        let sample = g.pick(people)
        let evaluator = RuleEvaluator(today: today)
        // Custom attributes are drawn as often as all the built-in fields together.
        let builtIn = RuleField.columns + [RuleField.named("benefits.401k.enrolled")!, RuleField.named("benefits.401k.deferral_percent")!]
        let field = !attributes.isEmpty && g.next(2) == 0 ? g.pick(attributes) : g.pick(builtIn)
        let value = evaluator.value(field, sample)
        switch field.kind {
        case .text:
            if field.name == "status" { return .compare(field, g.pick([.equal, .notEqual]), .text(g.pick(["active", "leaver"]))) }
            guard case .text(let text)? = value else { return .isEmpty(field) }
            switch g.next(6) {
            case 0: return .compare(field, g.pick([.equal, .notEqual]), .text(text))
            case 1: return .oneOf(field, [.text(text), .text(evaluator.value(field, g.pick(people)).flatMap { if case .text(let t) = $0 { t } else { nil } } ?? "zz")])
            case 2: return .contains(field, String(text.dropFirst(g.next(3)).prefix(3)))
            case 3: return .startsWith(field, String(text.prefix(1 + g.next(4))))
            case 4: return .isEmpty(field)
            default: return .compare(field, .equal, .text(text.uppercased()))
            }
        case .number:
            guard case .number(let number)? = value else { return .isEmpty(field) }
            return .compare(field, g.pick([.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]), .number(number + Double(g.next(3) - 1)))
        case .date:
            let op = g.pick([Comparison.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual])
            if g.next(2) == 0 { return .compare(field, op, .relativeDate(amount: -(g.next(40)), unit: g.pick([.d, .w, .m, .y]))) }
            guard case .date(let day)? = value else { return .isEmpty(field) }
            return .compare(field, op, .date(day))
        case .boolean:
            return g.next(2) == 0 ? .isTrue(field) : .compare(field, g.pick([.equal, .notEqual]), .boolean(g.next(2) == 0))
        }
    }

    @Test("300 generated rules select the same people in SQL and in memory", arguments: TestDatabase.kinds)
    func sqlMatchesMemory(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Migrator(AuditFeature.migrations + PeopleFeature.migrations)) { (database: Database) async throws in
            var people = DemoPeople.generate(count: 400, seed: 99, today: Self.today)
            for index in stride(from: 0, to: people.count, by: 17) { people[index].site = "" }  // empty text is not missing text
            for index in stride(from: 5, to: people.count, by: 23) { people[index].jobTitle = "Ünïcode Størë Lead" }
            try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
            let attributes = AttributeStore(database: database)
            var defined: [AttributeDefinition] = []
            for draft in try DemoAttributes.definitions() + [
                try AttributeDraft(name: "grade", label: nil, kind: .text, options: [], sensitive: false, description: ""),
                try AttributeDraft(name: "score", label: nil, kind: .number, options: [], sensitive: true, description: ""),
            ] { defined.append(try await attributes.create(draft, by: .system)) }
            var values = DemoAttributes.values(for: people)
            for (index, person) in people.enumerated() {
                if index % 3 != 0 { values[person.employeeId, default: [:]]["grade"] = ["", "B", "b", "A+", "Ä"][index % 5].isEmpty ? nil : ["", "B", "b", "A+", "Ä"][index % 5] }
                if index % 4 != 0 { values[person.employeeId, default: [:]]["score"] = AttributeValue.canonicalNumber(Double(index % 7) - 2.5) }
            }
            try await attributes.set(values, attributes: defined, summary: "seed", by: .system)
            let stored = try await EmployeeStore(database: database).list(EmployeeFilter(), cursor: nil, limit: 1_000, includeSensitive: true, today: Self.today).items
            #expect(stored.count == 400)
            #expect(stored.filter { !$0.attributes.isEmpty }.count > 300, "attributes are loaded with the employees")
            let attributeFields = defined.map(RuleField.init(attribute:))
            let compiler = RuleCompiler(dialect: database.dialect, today: Self.today)
            let evaluator = RuleEvaluator(today: Self.today)
            var generator = Generator(state: 2026)
            var nonTrivial = 0
            var attributeRules = 0
            for _ in 0..<300 {
                let rule = Self.rule(&generator, people: stored, attributes: attributeFields, depth: 3)
                let sql: SQLQueryString = "SELECT employee_id FROM employees WHERE " + (try compiler.sql(rule)) + " ORDER BY employee_id"
                let fromSQL = try await database.reader.raw(sql).all().map { try $0.decode(column: "employee_id", as: String.self) }
                let inMemory = try stored.filter { try evaluator.matches(rule, $0) }.map(\.employeeId).sorted()
                #expect(fromSQL == inMemory, "rule: \(rule.text)")
                if !inMemory.isEmpty && inMemory.count < stored.count { nonTrivial += 1 }
                if rule.fields.contains(where: { $0.attribute != nil }) { attributeRules += 1 }
                if fromSQL != inMemory { break }
            }
            #expect(nonTrivial > 100, "the generator must produce rules that split the workforce (\(nonTrivial))")
            #expect(attributeRules > 60, "custom attributes must be exercised (\(attributeRules) rules read one)")
        }
    }
}
