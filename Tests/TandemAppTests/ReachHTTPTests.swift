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

@Suite("Post reach over HTTP")
struct ReachHTTPTests {
    @Test("reach per channel for a post and for the editor's choice; HR sees exact numbers, others small groups hidden; bad ids refused", arguments: TestDatabase.kinds)
    func reach(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let today = EmployeeRules.today()
            var people = DemoPeople.generate(count: 300, today: today)
            for index in people.indices where index % 4 == 0 { people[index].mobilePhone = nil }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let brazil = try #require(try json(try await send(.post, "/api/v1/audiences", hr, #"{"name":"Brazil","rule":"country = \"BR\""}"#))["id"] as? Int)
            let someone = try #require(people.first { $0.country == "BR" && $0.status(on: today) == .active })
            let one = try #require(try json(try await send(.post, "/api/v1/audiences", hr, #"{"name":"One","employee_ids":["\#(someone.employeeId)"]}"#))["id"] as? Int)

            let active = people.filter { $0.country == "BR" && $0.status(on: today) == .active }
            let phones = active.filter { !($0.mobilePhone ?? "").isEmpty }.count
            let exact = try json(try await send(.get, "/api/v1/reach?include=\(brazil)&channels=sms", hr))
            #expect((exact["total"] as? [String: Any])?["count"] as? Int == active.count)
            #expect((exact["reachable"] as? [String: Any])?["count"] as? Int == phones)
            let sms = (exact["channels"] as? [[String: Any]])?.first { $0["channel"] as? String == "sms" }
            #expect(sms?["selected"] as? Bool == true && sms?["count"] as? Int == phones)

            // Leaving one person out: HR sees the exact figure, Comms cannot tell who is missing.
            let hrMinusOne = try json(try await send(.get, "/api/v1/reach?include=\(brazil)&exclude=\(one)", hr))
            #expect((hrMinusOne["total"] as? [String: Any])?["count"] as? Int == active.count - 1)
            let commsOne = try json(try await send(.get, "/api/v1/reach?include=\(one)", comms))
            #expect(commsOne["suppressed"] as? Bool == true && (commsOne["total"] as? [String: Any])?["count"] == nil)
            #expect((commsOne["total"] as? [String: Any])?["display"] as? String == "fewer than 5")

            #expect(try await send(.get, "/api/v1/reach", analyst).status == .forbidden)
            #expect(try await send(.get, "/api/v1/reach?include=abc", comms).status == .badRequest)
            #expect(try await send(.get, "/api/v1/reach?channels=fax", comms).status == .badRequest)
            #expect(try await send(.get, "/api/v1/reach?include=999999", comms).status == .unprocessableContent)
            #expect(try await send(.get, "/api/v1/reach?include=\(brazil)&exclude=\(brazil)", comms).status == .unprocessableContent)

            let post = try await send(.post, "/api/v1/posts", comms, #"""
                {"fallback_language":"en","audiences":[{"audience_id":\#(brazil),"mode":"include"}],"channels":["email","sms"],
                 "variants":[{"language":"en","title":"Obras na fábrica","channel_texts":{"sms":"Obras segunda"}}]}
                """#)
            #expect(post.status == .created, "\(String(buffer: post.body))")
            let id = try #require(try json(post)["id"] as? Int)
            let postReach = try json(try await send(.get, "/api/v1/posts/\(id)/reach", hr))
            #expect((postReach["channels"] as? [[String: Any]])?.filter { $0["selected"] as? Bool == true }.compactMap { $0["channel"] as? String } == ["email", "sms"])
            #expect((postReach["total"] as? [String: Any])?["count"] as? Int == active.count)
            let browser = Browser(client)
            _ = try await browser.signIn("comms@example.com")
            let page = String(buffer: try await browser.request("/posts/\(id)").body)
            #expect(page.contains("id=\"post-reach\"") && page.contains("Reach per channel"))
            let editor = String(buffer: try await browser.request("/posts/\(id)/edit").body)
            #expect(editor.contains("Updates as you choose audiences and channels"))
        }
    }
}
