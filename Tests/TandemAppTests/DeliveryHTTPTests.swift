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

@Suite("Delivery status over HTTP")
struct DeliveryHTTPTests {
    @Test("publishing then a scheduler pass freezes the audience; the status shows it by channel and state", arguments: TestDatabase.kinds)
    func status(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let today = EmployeeRules.today()
            var people = DemoPeople.generate(count: 200, today: today)
            for index in people.indices where index % 3 == 0 { people[index].mobilePhone = nil }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try #require(try json(try await send(.post, "/api/v1/topics", comms, #"{"name":"Safety","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
            let created = try await send(.post, "/api/v1/posts", comms, #"""
                {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["feed","sms"],"variants":[{"language":"en","title":"Fire drill","channel_texts":{"sms":"Fire drill at 10"}}]}
                """#)
            let id = try #require(try json(created)["id"] as? Int)
            let before = try json(try await send(.get, "/api/v1/posts/\(id)/deliveries", comms))
            #expect(before["send"] == nil && (before["channels"] as? [Any])?.isEmpty == true)
            #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", comms, #"{"action":"submit","version":1}"#).status == .ok)
            #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", approver, #"{"action":"approve","version":1}"#).status == .ok)
            #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", comms, #"{"action":"publish","version":1}"#).status == .ok)
            _ = try await services.delivery.scheduler.tick()

            let active = people.filter { $0.status(on: today) == .active }
            let phones = active.filter { !($0.mobilePhone ?? "").isEmpty }.count
            let status = try json(try await send(.get, "/api/v1/posts/\(id)/deliveries", comms))
            let sent = try #require(status["send"] as? [String: Any])
            #expect(sent["state"] as? String == "resolved" && sent["people"] as? Int == active.count && sent["deliveries"] as? Int == active.count + phones)
            let channels = try #require(status["channels"] as? [[String: Any]])
            #expect(channels.compactMap { $0["channel"] as? String } == ["feed", "sms"])
            #expect((channels.last?["counts"] as? [String: Int])?["pending"] == phones)
            #expect(try await send(.get, "/api/v1/posts/\(id)/deliveries", analyst).status == .forbidden)
            #expect(try await send(.get, "/api/v1/posts/999999/deliveries", comms).status == .notFound)

            // Workers send the feed rows; SMS waits for its adapter.
            let drained = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })
            #expect(drained.sent == active.count)
            let admin = try await services.token(for: try await services.user("admin@example.com", [.admin]))
            #expect(try await send(.get, "/api/v1/posts/\(id)/deliveries/recipients", comms).status == .forbidden, "per-person detail is for admins")
            let sentFeed = try json(try await send(.get, "/api/v1/posts/\(id)/deliveries/recipients?state=sent&channel=feed&limit=200", admin))
            #expect((sentFeed["data"] as? [[String: Any]])?.count == active.count && (sentFeed["data"] as? [[String: Any]])?.first?["sent_at"] != nil)
            #expect(try await send(.get, "/api/v1/posts/\(id)/deliveries/recipients?state=bogus", admin).status == .badRequest)
            #expect(try await send(.get, "/api/v1/posts/\(id)/deliveries/recipients?channel=chat", admin).status == .badRequest)
            #expect(try await send(.get, "/api/v1/posts/999999/deliveries/recipients", admin).status == .notFound)

            // Some SMS fail for good; a retry sends them again from the first attempt.
            try await services.database.transaction { db in
                try await db.raw("UPDATE deliveries SET state = 'dead', attempts = 8, last_error = 'gateway said no' WHERE post_id = \(bind: Int64(id)) AND channel = 'sms' AND employee_id % 2 = 0").run()
            }
            let dead = try #require((try json(try await send(.get, "/api/v1/posts/\(id)/deliveries", comms))["channels"] as? [[String: Any]])?.last?["counts"] as? [String: Int])["dead"]
            #expect(try await send(.post, "/api/v1/posts/\(id)/deliveries/retry", analyst).status == .forbidden)
            #expect(try await send(.post, "/api/v1/posts/\(id)/deliveries/retry", approver).status == .forbidden)
            let retried = try json(try await send(.post, "/api/v1/posts/\(id)/deliveries/retry", comms))
            #expect(retried["retried"] as? Int == dead && (dead ?? 0) > 0)
            #expect(try json(try await send(.post, "/api/v1/posts/\(id)/deliveries/retry", comms))["retried"] as? Int == 0)

            let browser = Browser(client)
            _ = try await browser.signIn("comms@example.com")
            let page = String(buffer: try await browser.request("/posts/\(id)/deliveries").body)
            #expect(page.contains("Deliveries per channel") && page.contains(#"status = "active""#))
            #expect(String(buffer: try await browser.request("/posts/\(id)").body).contains("/posts/\(id)/deliveries"))
            #expect(String(buffer: try await browser.request("/deliveries").body).contains("Fire drill"))
            #expect(try await browser.request("/posts/\(id)/deliveries/recipients").status == .forbidden)
            let adminBrowser = Browser(client)
            _ = try await adminBrowser.signIn("admin@example.com")
            let recipients = String(buffer: try await adminBrowser.request("/posts/\(id)/deliveries/recipients?state=sent").body)
            let firstID = try #require(active.first).employeeId
            #expect(recipients.contains("Visible to admins only") && recipients.contains(">\(firstID)<"))
            _ = try await services.delivery.worker.runOnce(limit: 10_000, now: Date().addingTimeInterval(1))
            try await services.database.transaction { db in
                try await db.raw("UPDATE deliveries SET state = 'failed' WHERE post_id = \(bind: Int64(id)) AND channel = 'sms' AND employee_id % 2 = 1").run()
            }
            let retryPage = try await browser.post("/posts/\(id)/deliveries/retry", form: [], csrfFrom: "/posts/\(id)/deliveries")
            #expect(retryPage.status == .seeOther)
            #expect(String(buffer: try await browser.request("/posts/\(id)/deliveries").body).contains("will be sent again now"))
        }
    }
}
