import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

let peopleMigrator = Migrator(AuditFeature.migrations + PeopleFeature.migrations)

@Suite("Employee store")
struct EmployeeStoreTests {
    @Test("upserts by HRIS id in batches; a second run updates instead of duplicating", arguments: TestDatabase.kinds)
    func upsert(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = EmployeeStore(database: database)
            var people = DemoPeople.generate(count: 450)
            #expect(try await store.upsert(people, summary: "first", by: .system) == 450)
            #expect(try await store.count() == 450)
            people[0].jobTitle = "Chief Listener"
            people[0].sensitive?.benefits = [BenefitEnrollment(plan: "401k", enrolled: true, deferralPercent: 6)]
            try await store.upsert(people, summary: "again", by: .system)
            #expect(try await store.count() == 450)
            let first = try #require(try await store.find(employeeID: people[0].employeeId, includeSensitive: true))
            #expect(first.jobTitle == "Chief Listener")
            #expect(first.sensitive?.benefits == [BenefitEnrollment(plan: "401k", enrolled: true, deferralPercent: 6)])
            let audit = try await AuditStore(database: database).search(AuditQuery(action: "employees.upsert"))
            #expect(audit.items.map(\.summary) == ["again", "first"])
        }
    }

    @Test("sensitive fields are not even read for other roles", arguments: TestDatabase.kinds)
    func redaction(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = EmployeeStore(database: database)
            try await store.upsert(DemoPeople.generate(count: 20), summary: "seed", by: .system)
            let plain = try await store.list(EmployeeFilter(), cursor: nil, limit: 20, includeSensitive: false)
            #expect(plain.items.allSatisfy { $0.sensitive == nil })
            let full = try await store.list(EmployeeFilter(), cursor: nil, limit: 20, includeSensitive: true)
            #expect(full.items.allSatisfy { $0.sensitive?.annualPay != nil })
        }
    }

    @Test("filters narrow the list and pages follow the cursor", arguments: TestDatabase.kinds)
    func filters(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = EmployeeStore(database: database)
            let people = DemoPeople.generate(count: 300)
            try await store.upsert(people, summary: "seed", by: .system)
            let today = "2026-11-23"
            let expectedBR = people.filter { $0.country == "BR" && $0.workerType == .frontline }.map(\.employeeId)
            var seen: [String] = []
            var cursor: Int64?
            repeat {
                let page = try await store.list(EmployeeFilter(country: "BR", workerType: .frontline), cursor: cursor, limit: 7, includeSensitive: false, today: today)
                seen += page.items.map(\.employeeId)
                cursor = try Cursor.decode(page.nextCursor)
            } while cursor != nil
            #expect(seen == expectedBR)
            let leavers = try await store.list(EmployeeFilter(status: .leaver), cursor: nil, limit: 200, includeSensitive: false, today: today)
            #expect(leavers.items.map(\.employeeId) == people.filter { ($0.terminationDate ?? "9999") <= today }.map(\.employeeId))
            let target = people[17]
            let found = try await store.list(EmployeeFilter(text: target.employeeId.lowercased()), cursor: nil, limit: 5, includeSensitive: false)
            #expect(found.items.map(\.employeeId) == [target.employeeId])
            let wildcard = try await store.list(EmployeeFilter(text: "%"), cursor: nil, limit: 5, includeSensitive: false)
            #expect(wildcard.items.count == 5, "a bare % is not a pattern")
            #expect(try await store.values(of: .country) == Array(Set(people.map(\.country))).sorted())
        }
    }

    @Test("the directory summary is cached and follows inserts, updates and imports by other store instances", arguments: TestDatabase.kinds)
    func summary(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let store = EmployeeStore(database: database)
            #expect(try await store.summary() == DirectorySummary(total: 0, countries: [], departments: [], sites: []))
            var people = DemoPeople.generate(count: 120)
            try await store.upsert(people, summary: "seed", by: .system)
            let seeded = try await store.summary()
            #expect(seeded.total == 120)
            #expect(seeded.countries == Array(Set(people.map(\.country))).sorted())
            #expect(seeded.sites == Array(Set(people.compactMap(\.site))).sorted())

            // Written through another instance (as the importer does): no new id, only updated_at moves.
            try await Task.sleep(for: .milliseconds(5))
            people[0].site = "A brand-new site"
            try await EmployeeStore(database: database).upsert([people[0]], summary: "move", by: .system)
            let moved = try await store.summary()
            #expect(moved.total == 120)
            #expect(moved.sites.contains("A brand-new site"))

            var newcomer = DemoPeople.generate(count: 121)[120]
            newcomer.employeeId = "NEW-1"
            newcomer.country = "NZ"
            try await EmployeeStore(database: database).upsert([newcomer], summary: "hire", by: .system)
            let grown = try await store.summary()
            #expect(grown.total == 121 && grown.countries.contains("NZ"))
        }
    }
}
