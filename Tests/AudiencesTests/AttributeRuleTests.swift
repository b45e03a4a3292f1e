@testable import Audiences
import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Rule language: custom attributes")
struct AttributeRuleTests {
    static let attributes = [
        AttributeDefinition(id: 1, name: "shift", label: "Shift", kind: .list, options: ["day", "night"]),
        AttributeDefinition(id: 2, name: "union_member", label: "Union", kind: .boolean, sensitive: true),
        AttributeDefinition(id: 3, name: "training_due", label: "Training", kind: .date),
        AttributeDefinition(id: 4, name: "remote_days", label: "Remote", kind: .number),
    ]

    @Test("attr.NAME fields are typed by their definition and print back to the same tree")
    func parse() throws {
        let rule = try RuleParser.parse(#"attr.shift = "night" and attr.remote_days >= 2 and attr.training_due < today + 30d and not attr.union_member"#, attributes: Self.attributes)
        #expect(rule.fields.map(\.name) == ["attr.shift", "attr.remote_days", "attr.training_due", "attr.union_member"])
        #expect(rule.fields.map(\.kind) == [.text, .number, .date, .boolean])
        #expect(rule.fields.filter(\.sensitive).map(\.name) == ["attr.union_member"])
        #expect(try RuleParser.parse(rule.text, attributes: Self.attributes) == rule)
    }

    @Test("unknown attributes, wrong types and values outside a list's options are refused at their position", arguments: [
        (#"attr.shoe = "42""#, "line 1, column 1: there is no custom attribute 'attr.shoe'. Defined: attr.shift, attr.training_due, attr.remote_days."),
        (#"attr.shift = "graveyard""#, #"line 1, column 14: attr.shift is one of "day", "night"."#),
        (#"attr.shift in ("day", "Night")"#, #"line 1, column 23: attr.shift is one of"#),
        ("attr.remote_days = \"two\"", "line 1, column 20: expected a number"),
        (#"attr.training_due > "soon""#, "line 1, column 21: expected a date"),
        (#"attr.shift < "day""#, "line 1, column 12: '<' compares numbers and dates"),
        ("attr.remote_days", "line 1, column 17: expected an operator"),
    ])
    func errors(source: String, message: String) {
        let error = #expect(throws: AppError.self) { try RuleParser.parse(source, attributes: Self.attributes) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("union_member") != true, "HR-only attribute names are not listed")
    }

    @Test("without the definitions an attr field is unknown")
    func needsDefinitions() {
        #expect(throws: AppError.self) { try RuleParser.parse(#"attr.shift = "day""#) }
    }

    @Test("counting: non-HR cannot target an HR-only attribute; saved audiences that read one are found for the guard", arguments: TestDatabase.kinds)
    func counting(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Migrator(AuditFeature.migrations + PeopleFeature.migrations + AudiencesFeature.migrations)) { (database: Database) async throws in
            let people = DemoPeople.generate(count: 300, today: "2026-11-23")
            try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
            let store = AttributeStore(database: database)
            var defined: [AttributeDefinition] = []
            for draft in try DemoAttributes.definitions() { defined.append(try await store.create(draft, by: .system)) }
            let values = DemoAttributes.values(for: people)
            try await store.set(values, attributes: defined, summary: "seed", by: .system)

            let counter = AudienceCounter(database: database, threshold: 5)
            let nights = people.filter { $0.status(on: "2026-11-23") == .active && values[$0.employeeId]?["shift"] == "night" }.count
            #expect(nights >= 5)
            #expect(try await counter.count(#"attr.shift = "night""#, seesSensitive: false, today: "2026-11-23").count == nights)
            let refused = await #expect(throws: AppError.self) { _ = try await counter.count("attr.union_member", seesSensitive: false, today: "2026-11-23") }
            #expect(refused?.status == .forbidden)
            let members = people.filter { $0.status(on: "2026-11-23") == .active && values[$0.employeeId]?["union_member"] == "true" }.count
            #expect(try await counter.count("attr.union_member", seesSensitive: true, today: "2026-11-23").count == members)
            #expect(try await counter.count("attr.union_member is empty", seesSensitive: true, today: "2026-11-23").count
                == people.filter { $0.status(on: "2026-11-23") == .active && values[$0.employeeId]?["union_member"] == nil }.count)

            let audiences = AudienceStore(database: database)
            let draft = try AudienceDraft.make(name: "Night crew", description: "", rule: #"worker_type = "frontline" and attr.shift = "night""#, employeeIDs: nil, attributes: defined)
            _ = try await audiences.create(draft, mayUseSensitive: false, by: .system)
            #expect(try await audiences.users(ofAttribute: "shift") == ["Night crew"])
            #expect(try await audiences.users(ofAttribute: "remote_days").isEmpty)
            // A saved rule on an HR-only attribute is marked as reading HR-only fields.
            let hr = try AudienceDraft.make(name: "Union", description: "", rule: "attr.union_member", employeeIDs: nil, attributes: defined)
            #expect(try await audiences.create(hr, mayUseSensitive: true, by: .system).usesSensitiveFields)
            await #expect(throws: AppError.self) { _ = try await audiences.create(try AudienceDraft.make(name: "Union 2", description: "", rule: "attr.union_member", employeeIDs: nil, attributes: defined), mayUseSensitive: false, by: .system) }
            // References resolve the saved rule with the attribute definitions.
            #expect(try await counter.count(#"in audience "Night crew""#, seesSensitive: false, today: "2026-11-23").count
                == people.filter { $0.status(on: "2026-11-23") == .active && $0.workerType == .frontline && values[$0.employeeId]?["shift"] == "night" }.count)
        }
    }
}
