import Foundation
import HummingbirdTesting
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("People directory privacy")
struct PeoplePrivacyTests {
    @Test("pay and benefits reach HR and admins only, in the API and on pages", arguments: TestDatabase.kinds)
    func sensitiveFields(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let workforce = DemoPeople.generate(count: 30)
            try await services.people.employees.upsert(workforce, summary: "seed", by: .system)
            let us = try #require(workforce.first { $0.country == "US" })
            let stored = try #require(try await services.people.employees.find(employeeID: us.employeeId, includeSensitive: false))
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))

            let asHR = try json(try await client.execute(uri: "/api/v1/employees/\(stored.id)", method: .get, headers: bearer(hr)))
            #expect((asHR["sensitive"] as? [String: Any])?["annual_pay"] as? Double == us.sensitive?.annualPay)
            #expect(asHR["status"] as? String != nil)

            let asComms = try json(try await client.execute(uri: "/api/v1/employees/\(stored.id)", method: .get, headers: bearer(comms)))
            #expect(asComms["given_name"] as? String == us.givenName)
            #expect(asComms["sensitive"] == nil || asComms["sensitive"] is NSNull)
            let list = String(buffer: try await client.execute(uri: "/api/v1/employees?limit=30", method: .get, headers: bearer(comms)).body)
            #expect(!list.contains("annual_pay") && !list.contains("401k"))
            let page = String(buffer: try await client.execute(uri: "/people/\(stored.id)", method: .get, headers: bearer(comms)).body)
            #expect(!page.contains("Annual pay"))
            let hrPage = String(buffer: try await client.execute(uri: "/people/\(stored.id)", method: .get, headers: bearer(hr)).body)
            #expect(hrPage.contains("Annual pay"))

            #expect(try await client.execute(uri: "/api/v1/employees", method: .get, headers: bearer(analyst)).status == .forbidden)
            let bad = try await client.execute(uri: "/api/v1/employees?worker_type=robot", method: .get, headers: bearer(hr))
            #expect(bad.status == .badRequest)
        }
    }
}
