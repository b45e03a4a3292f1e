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

@Suite("Saved audiences and personas over HTTP")
struct SavedAudienceHTTPTests {
    @Test("API: create, read, version, preview and delete; bad input gets clear errors", arguments: TestDatabase.kinds)
    func api(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            try await services.people.employees.upsert(DemoPeople.generate(count: 200), summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: path, method: method, headers: bearer(comms, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let created = try await call(.post, "/api/v1/audiences", #"{"name":"Frontline","description":"Shift staff","rule":"worker_type = \"frontline\""}"#)
            #expect(created.status == .created)
            let audience = try json(created)
            let id = try #require(audience["id"] as? Int)
            #expect(audience["version"] as? Int == 1 && (audience["size"] as? String)?.hasSuffix("people") == true)

            let updated = try await call(.put, "/api/v1/audiences/\(id)", #"{"name":"Frontline","rule":"worker_type = \"frontline\" and country = \"BR\""}"#)
            let updatedBody = try json(updated)
            #expect(updated.status == .ok && updatedBody["version"] as? Int == 2)
            let versions = try json(try await call(.get, "/api/v1/audiences/\(id)/versions"))["data"] as? [[String: Any]]
            #expect(versions?.map { $0["version"] as? Int } == [2, 1])

            let preview = try await call(.get, "/api/v1/audiences/preview?rule=" + #"in audience "frontline" or country = "US""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let body = try json(preview)
            #expect(preview.status == .ok && (body["sample"] as? [Any])?.isEmpty == false)
            #expect((body["builder"] as? [String: Any])?["match"] as? String == "any")

            // Bad input: both definitions, neither, a sensitive field, an unknown field, a duplicate name.
            #expect(try errorCode(try await call(.post, "/api/v1/audiences", #"{"name":"X","rule":"hce","employee_ids":["E00001"]}"#)) == "invalid_field")
            #expect(try await call(.post, "/api/v1/audiences", #"{"name":"X"}"#).status == .unprocessableContent)
            #expect(try await call(.post, "/api/v1/audiences", #"{"name":"X","rule":"annual_pay > 1"}"#).status == .forbidden)
            #expect(try await call(.post, "/api/v1/audiences", #"{"name":"X","rule":"shoe_size = 3"}"#).status == .unprocessableContent)
            #expect(try await call(.post, "/api/v1/audiences", #"{"name":"frontline","rule":"hce = false"}"#).status != .created)
            #expect(try await call(.post, "/api/v1/audiences", #"{"name":"Y","rule":"country = \"US\"","colour":"red"}"#).status == .unprocessableContent)
            let list = try await call(.post, "/api/v1/audiences", #"{"name":"Volunteers","employee_ids":["E00001","E00002","E00002"]}"#)
            let listBody = try json(list)
            #expect(list.status == .created && listBody["list_size"] as? Int == 2)

            #expect(try await call(.delete, "/api/v1/audiences/\(id)").status == .noContent)
            #expect(try await call(.get, "/api/v1/audiences/\(id)").status == .notFound)
        }
    }

    @Test("pages: the builder works without JavaScript (add a row, preview, save)")
    func builderPages() async throws {
        try await withApp { client, services in
            try await services.people.employees.upsert(DemoPeople.generate(count: 200), summary: "seed", by: .system)
            try await services.user("comms@example.com", [.comms])
            let browser = Browser(client)
            _ = try await browser.signIn("comms@example.com")
            let page = try await browser.request("/audiences/new")
            #expect(page.status == .ok && String(buffer: page.body).contains("Rule builder"))

            let base: [(String, String)] = [("kind", "rule"), ("name", "Brazil frontline"), ("description", ""), ("match", "all"),
                                            ("field", "country"), ("op", "="), ("value", "US"), ("last_rule", ""), ("rule", "")]
            let added = try await browser.post("/audiences", form: base + [("intent", "add")], csrfFrom: "/audiences/new")
            let addedHTML = String(buffer: added.body)
            #expect(added.status == .ok && addedHTML.contains("c1-field") && addedHTML.contains(#"country = "US""#))

            let previewed = try await browser.post("/audiences", form: base + [("field", "worker_type"), ("op", "="), ("value", "frontline"), ("intent", "preview")], csrfFrom: "/audiences/new")
            let previewHTML = String(buffer: previewed.body)
            #expect(previewHTML.contains("data-preview-count") && previewHTML.contains("Some of the people it selects"))

            let broken = try await browser.post("/audiences", form: base + [("field", "hire_date"), ("op", ">="), ("value", "soon"), ("intent", "save")], csrfFrom: "/audiences/new")
            #expect(broken.status == .unprocessableContent && String(buffer: broken.body).contains("Condition 2"))

            let saved = try await browser.post("/audiences", form: base + [("field", "worker_type"), ("op", "="), ("value", "frontline"), ("intent", "save")], csrfFrom: "/audiences/new")
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let detail = String(buffer: try await browser.request(location).body)
            #expect(detail.contains(#"country = "US" and worker_type = "frontline""#) && detail.contains("v1"))

            // Typing in the text box wins over stale builder rows.
            let typed = try await browser.post(location, form: [("kind", "rule"), ("name", "Brazil frontline"), ("match", "all"), ("field", "country"), ("op", "="), ("value", "US"),
                                                                ("last_rule", #"country = "US""#), ("rule", #"country = "DE""#), ("intent", "save")], csrfFrom: location)
            #expect(typed.status == .seeOther)
            let edited = String(buffer: try await browser.request(location).body)
            #expect(edited.contains("v2") && edited.contains(#"<code>country = "DE"</code>"#))
        }
    }

    @Test("personas: HR writes, Comms reads with live sizes; Comms cannot write")
    func personas() async throws {
        try await withApp { client, services in
            try await services.people.employees.upsert(DemoPeople.generate(count: 200), summary: "seed", by: .system)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let audience = try json(try await client.execute(uri: "/api/v1/audiences", method: .post, headers: bearer(hr, json: true),
                                                             body: ByteBuffer(string: #"{"name":"Desk","rule":"worker_type = \"desk\""}"#)))
            let body = #"{"name":"Desk Dana","summary":"Office","channels":["email","feed"],"languages":["en","de-de"],"audience_id":\#(audience["id"] as? Int ?? 0)}"#
            #expect(try await client.execute(uri: "/api/v1/personas", method: .post, headers: bearer(comms, json: true), body: ByteBuffer(string: body)).status == .forbidden)
            let created = try await client.execute(uri: "/api/v1/personas", method: .post, headers: bearer(hr, json: true), body: ByteBuffer(string: body))
            let createdBody = try json(created)
            #expect(created.status == .created && (createdBody["languages"] as? [String]) == ["en", "de-DE"])
            let listed = try json(try await client.execute(uri: "/api/v1/personas", method: .get, headers: bearer(comms)))["data"] as? [[String: Any]]
            #expect((listed?.first?["size"] as? String)?.hasSuffix("people") == true)
            let bad = try await client.execute(uri: "/api/v1/personas", method: .post, headers: bearer(hr, json: true),
                                               body: ByteBuffer(string: #"{"name":"X","channels":["fax"]}"#))
            #expect(bad.status == .badRequest || bad.status == .unprocessableContent)
            let blank = try await client.execute(uri: "/api/v1/personas", method: .post, headers: bearer(hr, json: true),
                                                 body: ByteBuffer(string: #"{"name":"Y","interests":["Safety",""]}"#))
            let blankCode = try errorCode(blank)
            #expect(blank.status == .unprocessableContent && blankCode == "invalid_field")
        }
    }
}
