import Analytics
import People
import Engagement
import Foundation
import HummingbirdTesting
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("KPIs, team scorecards and notes")
struct KPIHTTPTests {
    static func kpi(_ name: String, _ formula: String, team: String, target: Double, direction: String = "higher", unit: String = "percent", period: String = "month",
                    version: Int? = nil) -> String {
        var body: [String: Any] = ["name": name, "formula": formula, "owner_team": team, "target": target, "direction": direction, "period": period, "unit": unit]
        if let version { body["version"] = version }
        return String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test("KPIs evaluate their formulas over the rollups per period; bad formulas, division by zero and small groups get clear answers; scorecards per team export safely; notes are shared by team",
          arguments: TestDatabase.kinds)
    func kpis(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            // 21 people: 12 frontline, 9 at desks; 18 in Sales, 3 in Legal.
            let fixture = try await AnalyticsFixture.make(client, services, count: 21) { index, person in
                person.workerType = index < 12 ? .frontline : .desk
                person.department = index < 18 ? "Sales" : "Legal"
            }
            let api = fixture.api, comms = fixture.comms
            let first = try await fixture.publish("Safety briefing", requiresAck: true)
            _ = try await fixture.publish("Team lunch")
            try await fixture.record(.read, post: first, people: (0...8).map { "AF\($0)" })
            try await fixture.record(.acknowledged, post: first, people: (0...5).map { "AF\($0)" })

            func create(_ body: String) async throws -> (status: Int, body: [String: Any]) {
                let response = try await api(.post, "/api/v1/kpis", comms, body)
                return (Int(response.status.code), (try? json(response)) ?? [:])
            }
            let reach = try await create(Self.kpi("Frontline reach", #"reached{worker_type="frontline"} / recipients{worker_type="frontline"}"#, team: "ic", target: 80))
            #expect(reach.status == 201, "\(reach.body)")
            let reachID = try #require(reach.body["id"] as? Int)
            #expect(reach.body["formula"] as? String == #"reached{worker_type="frontline"} / recipients{worker_type="frontline"}"#)
            #expect(try await create(Self.kpi("Acknowledged within a day", "acknowledged_24h / recipients", team: "hr", target: 10)).status == 201)
            #expect(try await create(Self.kpi("Posts a month", "posts", team: "shared", target: 1, unit: "number")).status == 201)
            #expect(try await create(Self.kpi("Campaign reads", #"read / recipients{campaign="999"}"#, team: "marketing", target: 50)).status == 201)
            #expect(try await create(Self.kpi("Legal reach", #"reached{department="Legal"} / recipients{department="Legal"}"#, team: "hr", target: 50)).status == 201)
            #expect(try await create(Self.kpi("=HYPERLINK(\"x\")", "read", team: "marketing", target: 1, unit: "number")).status == 201)

            // Bad definitions: clear, specific errors, nothing saved.
            let misspelt = try await create(Self.kpi("A", "reachd / recipients", team: "ic", target: 1))
            #expect(misspelt.status == 422 && (misspelt.body["error"] as? [String: Any])?["field"] as? String == "formula")
            #expect(((misspelt.body["error"] as? [String: Any])?["message"] as? String)?.contains("Did you mean \"reached\"") == true)
            let literalZero = try await create(Self.kpi("B", "reached / 0", team: "ic", target: 1))
            #expect(literalZero.status == 422 && ((literalZero.body["error"] as? [String: Any])?["message"] as? String)?.lowercased().contains("divides by zero") == true)
            let twoBreakdowns = try await create(Self.kpi("C", #"reached{country="BR", site="Porto"}"#, team: "ic", target: 1))
            #expect(twoBreakdowns.status == 422 && ((twoBreakdowns.body["error"] as? [String: Any])?["message"] as? String)?.contains("one breakdown at a time") == true)
            #expect(try await create(Self.kpi("D", #"headcount{channel="sms"}"#, team: "ic", target: 1)).status == 422)
            #expect(try await create(Self.kpi("E", #"acknowledged_24h{site="Porto"}"#, team: "ic", target: 1)).status == 422)
            #expect(try await create(Self.kpi("F", "reached /", team: "ic", target: 1)).status == 422)
            #expect(try await create(Self.kpi("G", "reached", team: "finance", target: 1)).status == 422)
            #expect(try await create(Self.kpi("Frontline reach", "reached", team: "ic", target: 1)).status == 409, "names are unique")
            let total = try await services.database.reader.raw("SELECT COUNT(*) AS n FROM kpis").first()!.decode(column: "n", as: Int.self)
            #expect(total == 6)

            let list = try #require(try json(try await api(.get, "/api/v1/kpis", comms))["data"] as? [[String: Any]])
            func current(_ name: String) -> [String: Any]? {
                list.first { ($0["kpi"] as? [String: Any])?["name"] as? String == name }?["current"] as? [String: Any]
            }
            #expect(abs((current("Frontline reach")?["value"] as? Double ?? -1) - 37.5) < 1e-9, "9 reached of 12 frontline × 2 posts")
            #expect(current("Frontline reach")?["met"] as? Bool == false)
            #expect(abs((current("Acknowledged within a day")?["value"] as? Double ?? -1) - 600.0 / 42.0) < 1e-9)
            #expect(current("Acknowledged within a day")?["met"] as? Bool == true)
            #expect(current("Posts a month")?["value"] as? Double == 2 && current("Posts a month")?["met"] as? Bool == true)
            #expect(current("Campaign reads")?["value"] == nil && (current("Campaign reads")?["note"] as? String)?.contains("which is 0") == true)
            #expect(current("Legal reach")?["value"] == nil && (current("Legal reach")?["note"] as? String)?.contains("fewer than 5 people") == true)

            let progress = try json(try await api(.get, "/api/v1/kpis/\(reachID)/progress?periods=6", comms))
            let values = try #require(progress["data"] as? [[String: Any]])
            #expect(values.count == 6 && values.dropLast().allSatisfy { $0["value"] == nil } && values.last?["value"] as? Double == 37.5)
            #expect(try await api(.get, "/api/v1/kpis/\(reachID)/progress?periods=0", comms).status == .unprocessableContent)

            // Editing needs the version that was read.
            let formula = #"reached{worker_type="frontline"} / recipients{worker_type="frontline"}"#
            let stale = try await api(.put, "/api/v1/kpis/\(reachID)", comms, Self.kpi("Frontline reach", formula, team: "ic", target: 30, version: 7))
            #expect(stale.status == .conflict && String(buffer: stale.body).contains("Reload it"))
            #expect(try await api(.put, "/api/v1/kpis/\(reachID)", comms, Self.kpi("Frontline reach", formula, team: "ic", target: 30)).status == .unprocessableContent, "no version")
            let fresh = Self.kpi("Frontline reach", formula, team: "ic", target: 30, version: 1)
            let updated = try json(try await api(.put, "/api/v1/kpis/\(reachID)", comms, fresh))
            #expect(updated["target"] as? Double == 30 && updated["version"] as? Int == 2)

            // Scorecards: each team's own KPIs and the shared one.
            let cards = try #require(try json(try await api(.get, "/api/v1/scorecards", comms))["data"] as? [[String: Any]])
            let names = Dictionary(uniqueKeysWithValues: cards.map { card in
                (card["team"] as! String, Set((card["kpis"] as! [[String: Any]]).compactMap { ($0["kpi"] as? [String: Any])?["name"] as? String }))
            })
            #expect(names["ic"] == ["Frontline reach", "Posts a month"])
            #expect(names["hr"] == ["Acknowledged within a day", "Legal reach", "Posts a month"])
            #expect(cards.first { $0["team"] as? String == "ic" }?["met"] as? Int == 2, "37.5% against the new target of 30, and 2 posts")
            let csv = String(buffer: try await client.execute(uri: "/analytics/scorecards.csv", method: .get, headers: bearer(comms), body: nil).body)
            #expect(csv.contains("'=HYPERLINK") && !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"))
            let scorePage = String(buffer: try await client.execute(uri: "/analytics/scorecards", method: .get, headers: bearer(comms), body: nil).body)
            #expect(scorePage.contains("Internal Communications: 2 of 2 KPIs met"))

            // Notes: shared by team; shown on the KPI's chart.
            let note = try await api(.post, "/api/v1/annotations", comms, #"{"day":"\#(ChannelMatrixTests.day(0))","note":"Benefits fair","teams":["ic"]}"#)
            #expect(note.status == .created)
            #expect(try await api(.post, "/api/v1/annotations", comms, #"{"day":"2026-02-30","note":"x","teams":["ic"]}"#).status == .unprocessableContent)
            #expect(try await api(.post, "/api/v1/annotations", comms, #"{"day":"2026-02-03","note":"x","teams":[]}"#).status == .unprocessableContent)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            #expect((try json(try await api(.get, "/api/v1/annotations", hr))["data"] as? [Any])?.isEmpty == true, "not shared with HR")
            #expect((try json(try await api(.get, "/api/v1/annotations", analyst))["data"] as? [Any])?.count == 1)
            let noteID = try #require(try json(note)["id"] as? Int)
            #expect(try await api(.delete, "/api/v1/annotations/\(noteID)", hr).status == .forbidden, "only its author or an administrator")
            let detail = String(buffer: try await client.execute(uri: "/analytics/kpis/\(reachID)", method: .get, headers: bearer(comms), body: nil).body)
            #expect(detail.contains("class=\"mark\"") && detail.contains("Benefits fair") && detail.contains("<svg"))
            let notesCSV = String(buffer: try await client.execute(uri: "/analytics/annotations.csv", method: .get, headers: bearer(comms), body: nil).body)
            #expect(notesCSV.contains("Benefits fair,ic,"))
            #expect(try await api(.delete, "/api/v1/annotations/\(noteID)", comms).status == .noContent)

            // Roles: analysts read, never write; employees see nothing.
            #expect(try await api(.get, "/api/v1/kpis", analyst).status == .ok)
            #expect(try await api(.post, "/api/v1/kpis", analyst, Self.kpi("H", "read", team: "ic", target: 1)).status == .forbidden)
            #expect(try await api(.delete, "/api/v1/kpis/\(reachID)", analyst).status == .forbidden)
            #expect(try await api(.delete, "/api/v1/kpis/\(reachID)", comms).status == .noContent)
            #expect(try await api(.get, "/api/v1/kpis/\(reachID)", comms).status == .notFound)
        }
    }
}
