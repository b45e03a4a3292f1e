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

@Suite("Custom attributes over HTTP")
struct AttributeHTTPTests {
    @Test("HR defines attributes; HR-only ones and their values stay with HR in the API, pages, CSV export; erase removes values", arguments: TestDatabase.kinds)
    func lifecycle(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let workforce = DemoPeople.generate(count: 20, today: "2026-11-23")
            try await services.people.employees.upsert(workforce, summary: "seed", by: .system)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }

            let created = try await send(.post, "/api/v1/attributes", hr, #"{"name":"shift","label":"Shift","kind":"list","options":["day","night"]}"#)
            #expect(created.status == .created)
            #expect(try json(created)["field"] as? String == "attr.shift")
            #expect(try await send(.post, "/api/v1/attributes", hr, #"{"name":"union_member","kind":"boolean","hr_only":true}"#).status == .created)
            #expect(try await send(.post, "/api/v1/attributes", comms, #"{"name":"x","kind":"text"}"#).status == .forbidden)
            #expect(try await send(.post, "/api/v1/attributes", hr, #"{"name":"shift","kind":"text"}"#).status == .conflict)
            #expect(try await send(.post, "/api/v1/attributes", hr, #"{"name":"Bad Name","kind":"text"}"#).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/attributes", hr, #"{"name":"grade","kind":"colour"}"#).status == .unprocessableContent)
            #expect(try await send(.put, "/api/v1/attributes/shift", hr, #"{"kind":"text"}"#).status == .unprocessableContent)
            let renamed = try await send(.put, "/api/v1/attributes/shift", hr, #"{"label":"Shift pattern","options":["day","night","late"]}"#)
            #expect(try json(renamed)["label"] as? String == "Shift pattern")

            // Comms sees the shared attribute only.
            let list = String(buffer: try await send(.get, "/api/v1/attributes", comms).body)
            #expect(list.contains("attr.shift") && !list.contains("union_member"))
            #expect(try await send(.get, "/api/v1/attributes/union_member", comms).status == .notFound)
            #expect(try await send(.get, "/api/v1/attributes/union_member", hr).status == .ok)

            let someone = workforce[2]
            let definitions = try await services.people.attributes.all()
            try await services.people.attributes.set([someone.employeeId: ["shift": "night", "union_member": "true"]], attributes: definitions, summary: "seed", by: .system)
            let row = try #require(try await services.people.employees.find(employeeID: someone.employeeId, includeSensitive: false))
            let asHR = try json(try await send(.get, "/api/v1/employees/\(row.id)", hr))
            #expect(asHR["attributes"] as? [String: String] == ["shift": "night", "union_member": "true"])
            let asComms = try json(try await send(.get, "/api/v1/employees/\(row.id)", comms))
            #expect(asComms["attributes"] as? [String: String] == ["shift": "night"])
            let commsPage = String(buffer: try await send(.get, "/people/\(row.id)", comms).body)
            #expect(commsPage.contains("Shift pattern") && !commsPage.contains("Union"))
            #expect(String(buffer: try await send(.get, "/people/\(row.id)", hr).body).contains("Union Member (HR only)"))

            let commsCSV = String(buffer: try await send(.get, "/people/export.csv", comms).body)
            #expect(commsCSV.hasPrefix("employee_id,") && commsCSV.split(whereSeparator: \.isNewline)[0].hasSuffix(",status,attr.shift"))
            let hrCSV = String(buffer: try await send(.get, "/people/export.csv", hr).body)
            #expect(hrCSV.split(whereSeparator: \.isNewline)[0].hasSuffix("benefits,attr.shift,attr.union_member"))
            #expect(hrCSV.contains(",night,true"))

            // Delete is refused while a saved audience reads the attribute.
            #expect(try await send(.post, "/api/v1/audiences", comms, #"{"name":"Night crew","rule":"attr.shift = \"night\""}"#).status == .created)
            #expect(try await send(.post, "/api/v1/audiences", comms, #"{"name":"Members","rule":"attr.union_member"}"#).status == .forbidden)
            #expect(try await send(.delete, "/api/v1/attributes/shift", hr).status == .conflict)
            #expect(try await send(.put, "/api/v1/attributes/shift", hr, #"{"options":["day"]}"#).status == .conflict)
            #expect(try await send(.delete, "/api/v1/attributes/union_member", hr).status == .noContent)
            #expect(try await services.people.employees.find(employeeID: someone.employeeId, includeSensitive: true)?.attributes == ["shift": "night"])

            // The pages: HR sees the form, comms the list only.
            #expect(String(buffer: try await send(.get, "/people/attributes", hr).body).contains("Define an attribute"))
            let commsList = String(buffer: try await send(.get, "/people/attributes", comms).body)
            #expect(commsList.contains("attr.shift") && !commsList.contains("Define an attribute"))
        }
    }
}
