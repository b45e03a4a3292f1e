import Analytics
import Engagement
import Foundation
import SQLKit
import HummingbirdTesting
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Campaign dashboards")
struct CampaignDashboardTests {
    @Test("a campaign counts each person once across its posts; its breakdowns are suppressed like a post's; its posts are listed; CSV and roles",
          arguments: TestDatabase.kinds)
    func campaign(kind: DatabaseKind) async throws {
        try await withApp(kind, configure: { $0.personEngagement = true }) { client, services in
            // 10 in Sales, 3 in Legal.
            let fixture = try await AnalyticsFixture.make(client, services, count: 13) { index, person in
                person.department = index < 10 ? "Sales" : "Legal"
            }
            let campaign = try await fixture.campaign("Open enrolment")
            let first = try await fixture.publish("Enrolment opens", channels: ["feed", "email"], campaign: campaign)
            let second = try await fixture.publish("Last week to enrol", campaign: campaign)
            let outside = try await fixture.publish("Canteen menu")
            // AF0–AF5 read the first post, AF3–AF7 the second: 8 people across the campaign, 3 of them twice.
            try await fixture.record(.read, post: first, people: (0...5).map { "AF\($0)" })
            try await fixture.record(.read, post: second, people: (3...7).map { "AF\($0)" })
            try await fixture.record(.opened, post: first, people: ["AF8"], channel: .email)
            try await fixture.record(.read, post: outside, people: (0...12).map { "AF\($0)" })

            let api = fixture.api, comms = fixture.comms
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let dashboard = try json(try await api(.get, "/api/v1/analytics/campaigns/\(campaign)", comms))
            #expect(dashboard["campaign_id"] as? Int == campaign && dashboard["post_id"] == nil)
            #expect((dashboard["recipients"] as? [String: Int])?["any"] == 13, "13 people, not 26 deliveries")
            let emailed = try await services.database.reader.raw("SELECT COUNT(DISTINCT employee_id) AS n FROM deliveries WHERE channel = 'email'").first()!.decode(column: "n", as: Int.self)
            #expect(emailed > 5, "most demo people have an email address")
            #expect((dashboard["recipients"] as? [String: Int])?["feed"] == 13 && (dashboard["recipients"] as? [String: Int])?["email"] == emailed)
            let totals = try #require(dashboard["totals"] as? [String: [String: [String: Int]]])
            #expect(totals["any"]?["read"]?["people"] == 8 && totals["any"]?["read"]?["events"] == 11, "8 people read, 11 reads")
            #expect(totals["any"]?["reached"]?["people"] == 9, "the 8 readers and one email opened")
            #expect(dashboard["unreached"] as? Int == 4)
            let posts = try #require(dashboard["posts"] as? [[String: Any]])
            #expect(Set(posts.compactMap { $0["post_id"] as? Int }) == [Int(first), Int(second)], "the outside post is not in the campaign")
            let departments = try #require((dashboard["breakdowns"] as? [String: [[String: Any]]])?["department"])
            #expect(departments.allSatisfy { $0["suppressed"] as? Bool == true }, "Legal has 3; Sales would follow from the total, so it is hidden too")

            let list = try json(try await api(.get, "/api/v1/analytics/campaigns", comms))
            let row = try #require((list["data"] as? [[String: Any]])?.first)
            #expect(row["campaign_id"] as? Int == campaign && row["posts"] as? Int == 2 && row["recipients"] as? Int == 13 && row["read"] as? Int == 8)

            let page = try await client.execute(uri: "/analytics/campaigns/\(campaign)", method: .get, headers: bearer(comms), body: nil)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("Open enrolment") && html.contains("Each person counts once") && html.contains("Last week to enrol") && html.contains("<svg"))
            #expect(!html.contains("Canteen menu"))
            let index = String(buffer: try await client.execute(uri: "/analytics", method: .get, headers: bearer(comms), body: nil).body)
            #expect(index.contains("/analytics/campaigns/\(campaign)"))
            let csv = String(buffer: try await client.execute(uri: "/analytics/campaigns/\(campaign)/breakdowns.csv", method: .get, headers: bearer(comms), body: nil).body)
            #expect(csv.contains("department,Legal,suppressed") && csv.contains("department,Sales,suppressed"))
            #expect(csv.contains("channel,feed,13,8,8,0,0"), "the per-channel table is in the CSV too")
            let timeline = try await client.execute(uri: "/analytics/campaigns/\(campaign)/timeline.csv", method: .get, headers: bearer(comms), body: nil)
            #expect(timeline.status == .ok && String(buffer: timeline.body).hasPrefix("period,start,reached,read"))

            // Named people: HR only; the four nobody reached.
            #expect(try await client.execute(uri: "/analytics/campaigns/\(campaign)/unreached.csv", method: .get, headers: bearer(comms), body: nil).status == .forbidden)
            let unreached = String(buffer: try await client.execute(uri: "/analytics/campaigns/\(campaign)/unreached.csv", method: .get, headers: bearer(hr), body: nil).body)
            let lines = unreached.split(whereSeparator: \.isNewline)
            #expect(lines.count == 5 && ["AF9", "AF10", "AF11", "AF12"].allSatisfy { code in lines.contains { $0.hasPrefix(code + ",") } })

            // By persona: "Sales team" fits the 10 in Sales, "Legal" the 3 in Legal (suppressed), "Not linked" has no audience.
            let audience = try #require(try json(try await api(.post, "/api/v1/audiences", comms, #"{"name":"Sales","rule":"department = \"Sales\""}"#))["id"] as? Int)
            let legal = try #require(try json(try await api(.post, "/api/v1/audiences", comms, #"{"name":"Legal","rule":"department = \"Legal\""}"#))["id"] as? Int)
            #expect(try await api(.post, "/api/v1/personas", hr, #"{"name":"Sales team","summary":"Sellers","audience_id":\#(audience)}"#).status == .created)
            #expect(try await api(.post, "/api/v1/personas", hr, #"{"name":"Lawyers","summary":"Legal","audience_id":\#(legal)}"#).status == .created)
            #expect(try await api(.post, "/api/v1/personas", hr, #"{"name":"Not linked","summary":"-"}"#).status == .created)
            let personas = try #require(try json(try await api(.get, "/api/v1/analytics/campaigns/\(campaign)/personas", comms))["data"] as? [[String: Any]])
            let byName = Dictionary(uniqueKeysWithValues: personas.map { ($0["persona"] as! String, $0) })
            #expect(byName["Sales team"]?["recipients"] as? Int == 10 && byName["Sales team"]?["read"] as? Int == 8 && byName["Sales team"]?["reached"] as? Int == 9)
            #expect(byName["Lawyers"]?["recipients"] == nil && (byName["Lawyers"]?["note"] as? String)?.contains("Fewer than 5") == true)
            #expect(byName["Not linked"]?["recipients"] == nil)
            let postPersonas = try #require(try json(try await api(.get, "/api/v1/analytics/posts/\(second)/personas", comms))["data"] as? [[String: Any]])
            #expect(postPersonas.first { $0["persona"] as? String == "Sales team" }?["read"] as? Int == 5, "AF3–AF7 read the second post")
            let personaPage = try await client.execute(uri: "/analytics/campaigns/\(campaign)/personas", method: .get, headers: bearer(comms), body: nil)
            #expect(personaPage.status == .ok && String(buffer: personaPage.body).contains("Reach by persona"))
            let personaCSV = String(buffer: try await client.execute(uri: "/analytics/campaigns/\(campaign)/personas.csv", method: .get, headers: bearer(comms), body: nil).body)
            #expect(personaCSV.contains("Sales team,Sales,10,9,8,0,") && personaCSV.contains("Lawyers,Legal,suppressed"))

            #expect(try await api(.get, "/api/v1/analytics/campaigns/999999", comms).status == .notFound)
            let badID = try await api(.get, "/api/v1/analytics/campaigns/abc", comms).status.code
            #expect(badID == 400 || badID == 404)
            let employeeSession = try await services.feed.sessions.create(employeeID: fixture.people["AF0"]!, via: "test", requestID: nil)
            let browser = Browser(client)
            browser.setCookie("tandem_session", employeeSession.token)
            #expect(try await browser.request("/api/v1/analytics/campaigns/\(campaign)").status == .forbidden)
        }
    }

    @Test("recipients are counted in the background once a send resolves, so the first view reads the counts; a campaign still fanning out waits",
          arguments: TestDatabase.kinds)
    func backgroundCount(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 7) { _, _ in }
            let campaign = try await fixture.campaign("Benefits week")
            let first = try await fixture.publish("Day one", channels: ["feed", "email"], campaign: campaign)
            let second = try await fixture.publish("Day two", campaign: campaign)
            let outside = try await fixture.publish("Canteen menu")
            let metrics = services.analytics.metrics
            let db = services.database.reader
            func totals(_ table: String, _ key: String, _ id: Int64) async throws -> (deliveries: Int64, at: Int64)? {
                guard let row = try await db.raw("SELECT deliveries, counted_at FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) = \(bind: id)").first() else { return nil }
                return (try row.decode(column: "deliveries", as: Int64.self), try row.decode(column: "counted_at", as: Int64.self))
            }
            func sends(_ where: SQLQueryString) async throws -> Int64 {
                try await db.raw("SELECT CAST(SUM(s.deliveries) AS BIGINT) AS n FROM post_sends s JOIN posts p ON p.id = s.post_id WHERE \(`where`)").first()!.decode(column: "n", as: Int64.self)
            }

            let counted = try await metrics.countResolvedSends()
            #expect(Set(counted) == [.post(first), .post(second), .post(outside), .campaign(Int64(campaign))])
            for post in [first, second, outside] {
                #expect(try await totals("engagement_recipient_totals", "post_id", post)?.deliveries == (try await sends("p.id = \(bind: post)")))
            }
            let campaignTotals = try #require(try await totals("campaign_recipient_totals", "campaign_id", Int64(campaign)))
            #expect(campaignTotals.deliveries == (try await sends("p.campaign_id = \(bind: campaign)")))
            #expect(try await metrics.countResolvedSends().isEmpty, "nothing changed, nothing to count")

            // The dashboard reads the counts made in the background instead of counting again.
            let dashboard = try json(try await fixture.api(.get, "/api/v1/analytics/campaigns/\(campaign)", fixture.comms))
            #expect((dashboard["recipients"] as? [String: Int])?["any"] == 7 && (dashboard["recipients"] as? [String: Int])?["feed"] == 7)
            #expect(try await totals("campaign_recipient_totals", "campaign_id", Int64(campaign))?.at == campaignTotals.at)

            // A post of the campaign fanning out again (a new delivery page): neither it nor the campaign is counted until it resolves.
            try await services.database.transaction { db in
                try await db.raw("UPDATE post_sends SET state = 'resolving', deliveries = deliveries + 1 WHERE post_id = \(bind: second)").run()
            }
            #expect(try await metrics.countResolvedSends().isEmpty)
            try await services.database.transaction { db in
                try await db.raw("UPDATE post_sends SET state = 'resolved' WHERE post_id = \(bind: second)").run()
            }
            #expect(Set(try await metrics.countResolvedSends()) == [.post(second), .campaign(Int64(campaign))])
            #expect(try await totals("campaign_recipient_totals", "campaign_id", Int64(campaign))?.deliveries == campaignTotals.deliveries + 1)
        }
    }
}
