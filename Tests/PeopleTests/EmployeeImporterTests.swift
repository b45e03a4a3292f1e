import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Writes employees as a canonical CSV, as an HRIS export would.
func csv(_ people: [Employee]) -> String {
    var lines = [EmployeeField.canonicalHeader]
    for e in people {
        let s = e.sensitive
        let cells: [String?] = [
            e.employeeId, e.givenName, e.familyName, e.preferredName, e.workEmail, e.mobilePhone, e.language, e.timeZone, e.country, e.region,
            e.site, e.department, e.team, e.jobTitle, e.jobLevel, e.managerId, e.employmentType.rawValue, e.workerType.rawValue, e.hireDate,
            e.terminationDate, s?.payBand, s?.annualPay.map { String(format: "%.0f", $0) }, s.map { $0.hce ? "true" : "false" },
        ]
        lines.append(cells.map { value in
            let v = value ?? ""
            return v.contains(",") || v.contains("\"") ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Employee import")
struct EmployeeImporterTests {
    static let actor = AuditActor(userID: nil, label: "hr@example.com", channel: .cli)

    func request(_ text: String, dryRun: Bool = false, skip: Bool = false, mode: ImportPlan.Mode = .full, confirm: Bool = false) -> EmployeeImporter.Request {
        var request = EmployeeImporter.Request(fileName: "hris.csv", data: Data(text.utf8))
        request.dryRun = dryRun
        request.options.skipBadRows = skip
        request.options.allowSensitive = true
        request.options.mode = mode
        request.options.today = "2026-11-23"
        request.confirmDeactivations = confirm
        return request
    }

    @Test("dry run writes nothing; apply writes everything once; a second import changes nothing", arguments: TestDatabase.kinds)
    func applyAndRepeat(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let importer = EmployeeImporter(store: ImportStore(database: database))
            let people = DemoPeople.generate(count: 600, today: "2026-11-23")
            let text = csv(people)
            let dry = try await importer.run(request(text, dryRun: true), by: Self.actor)
            guard case .planned(let plan, nil) = dry else { Issue.record("expected a clean dry run"); return }
            #expect(plan.creates.count == 600)
            #expect(try await EmployeeStore(database: database).count() == 0)

            guard case .applied(_, let record) = try await importer.run(request(text), by: Self.actor) else { Issue.record("expected apply"); return }
            #expect(record.created == 600)
            let stored = try #require(try await EmployeeStore(database: database).find(employeeID: people[3].employeeId, includeSensitive: true))
            #expect(stored.sensitive?.annualPay == people[3].sensitive?.annualPay)
            #expect(stored.givenName == people[3].givenName)

            let again = try await importer.run(request(text), by: Self.actor)
            guard case .planned(let repeatPlan, nil) = again else { Issue.record("the repeat should write nothing"); return }
            #expect(repeatPlan.unchanged == 600 && repeatPlan.updates.isEmpty && repeatPlan.deactivations.isEmpty)
            #expect(try await ImportStore(database: database).history().count == 1)
        }
    }

    @Test("the safety stop refuses mass deactivation until confirmed", arguments: TestDatabase.kinds)
    func safetyStop(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let importer = EmployeeImporter(store: ImportStore(database: database))
            let people = DemoPeople.generate(count: 100, today: "2026-11-23").map { employee -> Employee in
                var active = employee
                active.terminationDate = nil
                return active
            }
            _ = try await importer.run(request(csv(people)), by: Self.actor)
            let half = csv(Array(people.prefix(50)))
            guard case .planned(let plan, let reason?) = try await importer.run(request(half), by: Self.actor) else { Issue.record("must stop"); return }
            #expect(plan.deactivations.count == 50)
            #expect(reason.contains("50 of 100"))
            let store = EmployeeStore(database: database)
            #expect(try await store.list(EmployeeFilter(status: .leaver), cursor: nil, limit: 200, includeSensitive: false, today: "2026-11-23").items.isEmpty)
            guard case .applied(_, let record) = try await importer.run(request(half, confirm: true), by: Self.actor) else { Issue.record("confirmed"); return }
            #expect(record.deactivated == 50)
            let leavers = try await store.list(EmployeeFilter(status: .leaver), cursor: nil, limit: 200, includeSensitive: false, today: "2026-11-23")
            #expect(leavers.items.count == 50)
        }
    }
}
