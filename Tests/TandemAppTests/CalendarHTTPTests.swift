import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Calendar over HTTP")
struct CalendarHTTPTests {
    /// YYYY-MM-DD of a day `days` from now, in Berlin.
    func day(_ days: Int) -> String {
        let style = Date.ISO8601FormatStyle(dateSeparator: .dash, timeZone: TimeZone(identifier: "Europe/Berlin")!).year().month().day()
        return Date().addingTimeInterval(Double(days) * 86_400).formatted(style)
    }

    @Test("a scheduled post shows on its day with the day's load; it moves by form; feeds serve it as iCalendar to their secret address only", arguments: TestDatabase.kinds)
    func calendar(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            try await services.user("comms@example.com", [.comms])
            let comms = try await services.user("comms2@example.com", [.comms])
            let approver = try await services.user("approver@example.com", [.approver])
            let commsToken = try await services.token(for: comms), approverToken = try await services.token(for: approver)
            let analystToken = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String?, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: token.map { bearer($0, json: body != nil) } ?? [:], body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try json(try await send(.post, "/api/v1/topics", commsToken, #"{"name":"Benefits","stages":[{"approver_ids":[\#(approver.id)],"rule":"any"}]}"#))
            let created = try json(try await send(.post, "/api/v1/posts", commsToken, """
                {"fallback_language":"en","topic_ids":[\(topic["id"] as! Int)],"channels":["feed","sms"],
                 "variants":[{"language":"en","title":"Enrol, now; before Friday","summary":"Open enrolment closes soon."}]}
                """))
            let id = try #require(created["id"] as? Int)
            #expect(created["channels"] as? [String] == ["feed", "sms"])
            _ = try await send(.post, "/api/v1/posts/\(id)/transitions", commsToken, #"{"action":"submit","version":1}"#)
            _ = try await send(.post, "/api/v1/posts/\(id)/transitions", approverToken, #"{"action":"approve","version":1}"#)
            let first = day(30), second = day(32)
            let scheduled = try await send(.post, "/api/v1/posts/\(id)/transitions", commsToken, #"{"action":"schedule","publish_at":"\#(first)T09:00","time_zone":"Europe/Berlin"}"#)
            #expect(scheduled.status == .ok)

            // The API: the post on its day, with its channels, and the day's load.
            let plan = try json(try await send(.get, "/api/v1/calendar?view=week&date=\(first)&time_zone=Europe/Berlin", approverToken))
            let days = try #require(plan["days"] as? [[String: Any]])
            #expect(days.count == 7 && plan["total"] as? Int == 1)
            let today = try #require(days.first { $0["date"] as? String == first })
            let entries = try #require(today["posts"] as? [[String: Any]])
            #expect(entries.first?["id"] as? Int == id && entries.first?["local_time"] as? String == "09:00" && entries.first?["channels"] as? [String] == ["feed", "sms"])
            #expect((today["load"] as? [String: Any])?["posts"] as? Int == 1 && (today["load"] as? [String: Any])?["level"] as? String == "light")
            #expect(try json(try await send(.get, "/api/v1/calendar?date=\(first)&channel=email", approverToken))["total"] as? Int == 0, "filtered by channel")
            for bad in ["view=year", "date=2026-02-30", "time_zone=recipient", "time_zone=Mars/Olympus", "channel=fax", "team_id=0", "topic_id=abc", "date="] {
                let response = try await send(.get, "/api/v1/calendar?\(bad)", approverToken)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try errorCode(response) == "invalid_parameter")
            }
            #expect(try await send(.get, "/api/v1/calendar", analystToken).status == .forbidden)

            // The page: month and week views; the week view has a move form for editors.
            let browser = Browser(client)
            _ = try await browser.signIn("comms@example.com")
            let month = String(buffer: try await browser.request("/calendar?date=\(first)&time_zone=Europe/Berlin").body)
            #expect(month.contains("Enrol, now; before Friday") && month.contains("data-date=\"\(first)\"") && month.contains("draggable=\"true\""))
            #expect(month.contains("id=\"calendar-move\""), "the drag-and-drop form")
            let weekPath = "/calendar?view=week&date=\(first)&time_zone=Europe/Berlin"
            let week = String(buffer: try await browser.request(weekPath).body)
            #expect(week.contains("value=\"\(first)T09:00\"") && week.contains(">Move</button>"))
            #expect(try await browser.request("/calendar?view=year").status == .badRequest)

            // Moving it: to two days later at 10:00 Berlin; a stale version is refused with a message.
            let moved = try await browser.post("/calendar/reschedule", form: [
                ("post_id", String(id)), ("version", "1"), ("publish_at", "\(second)T10:00"), ("time_zone", "Europe/Berlin"), ("return", weekPath),
            ], csrfFrom: weekPath)
            #expect(moved.status == .seeOther && moved.headers[.location] == weekPath)
            let after = try json(try await send(.get, "/api/v1/posts/\(id)", commsToken))
            #expect((after["publish_at"] as? String)?.contains("T09:00:00Z") == true || (after["publish_at"] as? String)?.contains("T08:00:00Z") == true)
            #expect((after["publish_at"] as? String)?.hasPrefix(second) == true)
            let stale = try await browser.post("/calendar/reschedule", form: [
                ("post_id", String(id)), ("version", "0"), ("publish_at", "\(first)T10:00"), ("time_zone", "Europe/Berlin"), ("return", "//evil.example.com/calendar"),
            ], csrfFrom: weekPath)
            #expect(stale.headers[.location] == "/calendar", "only calendar pages of this site are return addresses")
            #expect(String(buffer: try await browser.request("/calendar").body).contains("changed by"), "the conflict is explained")
            #expect(try json(try await send(.get, "/api/v1/posts/\(id)", commsToken))["publish_at"] as? String == after["publish_at"] as? String)
            let noCSRF = try await browser.request("/calendar/reschedule", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                   body: "post_id=\(id)&version=1&publish_at=\(first)T10:00&time_zone=UTC")
            #expect(noCSRF.status == .forbidden)
            let reviewer = Browser(client)
            _ = try await reviewer.signIn("approver@example.com")
            #expect(try await reviewer.post("/calendar/reschedule", form: [("post_id", String(id))], csrfFrom: "/calendar").status == .forbidden, "approvers read the calendar but do not move posts")

            // Feeds: the address is shown once; it serves iCalendar without signing in; deleting it closes it.
            let feed = try await send(.post, "/api/v1/calendar/feeds", commsToken, #"{"name":"Benefits plan","topic_id":\#(topic["id"] as! Int)}"#)
            #expect(feed.status == .created)
            let url = try #require(try json(feed)["url"] as? String)
            let path = String(url[try #require(url.range(of: "/calendar/feed/"))!.lowerBound...])
            #expect(path.hasSuffix(".ics"))
            let ics = try await send(.get, path, nil)
            #expect(ics.status == .ok && ics.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = String(buffer: ics.body).replacingOccurrences(of: "\r\n ", with: "")
            #expect(text.contains("SUMMARY:Enrol\\, now\\; before Friday\r\n") && text.contains("UID:post-\(id)@"))
            #expect(try await send(.get, "/calendar/feed/tcal_wrong.ics", nil).status == .notFound)
            #expect(try await send(.post, "/api/v1/calendar/feeds", commsToken, #"{"name":"x","campaign_id":999}"#).status == .unprocessableContent)
            let list = try json(try await send(.get, "/api/v1/calendar/feeds", commsToken))
            let feedID = try #require((list["data"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await send(.delete, "/api/v1/calendar/feeds/\(feedID)", approverToken).status == .notFound, "someone else's feed")
            #expect(try await send(.delete, "/api/v1/calendar/feeds/\(feedID)", commsToken).status == .noContent)
            #expect(try await send(.get, path, nil).status == .notFound)

            // The feeds page shows a new address once.
            let page = try await browser.post("/calendar/feeds", form: [("name", "My plan"), ("team_id", ""), ("topic_id", ""), ("campaign_id", ""), ("channel", "sms")], csrfFrom: "/calendar/feeds")
            #expect(page.status == .created && String(buffer: page.body).contains("/calendar/feed/tcal_"))
            #expect(!String(buffer: try await browser.request("/calendar/feeds").body).contains("/calendar/feed/tcal_"), "never shown again")
        }
    }
}
