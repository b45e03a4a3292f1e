import Delivery
import Feed
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

@Suite("Employees set their own delivery preferences")
struct PreferenceHTTPTests {
    @Test("the page and the API save digest, quiet hours and topics per channel in one piece; bad input changes nothing; a digest's unsubscribe link stops optional email",
          arguments: TestDatabase.kinds)
    func preferences(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 2, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = "prefs\(index)@example.com"
                people[index].terminationDate = nil
                people[index].timeZone = "Europe/Lisbon"
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approver = try await services.user("approver@example.com", [.approver])
            var topics: [Int] = []
            for name in ["Benefits", "Events"] {
                let created = try await client.execute(uri: "/api/v1/topics", method: .post, headers: bearer(comms, json: true),
                                                       body: ByteBuffer(string: #"{"name":"\#(name)","stages":[{"approver_ids":[\#(approver.id)],"rule":"any"}]}"#))
                topics.append(try #require(try json(created)["id"] as? Int))
            }
            let employee = try #require(try await services.feed.links.recipient(for: .email("prefs0@example.com"))).employeeID
            let session = try await services.feed.sessions.create(employeeID: employee, via: "test", requestID: nil)
            let browser = Browser(client)
            browser.setCookie("tandem_session", session.token)

            let initial = try json(try await browser.request("/api/v1/feed/preferences"))
            #expect(initial["digest"] as? String == "immediately" && initial["time_zone"] as? String == "Europe/Lisbon")
            #expect((initial["unsubscribed"] as? [String: [Int]]) == ["feed": [], "email": [], "sms": []] && (initial["topics"] as? [[String: Any]])?.count == 2)

            let csrf = try #require(browser.csrf(from: try await browser.request("/feed/preferences")))
            func put(_ body: String) async throws -> TestResponse {
                try await browser.request("/api/v1/feed/preferences", method: .put, headers: [.contentType: "application/json", .csrfToken: csrf], body: body)
            }
            let saved = try await put(#"{"digest":"weekly","quiet_hours":{"start":"22:00","end":"06:30"},"unsubscribed":{"email":[\#(topics[1])],"sms":[0]}}"#)
            #expect(saved.status == .ok)
            let view = try json(saved)
            #expect(view["digest"] as? String == "weekly" && (view["quiet_hours"] as? [String: String]) == ["start": "22:00", "end": "06:30"])
            #expect((view["unsubscribed"] as? [String: [Int]]) == ["feed": [], "email": [topics[1]], "sms": [0]])

            // Bad input: a clear error naming the field, and nothing changes.
            for (body, field) in [(#"{"digest":"hourly"}"#, "digest"), (#"{"digest":"daily","quiet_hours":{"start":"25:00","end":"06:00"}}"#, "quiet_start"),
                                  (#"{"digest":"daily","quiet_hours":{"start":"06:00","end":"06:00"}}"#, "quiet_end"),
                                  (#"{"digest":"daily","unsubscribed":{"email":[999999]}}"#, "unsubscribed")] {
                let refused = try await put(body)
                #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains(field), "\(body): \(String(buffer: refused.body))")
            }
            #expect(try json(try await browser.request("/api/v1/feed/preferences"))["digest"] as? String == "weekly")
            #expect(try await put(#"{"digest":"daily"}"#.replacingOccurrences(of: "{", with: "[")).status == .badRequest)

            // The page shows the choices and saves the form (with its CSRF token).
            let page = String(buffer: try await browser.request("/feed/preferences").body)
            #expect(page.contains("id=\"digest-weekly\" value=\"weekly\" checked=\"checked\"") && page.contains("value=\"22:00\""))
            #expect(page.contains("id=\"receive_email-\(topics[0])\" name=\"receive_email\" value=\"\(topics[0])\" checked=\"checked\""))
            #expect(page.contains("id=\"receive_email-\(topics[1])\" name=\"receive_email\" value=\"\(topics[1])\" aria-label"))
            let posted = try await browser.post("/feed/preferences", form: [("digest", "daily"), ("receive_feed", "0"), ("receive_feed", "\(topics[0])"),
                                                                             ("receive_email", "0"), ("receive_email", "\(topics[0])"),
                                                                             ("receive_email", "\(topics[1])"), ("receive_sms", "0"), ("receive_sms", "\(topics[0])")],
                                                csrfFrom: "/feed/preferences")
            #expect(posted.status == .seeOther)
            let after = try json(try await browser.request("/api/v1/feed/preferences"))
            #expect(after["digest"] as? String == "daily" && after["quiet_hours"] == nil)
            #expect((after["unsubscribed"] as? [String: [Int]]) == ["feed": [topics[1]], "email": [], "sms": [topics[1]]])
            let noToken = try await browser.request("/feed/preferences", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: "digest=daily")
            #expect(noToken.status == .forbidden)

            // The one-click link of a digest email opts out of every optional email.
            let token = try await services.delivery.signer.sign("ud", [employee])
            let oneClick = try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(oneClick.status == .ok)
            #expect((try json(try await browser.request("/api/v1/feed/preferences"))["unsubscribed"] as? [String: [Int]])?["email"] == [0])
            #expect(try await client.execute(uri: "/unsubscribe/ud.\(employee + 1).forged", method: .get, headers: [:], body: nil).status == .notFound)
        }
    }
}
