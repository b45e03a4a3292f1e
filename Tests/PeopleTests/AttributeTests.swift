import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Custom attributes")
struct AttributeTests {
    static let actor = AuditActor(userID: nil, label: "hr@example.com", channel: .cli)

    static func define(_ store: AttributeStore) async throws -> [AttributeDefinition] {
        [
            try await store.create(try AttributeDraft(name: "shift", label: "Shift", kind: .list, options: ["day", "night"], sensitive: false, description: ""), by: actor),
            try await store.create(try AttributeDraft(name: "union_member", label: nil, kind: .boolean, options: [], sensitive: true, description: ""), by: actor),
            try await store.create(try AttributeDraft(name: "training_due", label: nil, kind: .date, options: [], sensitive: false, description: ""), by: actor),
            try await store.create(try AttributeDraft(name: "remote_days", label: nil, kind: .number, options: [], sensitive: false, description: ""), by: actor),
            try await store.create(try AttributeDraft(name: "badge", label: nil, kind: .text, options: [], sensitive: false, description: ""), by: actor),
        ]
    }

    func request(_ text: String, sensitive: Bool = true, skip: Bool = false) -> EmployeeImporter.Request {
        var request = EmployeeImporter.Request(fileName: "hris.csv", data: Data(text.utf8))
        request.options.allowSensitive = sensitive
        request.options.skipBadRows = skip
        request.options.mode = .partial
        request.options.today = "2026-11-23"
        return request
    }

    @Test("definitions are validated; name and type are fixed; options in use stay; deletes are refused while used", arguments: TestDatabase.kinds)
    func definitions(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = AttributeStore(database: database)
            let defined = try await Self.define(store)
            #expect(defined[0].fieldName == "attr.shift" && defined[0].options == ["day", "night"])
            #expect(defined[1].label == "Union Member")

            for bad in ["", "Shift", "1st", "has space", "a-b", String(repeating: "x", count: 41), "status", "benefits"] {
                #expect(throws: AppError.self, "name \(bad)") { try AttributeDraft(name: bad, label: nil, kind: .text, options: [], sensitive: false, description: "") }
            }
            #expect(throws: AppError.self) { try AttributeDraft(name: "grade", label: nil, kind: .list, options: [], sensitive: false, description: "") }
            #expect(throws: AppError.self) { try AttributeDraft(name: "grade", label: nil, kind: .list, options: ["A", "a"], sensitive: false, description: "") }
            #expect(throws: AppError.self) { try AttributeDraft(name: "grade", label: nil, kind: .text, options: ["A"], sensitive: false, description: "") }
            let duplicate = await #expect(throws: AppError.self) {
                try await store.create(try AttributeDraft(name: "shift", label: nil, kind: .text, options: [], sensitive: false, description: ""), by: Self.actor)
            }
            #expect(duplicate?.status == .conflict)

            let retyped = await #expect(throws: AppError.self) {
                try await store.update("shift", try AttributeDraft(name: "shift", label: nil, kind: .text, options: [], sensitive: false, description: ""), usedBy: [], by: Self.actor)
            }
            #expect(retyped?.field == "kind")

            // An option someone holds cannot be removed; one nobody holds can.
            try await EmployeeStore(database: database).upsert(DemoPeople.generate(count: 10, today: "2026-11-23"), summary: "seed", by: Self.actor)
            try await store.set(["E00001": ["shift": "night"]], attributes: [defined[0]], summary: "seed", by: Self.actor)
            let held = await #expect(throws: AppError.self) {
                try await store.update("shift", try AttributeDraft(name: "shift", label: "Shift", kind: .list, options: ["day"], sensitive: false, description: ""), usedBy: [], by: Self.actor)
            }
            #expect(held?.message.contains("night") == true)
            let widened = try await store.update("shift", try AttributeDraft(name: "shift", label: "Shift pattern", kind: .list, options: ["day", "night", "late"], sensitive: false, description: ""), usedBy: [], by: Self.actor)
            #expect(widened.options == ["day", "night", "late"] && widened.label == "Shift pattern")
            _ = try await store.update("shift", try AttributeDraft(name: "shift", label: "Shift pattern", kind: .list, options: ["day", "night"], sensitive: false, description: ""), usedBy: [], by: Self.actor)
            // While an audience uses it, the HR-only flag cannot flip.
            let flip = await #expect(throws: AppError.self) {
                try await store.update("shift", try AttributeDraft(name: "shift", label: nil, kind: .list, options: ["day", "night"], sensitive: true, description: ""), usedBy: ["Night crew"], by: Self.actor)
            }
            #expect(flip?.status == .conflict)

            let inUse = await #expect(throws: AppError.self) { try await store.delete("shift", usedBy: ["Night crew"], by: Self.actor) }
            #expect(inUse?.status == .conflict)
            try await store.delete("shift", usedBy: [], by: Self.actor)
            #expect(try await store.find(name: "shift") == nil)
            let employee = try #require(try await EmployeeStore(database: database).find(employeeID: "E00001", includeSensitive: true))
            #expect(employee.attributes["shift"] == nil, "values go with the definition")
        }
    }

    @Test("attr.NAME columns import typed values, idempotently; empty cells clear; other attributes are left alone", arguments: TestDatabase.kinds)
    func importValues(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = AttributeStore(database: database)
            _ = try await Self.define(store)
            let importer = EmployeeImporter(store: ImportStore(database: database))
            let file = """
                employee_id,given_name,family_name,country,attr.shift,Attr.Union_Member,attr.training_due,attr.remote_days
                A1,Ana,Silva,BR,Night,yes,2027-01-31,"2"
                A2,Bo,Berg,SE,day,0,,1.50
                A3,Cy,Cole,US,,,,
                """
            guard case .applied(let plan, let record) = try await importer.run(request(file), by: Self.actor) else { Issue.record("expected apply"); return }
            #expect(record.created == 3)
            #expect(plan.attributes.map(\.name).sorted() == ["remote_days", "shift", "training_due", "union_member"])
            let people = EmployeeStore(database: database)
            let a1 = try #require(try await people.find(employeeID: "A1", includeSensitive: true))
            #expect(a1.attributes == ["shift": "night", "union_member": "true", "training_due": "2027-01-31", "remote_days": "2"])
            let a2 = try #require(try await people.find(employeeID: "A2", includeSensitive: true))
            #expect(a2.attributes == ["shift": "day", "union_member": "false", "remote_days": "1.5"])
            #expect(try await people.find(employeeID: "A3", includeSensitive: true)?.attributes == [:])
            // HR-only values are not read for others.
            #expect(try await people.find(employeeID: "A1", includeSensitive: false)?.attributes["union_member"] == nil)
            #expect(try await people.find(employeeID: "A1", includeSensitive: false)?.attributes["shift"] == "night")

            // The same file again changes nothing.
            guard case .planned(let repeatPlan, nil) = try await importer.run(request(file), by: Self.actor) else { Issue.record("the repeat should write nothing"); return }
            #expect(repeatPlan.updates.isEmpty && repeatPlan.unchanged == 3)

            // A file without the shift column leaves shift alone; an empty cell clears remote_days.
            try await store.set(["A2": ["badge": "B-7"]], attributes: [try #require(try await store.find(name: "badge"))], summary: "seed", by: Self.actor)
            guard case .applied(let second, _) = try await importer.run(request("employee_id,attr.remote_days\nA1,\nA2,3\n"), by: Self.actor) else {
                Issue.record("expected apply"); return
            }
            #expect(second.updates.count == 2)
            #expect(try await people.find(employeeID: "A1", includeSensitive: true)?.attributes == ["shift": "night", "union_member": "true", "training_due": "2027-01-31"])
            #expect(try await people.find(employeeID: "A2", includeSensitive: true)?.attributes == ["shift": "day", "union_member": "false", "remote_days": "3", "badge": "B-7"])
        }
    }

    @Test("bad attribute values are rejected by line and column; unknown and HR-only columns stop the import", arguments: TestDatabase.kinds)
    func badInput(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            _ = try await Self.define(AttributeStore(database: database))
            let importer = EmployeeImporter(store: ImportStore(database: database))
            let file = """
                employee_id,given_name,family_name,country,attr.shift,attr.union_member,attr.training_due,attr.remote_days
                B1,Ana,Silva,BR,graveyard,yes,2027-01-31,2
                B2,Bo,Berg,SE,day,maybe,,1
                B3,Cy,Cole,US,day,no,2027-02-30,1
                B4,Di,Dunn,US,day,no,,lots
                B5,Ed,Eng,US,day,no,,4
                """
            guard case .planned(let plan, let refusal?) = try await importer.run(request(file), by: Self.actor) else { Issue.record("expected a refusal"); return }
            #expect(refusal.contains("4 row(s)"))
            #expect(plan.rejected.map(\.line) == [2, 3, 4, 5])
            #expect(plan.rejected.map(\.field) == ["attr.shift", "attr.union_member", "attr.training_due", "attr.remote_days"])
            #expect(plan.rejected[0].message.contains(#""day", "night""#))
            #expect(try await EmployeeStore(database: database).count() == 0, "nothing is written")
            guard case .applied(_, let record) = try await importer.run(request(file, skip: true), by: Self.actor) else { Issue.record("expected apply"); return }
            #expect(record.created == 1 && record.rejected == 4)

            let unknown = await #expect(throws: AppError.self) { try await importer.run(request("employee_id,attr.shoe_size\nB5,42\n"), by: Self.actor) }
            #expect(unknown?.code == "unknown_attribute")
            #expect(unknown?.message.contains("attr.shift") == true, "the message lists what is defined")
            let sensitive = await #expect(throws: AppError.self) { try await importer.run(request("employee_id,attr.union_member\nB5,no\n", sensitive: false), by: Self.actor) }
            #expect(sensitive?.status == .forbidden)
            let twice = await #expect(throws: AppError.self) { try await importer.run(request("employee_id,attr.shift,Attr.Shift\nB5,day,day\n"), by: Self.actor) }
            #expect(twice?.code == "invalid_mapping")
        }
    }

    @Test("a mapping file can send any column to attr.NAME and round-trips")
    func mapping() throws {
        let mapping = try ImportMapping.parse(json: Data(#"{"Worker ID":"employee_id","Shift Pattern":"attr.shift"}"#.utf8))
        #expect(mapping.attributes == ["Shift Pattern": "shift"])
        #expect(try ImportMapping.parse(json: Data(mapping.json.utf8)) == mapping)
        #expect(throws: AppError.self) { try ImportMapping.parse(json: Data(#"{"A":"attr."}"#.utf8)) }
    }
}
