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

@Suite("Signage screens per site")
struct SignageHTTPTests {
    @Test("a screen shows the posts that reached its whole site, not those for a small group; its secret address is the only key",
          arguments: TestDatabase.kinds)
    func screens(kind: DatabaseKind) async throws {
        try await withApp(kind, configure: { $0.publicURL = "http://tandem.test" }) { client, services in
            var people = DemoPeople.generate(count: 15, today: EmployeeRules.today())
            for index in people.indices {
                people[index].site = index < 12 ? "Plant 2" : "Store 9"
                people[index].department = index < 3 ? "Lab" : "Assembly"
                people[index].language = index < 12 ? "de-DE" : "en"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approver = try await services.user("approver@example.com", [.approver])
            let approverToken = try await services.token(for: approver)
            func api(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, as token: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token ?? comms, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try #require(try json(try await api(.post, "/api/v1/topics", #"{"name":"Plant news","stages":[{"approver_ids":[\#(approver.id)],"rule":"any"}]}"#))["id"] as? Int)
            let lab = try #require(try json(try await api(.post, "/api/v1/audiences", #"{"name":"Lab","rule":"department = \"Lab\""}"#))["id"] as? Int)
            func publish(_ title: String, german: String, audience: Int?, priority: String = "normal") async throws {
                let audiences = audience.map { #","audiences":[{"audience_id":\#($0),"mode":"include"}]"# } ?? ""
                let post = try #require(try json(try await api(.post, "/api/v1/posts", #"""
                    {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["feed"],"priority":"\#(priority)"\#(audiences),
                     "variants":[{"language":"en","title":"\#(title)","body":"Text <script>x</script>"},{"language":"de","title":"\#(german)","body":"Text","status":"approved"}]}
                    """#))["id"] as? Int)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"submit","version":1}"#).status == .ok)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"approve","version":1}"#, as: approverToken).status == .ok)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"publish","version":1}"#).status == .ok)
                _ = try await services.delivery.scheduler.tick()
                _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })
            }
            try await publish("Canteen closed Friday", german: "Kantine am Freitag geschlossen", audience: nil)
            try await publish("Lab results review", german: "Laborbesprechung", audience: lab)
            try await publish("Fire drill at 10:00", german: "Feueralarmübung um 10 Uhr", audience: nil, priority: "critical")

            #expect(try await api(.post, "/api/v1/signage/screens", #"{"name":"Canteen","site":"Nowhere"}"#).status == .unprocessableContent)
            let created = try await api(.post, "/api/v1/signage/screens", #"{"name":"Canteen","site":"Plant 2"}"#)
            #expect(created.status == .created)
            let url = try #require(try json(created)["url"] as? String)
            #expect(url.hasPrefix("http://tandem.test/signage/screen/s_"))
            let path = String(url.dropFirst("http://tandem.test".count))

            let screen = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            let html = String(buffer: screen.body)
            #expect(screen.status == .ok && html.contains("Plant 2"))
            #expect(html.contains("Kantine am Freitag geschlossen"), "in the site's language")
            #expect(!html.contains("Laborbesprechung") && !html.contains("Lab results review"), "a post for 3 of 12 people is not for the screen")
            let fire = try #require(html.range(of: "Feueralarmübung")), canteen = try #require(html.range(of: "Kantine"))
            #expect(fire.lowerBound < canteen.lowerBound && html.contains("slide critical"), "critical first")
            #expect(!html.contains("<script>x</script>"))

            let listed = try json(try await api(.get, "/api/v1/signage/screens"))["data"] as? [[String: Any]] ?? []
            #expect(listed.count == 1 && listed[0]["last_seen_at"] != nil && listed[0]["url"] == nil, "the address is shown once")
            #expect(try await client.execute(uri: "/signage/screen/s_forged", method: .get, headers: [:], body: nil).status == .notFound)
            let id = try #require(listed[0]["id"] as? Int)
            #expect(try await api(.delete, "/api/v1/signage/screens/\(id)").status == .noContent)
            #expect(try await client.execute(uri: path, method: .get, headers: [:], body: nil).status == .notFound, "removed: the address stops working")

            // The page: create from the form with its CSRF token.
            let browser = Browser(client)
            _ = try await services.user("hr@example.com", [.hr])
            #expect(try await browser.signIn("hr@example.com").status == .seeOther)
            let made = try await browser.post("/signage", form: [("name", "Back office"), ("site", "Store 9")], csrfFrom: "/signage")
            let page = String(buffer: made.body)
            #expect(made.status == .ok && page.contains("/signage/screen/s_") && page.contains("Back office"))
        }
    }
}
