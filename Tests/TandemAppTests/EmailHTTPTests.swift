import Delivery
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

@Suite("Email over HTTP: one-click unsubscribe and undeliverable addresses",
       .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct EmailHTTPTests {
    @Test("the unsubscribe link works without sign-in, only with its signature, and the next post skips the person; HR clears flagged addresses",
          arguments: TestDatabase.kinds)
    func unsubscribe(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withApp(kind, configure: {
            $0.publicURL = "http://tandem.test"
            $0.smtp = SMTPSettings(host: "127.0.0.1", port: sink.port, security: .none, connections: 2, fromAddress: "news@example.com", fromName: "News")
        }) { client, services in
            var people = DemoPeople.generate(count: 6, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = index == 5 ? "hard-bounce@example.com" : "reader\(index)@example.com"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String?, _ body: String? = nil, type: String = "application/json") async throws -> TestResponse {
                var headers: HTTPFields = [:]
                if let token { headers[.authorization] = "Bearer \(token)" }
                if body != nil { headers[.contentType] = type }
                return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try #require(try json(try await send(.post, "/api/v1/topics", comms, #"{"name":"Benefits","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
            func publish(_ title: String) async throws -> Int {
                let id = try #require(try json(try await send(.post, "/api/v1/posts", comms, #"""
                    {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["email"],"variants":[{"language":"en","title":"\#(title)","body":"Enrol **now**."}]}
                    """#))["id"] as? Int)
                #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", comms, #"{"action":"submit","version":1}"#).status == .ok)
                #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", approver, #"{"action":"approve","version":1}"#).status == .ok)
                #expect(try await send(.post, "/api/v1/posts/\(id)/transitions", comms, #"{"action":"publish","version":1}"#).status == .ok)
                _ = try await services.delivery.scheduler.tick()
                _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })
                return id
            }
            let firstPost = try await publish("Open enrolment")
            let first = try sink.messages()
            #expect(first.count == 5, "the hard bounce is refused, the rest delivered")
            let reader0 = try #require(first.first { ($0["to"] as? [String]) == ["reader0@example.com"] })
            let header = try #require(reader0["list_unsubscribe"] as? String)
            let path = String(header.dropFirst("<http://tandem.test".count).dropLast())
            #expect(path.hasPrefix("/unsubscribe/u."))

            // GET shows the choice and changes nothing (mail scanners follow links).
            let page = try await send(.get, path, nil)
            #expect(page.status == .ok && String(buffer: page.body).contains("Unsubscribe from Benefits"))
            let employeeID = try #require(Int64(path.split(separator: ".")[1]))
            #expect(try await services.delivery.optOuts.list(employee: employeeID).isEmpty)

            // A tampered or truncated link is refused.
            let parts = path.split(separator: ".")
            let forged = "\(parts[0]).\(employeeID + 1).\(parts[2]).\(parts[3])"
            #expect(try await send(.get, forged, nil).status == .notFound)
            #expect(try await send(.post, forged, nil, "List-Unsubscribe=One-Click", type: "application/x-www-form-urlencoded").status == .notFound)
            #expect(try await send(.get, String(path.dropLast(3)), nil).status == .notFound)

            // RFC 8058 one-click POST, from a mail program: no cookies, no CSRF token.
            let oneClick = try await send(.post, path, nil, "List-Unsubscribe=One-Click", type: "application/x-www-form-urlencoded")
            #expect(oneClick.status == .ok)
            #expect(try await services.delivery.optOuts.list(employee: employeeID).map(\.topicId) == [Int64(topic)])
            // The opt-out is an `unsubscribed` event of that post, once however often the link is used.
            #expect(try await send(.post, path, nil, "scope=all", type: "application/x-www-form-urlencoded").status == .ok)
            let unsubscribed = try await services.database.reader.raw("""
                SELECT post_id, channel FROM engagement_events WHERE kind = 'unsubscribed' AND employee_id = \(bind: employeeID)
                """).all().map { "\(try $0.decode(column: "post_id", as: Int64.self)) \(try $0.decode(column: "channel", as: String.self))" }
            #expect(unsubscribed == ["\(firstPost) email"], "one event of the post whose email carried the link")
            #expect(try await send(.post, path, nil, "scope=undo", type: "application/x-www-form-urlencoded").status == .ok)
            #expect(try await send(.post, path, nil, "List-Unsubscribe=One-Click", type: "application/x-www-form-urlencoded").status == .ok)
            #expect(try await send(.post, path, nil, "scope=everything", type: "application/x-www-form-urlencoded").status == .badRequest)
            #expect(String(buffer: try await send(.get, path, nil).body).contains("Subscribe again"))

            // The next post on the topic skips them; everyone else gets it.
            let second = try await publish("Enrolment reminder")
            let messages = try sink.messages()
            #expect(messages.count == 9, "4 more: reader0 unsubscribed, the flagged address is not tried")
            let states = try await services.database.reader.raw("""
                SELECT state, COUNT(*) AS n FROM deliveries WHERE post_id = \(bind: Int64(second)) GROUP BY state ORDER BY state
                """).all().map { "\(try $0.decode(column: "state", as: String.self))=\(try $0.decode(column: "n", as: Int64.self))" }
            #expect(states == ["cancelled=1", "dead=1", "sent=4"])

            // The page's buttons: all optional email, then undo.
            let browser = Browser(client)
            #expect(try await browser.post(path, form: [("scope", "all")], csrfFrom: path).status == .ok)
            #expect(try await services.delivery.optOuts.list(employee: employeeID).map(\.topicId).sorted() == [0, Int64(topic)])
            #expect(try await browser.post(path, form: [("scope", "undo")], csrfFrom: path).status == .ok)
            #expect(try await services.delivery.optOuts.list(employee: employeeID).isEmpty)

            // Undeliverable addresses: HR (and admins) see and clear them; others may not.
            let flags = try json(try await send(.get, "/api/v1/email/flags", hr))
            #expect((flags["data"] as? [[String: Any]])?.compactMap { $0["address"] as? String } == ["hard-bounce@example.com"])
            #expect(try await send(.get, "/api/v1/email/flags", comms).status == .forbidden)
            #expect(try await send(.delete, "/api/v1/email/flags/hard-bounce@example.com", comms).status == .forbidden)
            #expect(try await send(.delete, "/api/v1/email/flags/hard-bounce@example.com", hr).status == .noContent)
            #expect(try await send(.delete, "/api/v1/email/flags/hard-bounce@example.com", hr).status == .notFound)
            let hrBrowser = Browser(client)
            _ = try await hrBrowser.signIn("hr@example.com")
            let emailPage = String(buffer: try await hrBrowser.request("/deliveries/email").body)
            #expect(emailPage.contains("127.0.0.1:\(sink.port)") && emailPage.contains("No address has been refused"))
            #expect(String(buffer: try await hrBrowser.request("/deliveries").body).contains("/deliveries/email"))
        }
    }
}
