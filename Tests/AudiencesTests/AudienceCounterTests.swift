@testable import Audiences
import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Audience counts and privacy")
struct AudienceCounterTests {
    @Test("counts match the evaluator; small groups are hidden from non-HR; HR sees exact numbers", arguments: TestDatabase.kinds)
    func counts(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Migrator(AuditFeature.migrations + PeopleFeature.migrations)) { (database: Database) async throws in
            let people = DemoPeople.generate(count: 500, today: "2026-11-23")
            try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
            let counter = AudienceCounter(database: database, threshold: 5)
            let rule = #"country = "BR" and worker_type = "frontline""#
            let expected = people.filter { $0.country == "BR" && $0.workerType == .frontline && $0.status(on: "2026-11-23") == .active }.count
            #expect(expected < people.filter { $0.country == "BR" && $0.workerType == .frontline }.count, "the seed should include leavers")
            let result = try await counter.count(rule, seesSensitive: false, today: "2026-11-23")
            #expect(result.count == expected && !result.suppressed)
            #expect(result.breakdown["country"]?.first?.value == "BR")

            let someone = try #require(people.first { $0.status(on: "2026-11-23") == .active }).employeeId
            let one = try await counter.count("employee_id = \"\(someone)\"", seesSensitive: false, today: "2026-11-23")
            #expect(one.count == nil && one.suppressed && one.display == "fewer than 5")
            let exact = try await counter.count("employee_id = \"\(someone)\"", seesSensitive: true, today: "2026-11-23")
            #expect(exact.count == 1)

            await #expect(throws: AppError.self) { _ = try await counter.count("hce", seesSensitive: false) }
            await #expect(throws: AppError.self) { _ = try await counter.count("not benefits.401k.enrolled", seesSensitive: false) }
            #expect(try await counter.count("hce", seesSensitive: true, today: "2026-11-23").count == people.filter { $0.sensitive?.hce == true && $0.status(on: "2026-11-23") == .active }.count)
            // A rule that tests status decides for itself.
            #expect(try await counter.count(#"status = "leaver""#, seesSensitive: true, today: "2026-11-23").count == people.filter { $0.status(on: "2026-11-23") == .leaver }.count)
        }
    }

    @Test("the threshold is never below 3", arguments: TestDatabase.kinds.prefix(1))
    func floor(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: nil) { (database: Database) async throws in
            #expect(AudienceCounter(database: database, threshold: 1).threshold == 3)
        }
    }

    @Test("one small cell also hides the next smallest, so it cannot be subtracted out")
    func complementary() {
        let cells = AudienceCounter.suppress([("US", 40), ("DE", 12), ("BR", 9), ("JP", 2)], threshold: 5)
        #expect(cells.map(\.count) == [40, 12, nil, nil])
        #expect(AudienceCounter.suppress([("US", 40), ("JP", 2), ("SG", 1)], threshold: 5).map(\.count) == [40, nil, nil])
        #expect(AudienceCounter.suppress([("US", 40), ("DE", 7)], threshold: 5).map(\.count) == [40, 7])
    }
}
