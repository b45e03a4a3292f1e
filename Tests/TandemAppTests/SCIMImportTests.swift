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

@Suite("SCIM and CSV imports side by side")
struct SCIMImportTests {
    @Test("a full CSV import does not make SCIM-provisioned people leavers", arguments: TestDatabase.kinds)
    func fullImportLeavesSCIMPeople(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            let created = try await scim.send(.post, "/scim/v2/Users", scimUser("ada@example.com", number: "IDP-1"))
            #expect(created.status == 201)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            var headers = bearer(hr)
            headers[.contentType] = "text/csv"
            let csv = "employee_id,given_name,family_name,country,time_zone,language\nE1,Ana,Souza,BR,UTC,pt-BR\nE2,Ben,Okafor,GB,UTC,en\n"
            _ = try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: headers, body: ByteBuffer(string: csv))
            // The next HRIS file lists only E1: E2 leaves, the SCIM-provisioned person stays.
            let next = "employee_id,given_name,family_name,country,time_zone,language\nE1,Ana,Souza,BR,UTC,pt-BR\n"
            let report = try json(try await client.execute(uri: "/api/v1/employees/import?confirm_deactivations=true", method: .post, headers: headers, body: ByteBuffer(string: next)))
            #expect((report["notes"] as? [String])?.contains { $0.contains("identity provider") } == true, "\(report)")
            let ada = try #require(try await services.people.employees.find(employeeID: "IDP-1", includeSensitive: false))
            #expect(ada.status(on: EmployeeRules.today()) == .active)
            #expect(try await services.people.employees.find(employeeID: "E2", includeSensitive: false)?.terminationDate != nil)
        }
    }
}
