import Analytics
import Engagement
import Foundation
import HummingbirdTesting
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Channel effectiveness and best-performing posts")
struct ChannelMatrixTests {
    static func day(_ offset: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    @Test("the matrix counts deliveries reached and read per group and channel; small groups are hidden with a complement; bad periods get clear errors; posts rank by an adjusted rate",
          arguments: TestDatabase.kinds)
    func matrix(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            // 21 people: 8 in Brazil, 8 in Germany, 5 in the US; 18 in Sales and 3 in Legal.
            let fixture = try await AnalyticsFixture.make(client, services, count: 21) { index, person in
                person.country = index < 8 ? "BR" : index < 16 ? "DE" : "US"
                person.department = index < 18 ? "Sales" : "Legal"
            }
            let api = fixture.api, comms = fixture.comms
            let first = try await fixture.publish("Canteen closes early", channels: ["feed", "email"])
            let second = try await fixture.publish("New shift planner", channels: ["feed"], requiresAck: true,
                                                   body: "The planner opens on Monday. Swap shifts in the app and your lead approves them.")
            try await fixture.record(.read, post: first, people: (0...5).map { "AF\($0)" })          // six in Brazil read on the feed
            try await fixture.record(.viewed, post: first, people: ["AF8", "AF9"])                   // two in Germany glance at it
            try await fixture.record(.opened, post: first, people: (10...13).map { "AF\($0)" }, channel: .email)
            try await fixture.record(.read, post: second, people: (0...14).map { "AF\($0)" })
            try await fixture.record(.acknowledged, post: second, people: (0...9).map { "AF\($0)" })

            let period = "from=\(Self.day(-1))&to=\(Self.day(1))"
            let matrix = try json(try await api(.get, "/api/v1/analytics/channels?dimension=country&\(period)", comms))
            #expect(matrix["posts"] as? Int == 2 && matrix["channels"] as? [String] == ["feed", "email", "any"])
            let rows = Dictionary(uniqueKeysWithValues: try #require(matrix["rows"] as? [[String: Any]]).map { ($0["value"] as! String, $0["cells"] as! [String: [String: Any]]) })
            #expect(rows["BR"]?["feed"]?["recipients"] as? Int == 16, "8 people × 2 posts")
            #expect(rows["BR"]?["feed"]?["reached"] as? Int == 14 && rows["BR"]?["feed"]?["read"] as? Int == 14)
            #expect(rows["DE"]?["feed"]?["reached"] as? Int == 9, "2 views of the first post, 7 reads of the second")
            #expect(rows["DE"]?["email"]?["reached"] as? Int == 4 && rows["DE"]?["email"]?["read"] as? Int == 0)
            #expect(rows["US"]?["any"]?["reached"] as? Int == 0 && rows["US"]?["any"]?["suppressed"] as? Bool == false)
            let emailed = try await services.database.reader.raw("""
                SELECT COUNT(*) AS n FROM deliveries d JOIN employees e ON e.id = d.employee_id WHERE d.channel = 'email' AND e.country = 'DE'
                """).first()!.decode(column: "n", as: Int.self)
            #expect(rows["DE"]?["email"]?["recipients"] as? Int == emailed)
            if let rate = rows["BR"]?["feed"]?["reach_rate"] as? Double { #expect(abs(rate - 14.0 / 16.0) < 1e-9) } else { Issue.record("no reach rate") }

            // Legal (3) is hidden, and so is Sales, or Legal would follow from the whole.
            let departments = try json(try await api(.get, "/api/v1/analytics/channels?dimension=department&\(period)", comms))
            for row in try #require(departments["rows"] as? [[String: Any]]) {
                for (_, cell) in try #require(row["cells"] as? [String: [String: Any]]) {
                    #expect(cell["suppressed"] as? Bool == true && cell["recipients"] == nil && cell["read"] == nil)
                }
            }

            // Bad periods and breakdowns.
            let reversed = try await api(.get, "/api/v1/analytics/channels?from=\(Self.day(1))&to=\(Self.day(-1))", comms)
            #expect(reversed.status == .unprocessableContent && String(buffer: reversed.body).contains("before it starts"))
            let half = try await api(.get, "/api/v1/analytics/channels?from=\(Self.day(-1))", comms)
            #expect(half.status == .unprocessableContent && String(buffer: half.body).contains("end date"))
            let impossible = try await api(.get, "/api/v1/analytics/channels?from=2026-02-30&to=2026-03-01", comms)
            #expect(impossible.status == .unprocessableContent && String(buffer: impossible.body).contains("is not a date"))
            #expect(try await api(.get, "/api/v1/analytics/channels?from=2020-01-01&to=2026-01-01", comms).status == .unprocessableContent, "longer than two years")
            let dimension = try await api(.get, "/api/v1/analytics/channels?dimension=salary", comms)
            #expect(dimension.status == .unprocessableContent && String(buffer: dimension.body).contains("country, department, site, worker_type, language"))
            let empty = try json(try await api(.get, "/api/v1/analytics/channels?from=2020-01-01&to=2020-01-31", comms))
            #expect(empty["posts"] as? Int == 0 && (empty["rows"] as? [Any])?.isEmpty == true)

            let page = try await client.execute(uri: "/analytics/channels?dimension=country&\(period)", method: .get, headers: bearer(comms), body: nil)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("reach 87.5% · read 87.5%") && html.contains("<svg"))
            let badPage = try await client.execute(uri: "/analytics/channels?from=\(Self.day(1))&to=\(Self.day(-1))", method: .get, headers: bearer(comms), body: nil)
            #expect(badPage.status == .unprocessableContent && String(buffer: badPage.body).contains("role=\"alert\""))
            let csv = String(buffer: try await client.execute(uri: "/analytics/channels.csv?dimension=country&\(period)", method: .get, headers: bearer(comms), body: nil).body)
            #expect(csv.hasPrefix("country,channel,deliveries,reached,read,reach_rate,read_rate") && csv.contains("BR,feed,16,14,14,0.8750,0.8750"))

            // Ranking: 15 of 21 read the planner, 6 of 21 the canteen post; only the planner asked for acknowledgement.
            let best = try #require(try json(try await api(.get, "/api/v1/analytics/best-posts?by=read&\(period)", comms))["data"] as? [[String: Any]])
            #expect(best.compactMap { $0["post_id"] as? Int } == [Int(second), Int(first)])
            let top = try #require(best.first)
            #expect(top["words"] as? Int == 15 && top["topics"] as? [String] == ["Benefits"] && top["channels"] as? [String] == ["feed"] && top["languages"] as? [String] == ["en"])
            let score = try #require(top["score"] as? Double)
            #expect(abs(score - wilsonLowerBound(15, 21)) < 1e-9 && score < 15.0 / 21.0)
            let acks = try #require(try json(try await api(.get, "/api/v1/analytics/best-posts?by=acknowledged&\(period)", comms))["data"] as? [[String: Any]])
            #expect(acks.compactMap { $0["post_id"] as? Int } == [Int(second)])
            #expect(try await api(.get, "/api/v1/analytics/best-posts?by=likes", comms).status == .unprocessableContent)
            #expect(try await api(.get, "/api/v1/analytics/best-posts?limit=0", comms).status == .unprocessableContent)
            let times = try json(try await api(.get, "/api/v1/analytics/send-times?\(period)", comms))
            let hours = try #require(times["hours"] as? [[String: Any]])
            #expect(hours.count == 24 && hours.reduce(0) { $0 + ($1["recipients"] as? Int ?? 0) } == 42 && hours.reduce(0) { $0 + ($1["read"] as? Int ?? 0) } == 21)
            let bestPage = String(buffer: try await client.execute(uri: "/analytics/best?\(period)", method: .get, headers: bearer(comms), body: nil).body)
            #expect(bestPage.contains("New shift planner") && bestPage.contains("Read rate by local send hour"))
            let bestCSV = String(buffer: try await client.execute(uri: "/analytics/best.csv?\(period)", method: .get, headers: bearer(comms), body: nil).body)
            #expect(bestCSV.split(whereSeparator: \.isNewline).count == 3)
        }
    }
}
