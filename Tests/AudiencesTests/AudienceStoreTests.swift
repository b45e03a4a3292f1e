@testable import Audiences
import Audit
import Foundation
import People
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Saved audiences, versions, lists and references")
struct AudienceStoreTests {
    static let today = "2026-11-23"
    static let migrator = Migrator(AuditFeature.migrations + PeopleFeature.migrations + AudiencesFeature.migrations)
    static let hr = AuditActor(userID: nil, label: "hr@example.com", channel: .api)

    static func rule(_ name: String, _ text: String) throws -> AudienceDraft {
        try AudienceDraft.make(name: name, description: "", rule: text, employeeIDs: nil, attributes: [])
    }

    static func seeded(_ database: Database) async throws -> [Employee] {
        let people = DemoPeople.generate(count: 300, seed: 7, today: today)
        try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
        return try await EmployeeStore(database: database).list(EmployeeFilter(), cursor: nil, limit: 1_000, includeSensitive: true, today: today).items
    }

    @Test("saving makes versions; old versions stay readable", arguments: TestDatabase.kinds)
    func versions(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            let store = AudienceStore(database: database)
            let first = try await store.create(try Self.rule("Brazil", #"country = "BR""#), mayUseSensitive: false, by: Self.hr)
            #expect(first.version == 1 && first.kind == .rule && first.rule == #"country = "BR""#)
            let second = try await store.update(first.id, try Self.rule("Brazil frontline", #"country = "BR" and worker_type = "frontline""#), mayUseSensitive: false, by: Self.hr)
            #expect(second.version == 2 && second.name == "Brazil frontline")
            let history = try await store.versions(of: first.id)
            #expect(history.map(\.version) == [2, 1])
            #expect(history.last?.rule == #"country = "BR""# && history.last?.name == "Brazil")
            await #expect(throws: AppError.self) { _ = try await store.create(try Self.rule("brazil FRONTLINE", "hce"), mayUseSensitive: true, by: Self.hr) }
            let audit = try await database.reader.raw("SELECT action FROM audit_log WHERE entity_type = 'audience' ORDER BY id").all().map { try $0.decode(column: "action", as: String.self) }
            #expect(audit == ["audience.create", "audience.update"])
        }
    }

    @Test("in audience follows saved rules and lists, the same in SQL and in memory", arguments: TestDatabase.kinds)
    func references(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            let people = try await Self.seeded(database)
            let store = AudienceStore(database: database)
            _ = try await store.create(try Self.rule("Frontline", #"worker_type = "frontline""#), mayUseSensitive: false, by: Self.hr)
            let picked = people.enumerated().filter { $0.offset % 9 == 0 }.map(\.element.employeeId)
            let list = try await store.create(AudienceDraft(name: "Volunteers", description: "", definition: .list(picked)), mayUseSensitive: false, by: Self.hr)
            #expect(list.kind == .list && list.listSize == picked.count)
            _ = try await store.create(try Self.rule("Frontline volunteers", #"in audience "frontline" and in audience "Volunteers""#), mayUseSensitive: false, by: Self.hr)

            for text in [#"in audience "Frontline volunteers""#, #"not in audience "Volunteers" and country = "US""#, #"in audience "Volunteers" or hce"#] {
                let rule = try RuleParser.parse(text)
                let forSQL = try await store.definitions(for: rule, includeMembers: false)
                let sql: SQLQueryString = "SELECT employee_id FROM employees WHERE " + (try RuleCompiler(dialect: database.dialect, today: Self.today, resolve: forSQL.resolve).sql(rule)) + " ORDER BY employee_id"
                let fromSQL = try await database.reader.raw(sql).all().map { try $0.decode(column: "employee_id", as: String.self) }
                let inMemory = try await store.definitions(for: rule, includeMembers: true)
                let evaluator = RuleEvaluator(today: Self.today, resolve: inMemory.resolve)
                let expected = try people.filter { try evaluator.matches(rule, $0) }.map(\.employeeId).sorted()
                #expect(fromSQL == expected, "\(text)")
                #expect(!expected.isEmpty, "\(text) should select someone")
            }
            let both = Set(picked).intersection(people.filter { $0.workerType == .frontline && $0.status(on: Self.today) == .active }.map(\.employeeId))
            let counted = try await AudienceCounter(database: database).count(#"in audience "Frontline volunteers""#, seesSensitive: false, today: Self.today)
            #expect(counted.count == both.count)
        }
    }

    @Test("unknown names, cycles, renames and deletes of used audiences are refused with clear messages", arguments: TestDatabase.kinds)
    func guards(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            _ = try await Self.seeded(database)
            let store = AudienceStore(database: database)
            let a = try await store.create(try Self.rule("A", #"country = "US""#), mayUseSensitive: false, by: Self.hr)
            let b = try await store.create(try Self.rule("B", #"in audience "A" and worker_type = "desk""#), mayUseSensitive: false, by: Self.hr)
            let c = try await store.create(try Self.rule("C", #"in audience "B""#), mayUseSensitive: false, by: Self.hr)

            let unknown = await #expect(throws: AppError.self) { _ = try await store.create(try Self.rule("D", #"in audience "Nobody""#), mayUseSensitive: false, by: Self.hr) }
            #expect(unknown?.message.contains("no saved audience named \"Nobody\"") == true)
            let cycle = await #expect(throws: AppError.self) { _ = try await store.update(a.id, try Self.rule("A", #"in audience "C""#), mayUseSensitive: false, by: Self.hr) }
            #expect(cycle?.field == "rule" && cycle?.message.contains("refers back to itself") == true)
            let selfReference = await #expect(throws: AppError.self) { _ = try await store.update(c.id, try Self.rule("C", #"in audience "c""#), mayUseSensitive: false, by: Self.hr) }
            #expect(selfReference?.field == "rule")
            let rename = await #expect(throws: AppError.self) { _ = try await store.update(a.id, try Self.rule("A2", #"country = "US""#), mayUseSensitive: false, by: Self.hr) }
            #expect(rename?.status == .conflict && rename?.message.contains("B") == true)
            let delete = await #expect(throws: AppError.self) { try await store.delete(b.id, mayUseSensitive: false, by: Self.hr) }
            #expect(delete?.status == .conflict)
            // Nothing was half-written by the refused saves.
            let unchanged = try await store.find(id: a.id)
            let aVersions = try await store.versions(of: a.id)
            #expect(unchanged?.version == 1 && aVersions.count == 1)
            try await store.delete(c.id, mayUseSensitive: false, by: Self.hr)
            try await store.delete(b.id, mayUseSensitive: false, by: Self.hr)
            let gone = try await store.find(id: b.id)
            let goneVersions = try await store.versions(of: b.id)
            #expect(gone == nil && goneVersions.isEmpty)
        }
    }

    @Test("lists refuse unknown ids; HR-only fields stay HR's, and referrers learn they read them", arguments: TestDatabase.kinds)
    func listsAndPrivacy(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            let people = try await Self.seeded(database)
            let store = AudienceStore(database: database)
            let bad = await #expect(throws: AppError.self) {
                _ = try await store.create(AudienceDraft(name: "L", description: "", definition: .list([people[0].employeeId, "NOPE-1", "NOPE-2"])), mayUseSensitive: true, by: Self.hr)
            }
            #expect(bad?.field == "employee_ids" && bad?.message.contains("NOPE-1, NOPE-2") == true)
            #expect(try await store.all().isEmpty)

            let forbidden = await #expect(throws: AppError.self) { _ = try await store.create(try Self.rule("Rich", "hce"), mayUseSensitive: false, by: Self.hr) }
            #expect(forbidden?.status == .forbidden)
            let base = try await store.create(try Self.rule("US", #"country = "US""#), mayUseSensitive: false, by: Self.hr)
            let user = try await store.create(try Self.rule("US desk", #"in audience "US" and worker_type = "desk""#), mayUseSensitive: false, by: Self.hr)
            #expect(!user.usesSensitiveFields)
            _ = try await store.update(base.id, try Self.rule("US", #"country = "US" and not hce"#), mayUseSensitive: true, by: Self.hr)
            #expect(try await store.find(id: user.id)?.usesSensitiveFields == true)
            let locked = await #expect(throws: AppError.self) { _ = try await store.update(base.id, try Self.rule("US", #"country = "US""#), mayUseSensitive: false, by: Self.hr) }
            #expect(locked?.status == .forbidden)

            // Non-HR may target the HR audience, but sees no names from it.
            let preview = try await AudienceCounter(database: database).preview(#"in audience "US desk""#, seesSensitive: false, today: Self.today)
            #expect(preview.sample == nil && preview.sampleNote?.contains("HR-only") == true)
            let hrPreview = try await AudienceCounter(database: database).preview(#"in audience "US desk""#, seesSensitive: true, today: Self.today)
            #expect(hrPreview.sample?.isEmpty == false)
            // Nor can they single someone out of it by comparing two counts.
            let someone = try #require(people.first { $0.country == "US" }).employeeId
            let probe = await #expect(throws: AppError.self) {
                _ = try await AudienceCounter(database: database).count("in audience \"US desk\" and employee_id != \"\(someone)\"", seesSensitive: false, today: Self.today)
            }
            #expect(probe?.code == "identifying_field")
            await #expect(throws: AppError.self) {
                _ = try await store.create(try Self.rule("Probe", #"in audience "US desk" and family_name = "Smith""#), mayUseSensitive: false, by: Self.hr)
            }
            #expect(try await AudienceCounter(database: database).count("in audience \"US desk\" and employee_id != \"\(someone)\"", seesSensitive: true, today: Self.today).count != nil)
        }
    }

    @Test("personas link to audiences; a linked audience cannot be deleted", arguments: TestDatabase.kinds)
    func personas(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            _ = try await Self.seeded(database)
            let audiences = AudienceStore(database: database)
            let personas = PersonaStore(database: database)
            let audience = try await audiences.create(try Self.rule("Frontline", #"worker_type = "frontline""#), mayUseSensitive: false, by: Self.hr)
            let draft = try PersonaDraft(name: "Frontline Fernanda", summary: "Shift worker", needs: "Short news", painPoints: "Email",
                                         channels: ["sms", "chat", "sms"], languages: ["pt-br, en"], interests: ["Safety, Schedules"], audienceID: audience.id)
            #expect(draft.channels == ["sms", "chat"] && draft.languages == ["pt-BR", "en"] && draft.interests == ["Safety", "Schedules"])
            let persona = try await personas.create(draft, by: Self.hr)
            #expect(persona.audienceName == "Frontline")
            await #expect(throws: AppError.self) { _ = try await personas.create(draft, by: Self.hr) }
            let linked = await #expect(throws: AppError.self) { try await audiences.delete(audience.id, mayUseSensitive: true, by: Self.hr) }
            #expect(linked?.message.contains("Frontline Fernanda") == true)
            var changed = draft
            changed.audienceID = 999_999
            let missing = await #expect(throws: AppError.self) { _ = try await personas.update(persona.id, changed, by: Self.hr) }
            #expect(missing?.field == "audience_id")
            try await personas.delete(persona.id, by: Self.hr)
            try await audiences.delete(audience.id, mayUseSensitive: true, by: Self.hr)

            #expect(throws: AppError.self) { _ = try PersonaDraft(name: "X", summary: "", needs: "", painPoints: "", channels: ["fax"], languages: [], interests: [], audienceID: nil) }
            #expect(throws: AppError.self) { _ = try PersonaDraft(name: "X", summary: "", needs: "", painPoints: "", channels: [], languages: ["english!"], interests: [], audienceID: nil) }
            #expect(throws: AppError.self) { _ = try PersonaDraft(name: " ", summary: "", needs: "", painPoints: "", channels: [], languages: [], interests: [], audienceID: nil) }
        }
    }
}
