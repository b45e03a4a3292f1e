import Foundation
import HummingbirdTesting
import Listening
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Pulses: waves on schedule to a rotating sample, and the trend across them")
struct SurveyPulseTests {
    @Test("HR makes a draft a pulse; each wave opens on its day to a quarter of the audience, those asked longest ago first; the trend shows each wave's scores only from 5 answers",
          arguments: TestDatabase.kinds)
    func pulse(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 40) { _, person in person.department = "Sales" }
            let api = fixture.api
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            let listening = services.listening
            let today = EmployeeRules.today()
            let created = try json(try await api(.post, "/api/v1/surveys", hr, #"""
                {"title":"Fortnightly pulse","mode":"confidential","questions":[{"kind":"enps","prompt":"Would you recommend us?"},{"kind":"rating","prompt":"I have what I need"}]}
                """#))
            let template = try #require(created["id"] as? Int)

            // Bad settings name their field; only HR sets a pulse.
            func field(_ body: String) async throws -> String? {
                let reply = try await api(.put, "/api/v1/surveys/\(template)/pulse", hr, body)
                #expect(reply.status == .unprocessableContent)
                return (try json(reply)["error"] as? [String: Any])?["field"] as? String
            }
            #expect(try await field(#"{"every_days":3,"sample_percent":25,"open_days":2,"first_on":"\#(today)"}"#) == "every_days")
            #expect(try await field(#"{"every_days":14,"sample_percent":150,"open_days":7,"first_on":"\#(today)"}"#) == "sample_percent")
            #expect(try await field(#"{"every_days":14,"sample_percent":25,"open_days":20,"first_on":"\#(today)"}"#) == "open_days")
            #expect(try await field(#"{"every_days":14,"sample_percent":25,"open_days":7,"first_on":"2020-01-01"}"#) == "first_on")
            let settings = #"{"every_days":14,"sample_percent":25,"open_days":7,"first_on":"\#(today)"}"#
            #expect(try await api(.put, "/api/v1/surveys/\(template)/pulse", fixture.comms, settings).status == .forbidden)
            let saved = try await api(.put, "/api/v1/surveys/\(template)/pulse", hr, settings)
            let nextOn = try json(saved)["next_on"] as? String
            #expect(saved.status == .ok && nextOn == today)
            // The template itself is not opened by hand while its pulse runs.
            #expect(try await api(.post, "/api/v1/surveys/\(template)/transitions", hr, #"{"action":"open","version":1}"#).status == .conflict)

            // Five waves, two weeks apart: 10 of 40 each (25%), everyone once before anyone twice.
            var asked: [[Int64]] = []
            for index in 0..<5 {
                let now = Date().addingTimeInterval(Double(index * 14) * 86_400 + 60)
                let pass = try await listening.pulses.tick(now: now)
                #expect(pass.opened.count == 1 && pass.opened.first?.invited == 10 && pass.failed.isEmpty)
                #expect(try await listening.pulses.tick(now: now).opened.isEmpty, "one wave per day, however often the tick runs")
                let wave = try #require(pass.opened.first?.survey)
                asked.append(try await services.database.reader.raw("SELECT employee_id FROM survey_invitations WHERE survey_id = \(bind: wave) ORDER BY employee_id")
                    .all().map { try $0.decode(column: "employee_id", as: Int64.self) })
                let stored = try #require(try await listening.surveys.find(id: wave))
                #expect(stored.wave == index + 1 && stored.state == .open && stored.closesOn == EmployeeRules.today(now.addingTimeInterval(6 * 86_400)))
            }
            #expect(Set(asked[0..<4].flatMap { $0 }).count == 40, "the first four waves ask everyone once")
            #expect(asked[4] == asked[0], "the fifth asks again those asked longest ago")

            // Wave 1: 8 answers (eNPS 4 promoters, 2 detractors → +25; 6 of 8 favourable). Wave 2: 3 answers, too few to show.
            let series = try #require(try await listening.pulses.series(template: Int64(template)))
            let waves = try await listening.pulses.waves(series)
            #expect(waves.map(\.wave) == [1, 2, 3, 4, 5])
            for (offset, (enps, rating)) in [(10, 5), (10, 5), (9, 4), (9, 4), (8, 3), (7, 2), (6, 4), (2, 5)].enumerated() {
                _ = try await listening.responses.submit(survey: waves[0], employee: asked[0][offset], submission: "wave1-answer-\(offset)",
                                                         answers: ["q1": .number(enps), "q2": .number(rating)], today: EmployeeRules.today(waves[0].openedAt!))
            }
            for offset in 0..<3 {
                _ = try await listening.responses.submit(survey: waves[1], employee: asked[1][offset], submission: "wave2-answer-\(offset)",
                                                         answers: ["q1": .number(9), "q2": .number(5)], today: EmployeeRules.today(waves[1].openedAt!))
            }
            let trend = try json(try await api(.get, "/api/v1/surveys/\(template)/trend", analyst))
            let waveRows = try #require(trend["waves"] as? [[String: Any]])
            #expect(waveRows.map { $0["invited"] as? Int } == [10, 10, 10, 10, 10])
            #expect(waveRows[0]["responses"] as? Int == 8 && waveRows[1]["responses"] as? Int == nil && waveRows[1]["response_rate"] as? Double == nil)
            let rows = try #require(trend["rows"] as? [[String: Any]])
            let enpsRow = try #require(rows.first { $0["measure"] as? String == "enps" }?["values"] as? [Any])
            let ratingRow = try #require(rows.first { $0["measure"] as? String == "favourable" }?["values"] as? [Any])
            #expect((enpsRow[0] as? Double).map { abs($0 - 25) < 1e-9 } == true && enpsRow[1] is NSNull)
            #expect((ratingRow[0] as? Double).map { abs($0 - 0.75) < 1e-9 } == true && ratingRow[1] is NSNull)
            // A wave's page leads to the same trend; a survey outside a pulse has none.
            #expect(try await api(.get, "/api/v1/surveys/\(waves[2].id)/trend", analyst).status == .ok)
            let single = try #require(try json(try await api(.post, "/api/v1/surveys", hr, #"{"title":"Once","mode":"anonymous","questions":[{"kind":"enps","prompt":"x"}]}"#))["id"] as? Int)
            #expect(try await api(.get, "/api/v1/surveys/\(single)/trend", analyst).status == .notFound)
            #expect(try await api(.put, "/api/v1/surveys/\(waves[0].id)/pulse", hr, settings).status == .conflict, "a wave is not a template")

            // Stopped: no more waves.
            #expect(try await api(.delete, "/api/v1/surveys/\(template)/pulse", hr).status == .ok)
            #expect(try await listening.pulses.tick(now: Date().addingTimeInterval(90 * 86_400)).opened.isEmpty)
        }
    }

    @Test("a wave with nobody to ask is closed unopened and the pulse says why, instead of retrying every few seconds")
    func nobody() async throws {
        try await withApp(.sqlite) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 3) { _, _ in }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let template = try #require(try json(try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"P","mode":"anonymous","questions":[{"kind":"enps","prompt":"x"}]}"#))["id"] as? Int)
            #expect(try await fixture.api(.put, "/api/v1/surveys/\(template)/pulse", hr, #"{"every_days":7,"sample_percent":50,"open_days":3,"first_on":"\#(EmployeeRules.today())"}"#).status == .ok)
            // Everyone leaves before the wave's day.
            try await services.database.transaction { db in try await db.raw("UPDATE employees SET termination_date = '2000-01-01'").run() }
            let pass = try await services.listening.pulses.tick()
            #expect(pass.opened.isEmpty && pass.failed.count == 1)
            let series = try #require(try await services.listening.pulses.series(template: Int64(template)))
            #expect(series.note?.contains("Wave 1 did not open") == true && series.waves == 1)
            #expect(try await services.listening.pulses.waves(series).map(\.state) == [.closed])
            #expect(try await services.listening.pulses.tick().failed.isEmpty, "the closed wave is not tried again")
        }
    }

    @Test("a lifecycle survey asks each person when their HR date comes (30 days after joining, with a week's catch-up; the week before leaving), once a day, never twice",
          arguments: TestDatabase.kinds)
    func lifecycle(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let now = Date()
            func day(_ offset: Int) -> String { EmployeeRules.today(now.addingTimeInterval(Double(offset) * 86_400)) }
            let hires = [day(-30), day(-33), day(-20), day(-40), "2020-01-01", "2020-01-01"]
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { index, person in
                person.hireDate = hires[index]
                person.terminationDate = index == 4 ? day(3) : nil
            }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let api = fixture.api
            func create(_ extra: String) async throws -> TestResponse {
                try await api(.post, "/api/v1/surveys", hr, #"{"title":"Check-in","mode":"confidential","questions":[{"kind":"rating","prompt":"I have settled in"}]\#(extra)}"#)
            }
            let bad = try await create(#","lifecycle":"weekly""#)
            let badField = (try json(bad)["error"] as? [String: Any])?["field"] as? String
            #expect(bad.status == .unprocessableContent && badField == "lifecycle")
            let noSchedule = try await create(#","lifecycle":"hired_30","channels":["email"],"remind_after_days":3"#)
            #expect(noSchedule.status == .unprocessableContent)

            let joiners = try #require(try json(try await create(#","lifecycle":"hired_30""#))["id"] as? Int)
            #expect(try await api(.put, "/api/v1/surveys/\(joiners)/pulse", hr, #"{"every_days":14,"sample_percent":25,"open_days":7,"first_on":"\#(day(0))"}"#).status == .conflict)
            let opened = try json(try await api(.post, "/api/v1/surveys/\(joiners)/transitions", hr, #"{"action":"open","version":1}"#))
            #expect(opened["invited"] as? Int == 2 && opened["lifecycle"] as? String == "hired_30")
            func asked(_ survey: Int) async throws -> [String] {
                try await services.database.reader.raw("""
                    SELECT e.employee_id, i.country, i.department, i.site, i.worker_type FROM survey_invitations i JOIN employees e ON e.id = i.employee_id
                    WHERE i.survey_id = \(bind: survey) ORDER BY e.employee_id
                    """).all().map { row in
                    // No breakdown is kept: people gather over months, so groups cannot be checked when each is asked.
                    #expect(try ["country", "department", "site", "worker_type"].allSatisfy { try row.decode(column: $0, as: String.self).isEmpty })
                    return try row.decode(column: "employee_id", as: String.self)
                }
            }
            #expect(try await asked(joiners) == ["AF0", "AF1"], "30 and 33 days ago are due; 20 days is not yet, 40 days is past the catch-up")
            #expect(try await services.listening.lifecycle.tick(now: now).isEmpty, "checked once a day")
            let later = try await services.listening.lifecycle.tick(now: now.addingTimeInterval(10 * 86_400))
            #expect(later.map(\.invited) == [1])
            #expect(try await asked(joiners) == ["AF0", "AF1", "AF2"])
            #expect(try await services.listening.lifecycle.tick(now: now.addingTimeInterval(11 * 86_400)).isEmpty, "nobody is asked twice")
            #expect(try await services.listening.surveys.find(id: Int64(joiners))?.invited == 3)

            let leavers = try #require(try json(try await create(#","lifecycle":"leaving""#))["id"] as? Int)
            #expect(try await api(.post, "/api/v1/surveys/\(leavers)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            #expect(try await asked(leavers) == ["AF4"])
            // The leaver sees it in their feed and answers; results count it.
            let headers = try await SurveyHTTPTests.employee(services, fixture.people["AF4"]!)
            let mine = try json(try await client.execute(uri: "/api/v1/me/surveys", method: .get, headers: headers, body: nil))
            #expect((mine["data"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [leavers])
        }
    }
}
