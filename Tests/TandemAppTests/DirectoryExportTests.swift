import Foundation
import HummingbirdTesting
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Directory CSV export")
struct DirectoryExportTests {
    @Test("the export follows the filters, shows pay only to HR, neutralises formulas and is audited", arguments: TestDatabase.kinds)
    func export(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 2_500, today: "2026-11-23")
            people[3].jobTitle = "=HYPERLINK(\"http://x\")"
            people[3].country = "BR"
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))

            let forComms = try await client.execute(uri: "/people/export.csv?country=BR", method: .get, headers: bearer(comms))
            #expect(forComms.status == .ok && forComms.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = String(buffer: forComms.body).split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("employee_id,given_name") == true && lines.first?.contains("annual_pay") == false)
            #expect(lines.count - 1 == people.filter { $0.country == "BR" }.count, "one line per Brazilian employee, across pages of 1,000")
            #expect(lines.contains { $0.contains("\"'=HYPERLINK(\"\"http://x\"\")\"") })

            let forHR = String(buffer: try await client.execute(uri: "/people/export.csv", method: .get, headers: bearer(hr)).body)
            let hrLines = forHR.split(separator: "\r\n")
            #expect(hrLines.first?.hasSuffix("pay_band,annual_pay,pay_currency,hce,benefits") == true)
            #expect(hrLines.count - 1 == people.count)

            let audited = try await services.database.reader.raw("SELECT summary FROM audit_log WHERE action = 'employees.export' ORDER BY id").all()
                .map { try $0.decode(column: "summary", as: String.self) }
            #expect(audited.count == 2 && audited[0].contains("country=BR") && audited[1].hasSuffix("with pay and benefits"))
            #expect(try await client.execute(uri: "/people/export.csv?worker_type=robot", method: .get, headers: bearer(comms)).status == .badRequest)
        }
    }
}
