import Analytics
import Engagement
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

@Suite("Engagement beacons, tracking links and the post dashboard over HTTP")
struct AnalyticsHTTPTests {
    @Test("beacons from the feed page count once; forged ones are refused and counted; the dashboard shows reach with small groups suppressed; CSV is formula-safe",
          arguments: TestDatabase.kinds)
    func flow(kind: DatabaseKind) async throws {
        try await withApp(kind, configure: {
            $0.publicURL = "https://tandem.example.com"
            $0.trackedLinkHosts = ["benefits.example.com"]
            $0.personEngagement = true
        }) { client, services in
            // 12 people: 6 in "=SUM(A1)" (a name a spreadsheet would run), 4 in Operations, 2 in Legal.
            var people = DemoPeople.generate(count: 12, today: EmployeeRules.today())
            for index in people.indices {
                people[index].employeeId = "AN\(index)"
                people[index].department = index < 6 ? "=SUM(A1)" : index < 10 ? "Operations" : "Legal"
                people[index].language = "en"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let ids = try await services.database.reader.raw("SELECT id FROM employees ORDER BY employee_id").all().map { try $0.decode(column: "id", as: Int64.self) }
            let byCode = Dictionary(uniqueKeysWithValues: try await services.database.reader.raw("SELECT id, employee_id FROM employees").all().map {
                (try $0.decode(column: "employee_id", as: String.self), try $0.decode(column: "id", as: Int64.self))
            })
            #expect(ids.count == 12)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let api = Caller(client: client)
            let topic = try #require(try json(try await api(.post, "/api/v1/topics", comms, #"{"name":"Benefits","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
            let post = try #require(try json(try await api(.post, "/api/v1/posts", comms, #"""
                {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["feed"],"requires_acknowledgement":true,
                 "variants":[{"language":"en","title":"Open enrolment starts","body":"Choose your plan."}]}
                """#))["id"] as? Int)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"submit","version":1}"#).status == .ok)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", approver, #"{"action":"approve","version":1}"#).status == .ok)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"publish","version":1}"#).status == .ok)
            _ = try await services.delivery.scheduler.tick()
            _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })

            // The first reader's feed carries a signed token on the card.
            let first = byCode["AN0"]!
            let session = try await services.feed.sessions.create(employeeID: first, via: "test", requestID: nil)
            let browser = Browser(client)
            browser.setCookie("tandem_session", session.token)
            let feedHTML = String(buffer: try await browser.request("/feed").body)
            let marker = try #require(feedHTML.range(of: "data-ev=\""))
            let token = String(feedHTML[marker.upperBound...].prefix { $0 != "\"" })
            let postPage = String(buffer: try await browser.request("/feed/posts/\(post)").body)
            #expect(postPage.contains("data-ev=\"" + token + "\"") && postPage.contains("data-share=\"/feed/posts/\(post)\" data-share-token=\"" + token + "\""))
            // Sharing from the post page is a beacon of its own.
            #expect(try await browser.request("/api/v1/events", method: .post, headers: [.contentType: "application/json"],
                                              body: #"{"events":[{"token":"\#(token)","type":"share","id":"share0001"}]}"#).status == .accepted)

            // A view and a 12 s dwell, posted with the session cookie and no CSRF header (sendBeacon cannot add one).
            let beacon = #"{"events":[{"token":"\#(token)","type":"view","id":"view0001"},{"token":"\#(token)","type":"dwell","id":"dwell0001","dwell_ms":12000}]}"#
            let sent = try await browser.request("/api/v1/events", method: .post, headers: [.contentType: "application/json"], body: beacon)
            let sentBody = try json(sent)
            #expect(sent.status == .accepted && sentBody["accepted"] as? Int == 2)
            #expect(try await browser.request("/api/v1/events", method: .post, headers: [.contentType: "application/json"], body: beacon).status == .accepted, "a retried beacon")
            let forged = token.replacingOccurrences(of: ".\(first).", with: ".\(byCode["AN1"]!).")
            let refused = try await api(.post, "/api/v1/events", nil, #"{"events":[{"token":"\#(forged)","type":"view","id":"forged001"}]}"#)
            let refusedBody = try json(refused)
            #expect(refused.status == .accepted && refusedBody["refused"] as? Int == 1 && refusedBody["accepted"] as? Int == 0)
            // Bad input: empty, too many, unknown type, not JSON.
            #expect(try await api(.post, "/api/v1/events", nil, #"{"events":[]}"#).status == .unprocessableContent)
            let many = (0..<101).map { #"{"token":"x","type":"view","id":"id\#($0)xxxxxx"}"# }.joined(separator: ",")
            #expect(try await api(.post, "/api/v1/events", nil, #"{"events":[\#(many)]}"#).status == .unprocessableContent)
            let odd = try await api(.post, "/api/v1/events", nil, #"{"events":[{"token":"\#(token)","type":"teleport","id":"odd00001"}]}"#)
            let oddBody = try json(odd)
            #expect(odd.status == .accepted && oddBody["refused"] as? Int == 1)
            #expect(try await api(.post, "/api/v1/events", nil, "not json").status.code >= 400)
            // Unknown fields are refused at both levels, though the body is decoded only once.
            let extraTop = try await api(.post, "/api/v1/events", nil, #"{"events":[{"token":"\#(token)","type":"view","id":"extra001"}],"colour":"red"}"#)
            let extraTopField = (try json(extraTop)["error"] as? [String: Any])?["field"] as? String
            #expect(extraTop.status == .unprocessableContent && extraTopField == "colour")
            let extraInner = try await api(.post, "/api/v1/events", nil, #"{"events":[{"token":"\#(token)","type":"view","id":"extra002","dwell_time":5}]}"#)
            let extraInnerField = (try json(extraInner)["error"] as? [String: Any])?["field"] as? String
            #expect(extraInner.status == .unprocessableContent && extraInnerField == "dwell_time")
            #expect(try await api(.post, "/api/v1/events", nil, #"{"events":[{"token":null,"type":"view","id":"extra003"}]}"#).status == .badRequest)
            #expect(try await api(.post, "/api/v1/events", nil, #"{"events":[{"type":"view","id":"extra004"}]}"#).status == .badRequest)

            // Eight more people see it on the feed, four of them read it; two open an email; one follows a link.
            let tokens = services.analytics.engagement.tokens
            for index in 1...8 {
                let theirs = try await tokens.event(post: Int64(post), employee: byCode["AN\(index)"]!, channel: .feed)
                var events = [#"{"token":"\#(theirs)","type":"view","id":"v\#(index)aaaaaaa"}"#]
                if index <= 4 { events.append(#"{"token":"\#(theirs)","type":"dwell","id":"d\#(index)aaaaaaa","dwell_ms":9500}"#) }
                #expect(try await api(.post, "/api/v1/events", nil, #"{"events":[\#(events.joined(separator: ","))]}"#).status == .accepted)
            }
            let pixel = try await api(.get, "/t/o/" + (try await tokens.event(post: Int64(post), employee: byCode["AN10"]!, channel: .email)), nil)
            #expect(pixel.status == .ok && pixel.headers[.contentType] == "image/gif" && pixel.body.readableBytes == 43)
            let garbage = try await api(.get, "/t/o/garbage", nil)
            #expect(garbage.status == .ok && garbage.headers[.contentType] == "image/gif", "the same image for a bad token")
            let target = "https://benefits.example.com/enrol?plan=a&x=1"
            let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let clickToken = try await tokens.click(post: Int64(post), employee: byCode["AN11"]!, channel: .email, url: target)
            let click = try await api(.get, "/t/c/\(clickToken)?u=\(encoded)", nil)
            #expect(click.status == .found && click.headers[.location] == target)
            let elsewhere = "https://evil.example.net/".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await api(.get, "/t/c/\(clickToken)?u=\(elsewhere)", nil).status == .badRequest, "not an open redirect")
            let changed = "https://benefits.example.com/other".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await api(.get, "/t/c/\(clickToken)?u=\(changed)", nil).status == .badRequest, "the signature covers the target")
            #expect(try await api(.get, "/t/c/\(clickToken)", nil).status == .badRequest)

            // Acknowledging from the feed is an event too.
            #expect(try await browser.post("/feed/posts/\(post)/acknowledge", form: [], csrfFrom: "/feed/posts/\(post)").status == .seeOther)

            let dashboard = try json(try await api(.get, "/api/v1/analytics/posts/\(post)", comms))
            #expect((dashboard["recipients"] as? [String: Int])?["any"] == 12)
            let totals = try #require(dashboard["totals"] as? [String: [String: [String: Int]]])
            #expect(totals["any"]?["reached"]?["people"] == 11, "9 on the feed, one email opened, one link clicked")
            #expect(totals["feed"]?["viewed"]?["people"] == 9 && totals["feed"]?["viewed"]?["events"] == 9, "the retried beacon counted once")
            #expect(totals["any"]?["read"]?["people"] == 5)
            #expect(totals["any"]?["delivered"]?["people"] == 12)
            #expect(totals["email"]?["opened"]?["people"] == 1 && totals["email"]?["clicked"]?["people"] == 1)
            #expect(totals["any"]?["acknowledged"]?["people"] == 1)
            #expect(totals["feed"]?["shared"]?["people"] == 1 && totals["any"]?["shared"]?["events"] == 1)
            #expect(dashboard["unreached"] as? Int == 1)
            #expect((dashboard["definitions"] as? [String: String])?["opened"]?.contains("Unreliable") == true)

            // Legal (2 people) and Operations (4) are hidden; together they hold 6, so the total minus the rest gives no group under 5.
            let departments = try #require((dashboard["breakdowns"] as? [String: [[String: Any]]])?["department"])
            let shown = departments.filter { $0["suppressed"] as? Bool == false }
            let hidden = departments.filter { $0["suppressed"] as? Bool == true }
            #expect(Set(hidden.compactMap { $0["value"] as? String }) == ["Legal", "Operations"])
            #expect(hidden.allSatisfy { $0["recipients"] == nil && $0["reached"] == nil && $0["read"] == nil })
            #expect(shown.count == 1 && shown.first?["value"] as? String == "=SUM(A1)" && shown.first?["recipients"] as? Int == 6)
            for (dimension, rows) in try #require(dashboard["breakdowns"] as? [String: [[String: Any]]]) {
                let visible = rows.compactMap { $0["recipients"] as? Int }
                #expect(visible.allSatisfy { $0 >= 5 }, "\(dimension): a shown group under 5")
                let hiddenPeople = 12 - visible.reduce(0, +)
                #expect(hiddenPeople == 0 || hiddenPeople >= 5, "\(dimension): the hidden groups together hold \(hiddenPeople)")
                #expect(rows.filter { $0["suppressed"] as? Bool == true }.count != 1, "\(dimension): a lone hidden group follows from the total")
            }

            let csv = String(buffer: try await client.execute(uri: "/analytics/posts/\(post)/breakdowns.csv", method: .get, headers: bearer(comms), body: nil).body)
            #expect(csv.contains("department,'=SUM(A1),6,") && csv.contains("department,Legal,suppressed,suppressed"))
            #expect(!csv.contains(",=SUM"))
            let page = try await client.execute(uri: "/analytics/posts/\(post)", method: .get, headers: bearer(comms), body: nil)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("<svg") && html.contains("Reach by department") && html.contains("image blocking and mail privacy proxies"))
            #expect(!html.contains("people not reached (CSV)"), "comms cannot list people")
            let index = String(buffer: try await client.execute(uri: "/analytics", method: .get, headers: bearer(comms), body: nil).body)
            #expect(index.contains("Open enrolment starts"))

            // Named people: HR only.
            #expect(try await api(.get, "/api/v1/analytics/posts/\(post)/unreached", comms).status == .forbidden)
            let unreached = try json(try await api(.get, "/api/v1/analytics/posts/\(post)/unreached", hr))
            #expect((unreached["data"] as? [[String: Any]])?.map { $0["employee_id"] as? String } == ["AN9"])
            #expect(try await browser.request("/api/v1/analytics/posts/\(post)").status == .forbidden, "employees see no dashboards")
            #expect(try await api(.get, "/api/v1/analytics/posts/999999", comms).status == .notFound)

            // Refusals are counted (written with the ingester's next batch).
            let rejects = try await Self.rejects(services.database)
            #expect((rejects["bad signature"] ?? 0) >= 2 && rejects["link target changed"] == 1 && rejects["link host not allowed"] == 1 && rejects["malformed beacon"] == 1)
        }
    }

    /// Refusals are written with the ingester's next batch: wait for them a little.
    static func rejects(_ database: Database) async throws -> [String: Int64] {
        var rejects: [String: Int64] = [:]
        for _ in 0..<50 {
            rejects = try await EngagementRejects.totals(database, since: Date().addingTimeInterval(-86_400))
            if (rejects["bad signature"] ?? 0) >= 2 && (rejects["link host not allowed"] ?? 0) >= 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return rejects
    }
}

/// API calls with a bearer token, or none (beacons, tracking links).
struct Caller {
    let client: any TestClientProtocol

    func callAsFunction(_ method: HTTPRequest.Method, _ uri: String, _ token: String?, _ body: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = token.map { bearer($0, json: body != nil) } ?? [:]
        if token == nil && body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}
