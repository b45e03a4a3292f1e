import Audiences
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("GDPR: export and erasure of one employee")
struct PersonalDataTests {
    @Test("HR exports everything about a person and erases a leaver everywhere, once, without leaving names in the audit log", arguments: TestDatabase.kinds)
    func exportAndErase(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 60, today: "2026-11-23")
            people[10].terminationDate = "2026-01-31"
            people[11].managerId = people[10].employeeId
            people[12].terminationDate = nil
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let leaver = people[10], active = people[12]
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            _ = try await services.audiences.store.create(
                try AudienceDraft.make(name: "Fair volunteers", description: "", rule: nil, employeeIDs: [leaver.employeeId, active.employeeId], attributes: []),
                mayUseSensitive: true, by: .system)
            let leaverRow = try #require(try await services.people.employees.find(employeeID: leaver.employeeId, includeSensitive: false))
            let activeRow = try #require(try await services.people.employees.find(employeeID: active.employeeId, includeSensitive: false))

            #expect(try await client.execute(uri: "/api/v1/employees/\(leaverRow.id)/export", method: .get, headers: bearer(comms)).status == .forbidden)
            let export = try json(try await client.execute(uri: "/api/v1/employees/\(leaverRow.id)/export", method: .get, headers: bearer(hr)))
            let sections = try #require(export["sections"] as? [String: Any])
            let record = try #require((sections["people"] as? [String: Any])?["employee"] as? [String: Any])
            #expect(record["family_name"] as? String == leaver.familyName && record["sensitive"] != nil)
            #expect((sections["people"] as? [String: Any])?["direct_reports"] as? [String] == [people[11].employeeId])
            #expect(((sections["audiences"] as? [String: Any])?["static_lists"] as? [[String: Any]])?.first?["audience"] as? String == "Fair volunteers")

            func erase(_ id: Int64, confirm: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/employees/\(id)/erase", method: .post, headers: bearer(hr, json: true),
                                         body: ByteBuffer(string: #"{"confirm_employee_id":"\#(confirm)"}"#))
            }
            #expect(try await erase(activeRow.id, confirm: active.employeeId).status == .conflict)
            #expect(try await erase(leaverRow.id, confirm: "wrong").status == .unprocessableContent)
            let erased = try await erase(leaverRow.id, confirm: leaver.employeeId)
            #expect(erased.status == .ok)
            let replacement = try #require(try json(erased)["replacement"] as? String)

            let after = try #require(try await services.people.employees.find(id: leaverRow.id, includeSensitive: true))
            #expect(after.employeeId == replacement && after.givenName == "Erased" && after.workEmail == nil && after.mobilePhone == nil)
            #expect(after.sensitive?.annualPay == nil && after.sensitive?.benefits.isEmpty == true && after.jobTitle == nil)
            #expect(after.country == leaver.country && after.department == leaver.department && after.terminationDate == "2026-01-31")
            #expect(try await services.people.employees.find(employeeID: leaver.employeeId, includeSensitive: false) == nil)
            #expect(try await services.people.employees.find(employeeID: people[11].employeeId, includeSensitive: false)?.managerId == nil)
            let volunteers = try #require(try await services.audiences.store.find(name: "Fair volunteers"))
            #expect(try await services.audiences.store.members(of: volunteers.id, version: 1).sorted() == [active.employeeId, replacement].sorted())
            #expect(try await EmployeePersonalData(store: services.people.employees).wasErased([leaver.employeeId, active.employeeId]) == [leaver.employeeId])

            let audit = try await services.database.reader.raw("SELECT summary, after_json FROM audit_log WHERE action = 'employee.erase'").all()
            #expect(audit.count == 1)
            let logged = try audit[0].decode(column: "summary", as: String.self) + (try audit[0].decode(column: "after_json", as: String?.self) ?? "")
            #expect(!logged.contains(leaver.employeeId) && !logged.contains(leaver.familyName) && logged.contains(replacement))
            // An HRIS file that still lists the person does not bring them back.
            let csv = "employee_id,given_name,family_name,country,time_zone,language,termination_date\n\(leaver.employeeId),Back,Again,\(leaver.country),UTC,en,2026-01-31\n"
            var headers = bearer(hr)
            headers[.contentType] = "text/csv"
            let imported = try json(try await client.execute(uri: "/api/v1/employees/import?mode=partial", method: .post, headers: headers, body: ByteBuffer(string: csv)))
            #expect((imported["notes"] as? [String])?.contains { $0.contains("erased on request") } == true, "\(imported)")
            #expect(try await services.people.employees.find(employeeID: leaver.employeeId, includeSensitive: false) == nil)
            // Erasing again finds no one by the old id.
            #expect(try await erase(leaverRow.id, confirm: leaver.employeeId).status == .unprocessableContent)
        }
    }
}
