import Audiences
import Audit
import Delivery
import Foundation
import HTTPTypes
import HummingbirdTesting
import Listening
import NIOCore
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Survey posts in chat, and scheduled opening")
struct SurveyChatScheduleTests {
    static let admin = AuditActor(userID: nil, label: "admin", channel: .cli)
    static let question = #"[{"kind":"enps","prompt":"How likely are you to recommend us?"}]"#

    @Test("opening posts the answer link to each chosen Slack and Teams channel once; a reminder posts again; closing cancels what is unsent; bad choices are refused",
          arguments: TestDatabase.kinds)
    func chat(kind: DatabaseKind) async throws {
        let sink = try GatewaySink()
        defer { sink.stop() }
        try await withApp(kind, configure: {
            $0.publicURL = "http://tandem.test"
            $0.secretKey = Data(repeating: 7, count: 32)
        }) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { _, _ in }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let base = "http://127.0.0.1:\(sink.port)"
            let destinations = services.delivery.destinations
            let slack = try await destinations.create(try NewDestination(name: "#all-hands", kind: "slack", url: base + "/slack", signingSecret: nil, topicIDs: []), by: Self.admin)
            let teams = try await destinations.create(try NewDestination(name: "Teams: Everyone", kind: "teams", url: base + "/teams", signingSecret: nil, topicIDs: []), by: Self.admin)
            let hook = try await destinations.create(try NewDestination(name: "Intranet", kind: "webhook", url: base + "/hook", signingSecret: nil, topicIDs: []), by: Self.admin)
            let gone = try await destinations.create(try NewDestination(name: "Old channel", kind: "slack", url: base + "/gone", signingSecret: nil, topicIDs: []), by: Self.admin)

            func refusal(_ body: String) async throws -> String? {
                let reply = try await fixture.api(.post, "/api/v1/surveys", hr, body)
                #expect(reply.status == .unprocessableContent, "\(String(buffer: reply.body))")
                return (try json(reply)["error"] as? [String: Any])?["field"] as? String
            }
            #expect(try await refusal(#"{"title":"P","mode":"anonymous","chat_destinations":[\#(hook.id)],"questions":\#(Self.question)}"#) == "chat_destinations",
                    "generic webhooks take posts, not surveys")
            #expect(try await refusal(#"{"title":"P","mode":"anonymous","chat_destinations":[999],"questions":\#(Self.question)}"#) == "chat_destinations")
            #expect(try await refusal(#"{"title":"P","mode":"identified","lifecycle":"hired_30","chat_destinations":[\#(slack.id)],"questions":\#(Self.question)}"#)
                    == "chat_destinations")

            let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"""
                {"title":"Benefits <check> & more","intro":"Five minutes.","mode":"anonymous","closes_on":"2099-01-31",
                 "chat_destinations":[\#(teams.id),\#(slack.id),\#(slack.id),\#(gone.id)],"remind_after_days":3,"questions":\#(Self.question)}
                """#)
            #expect(created.status == .created)
            let stored = try json(created)
            #expect(stored["chat_destinations"] as? [Int] == [slack.id, teams.id, gone.id].map(Int.init).sorted(), "kept once each, in order")
            let survey = try #require(stored["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            #expect(try sink.requests().isEmpty, "posts go from the outbox, not from the request")

            let chat = try #require(services.listening.chat)
            let first = try await chat.drain()
            #expect(first.sent == 2 && first.retrying == 1, "\(first)")
            #expect(try await chat.drain().total == 0, "nothing again: the removed webhook waits while its destination is paused")
            let posts = try sink.requests()
            let slackPosts = posts.filter { $0["path"] as? String == "/slack" }
            #expect(slackPosts.count == 1 && posts.filter { $0["path"] as? String == "/teams" }.count == 1)
            let slackBody = try #require(slackPosts.first?["json"] as? [String: Any])
            #expect(slackBody["text"] as? String == "Survey: Benefits &lt;check&gt; &amp; more")
            let section = String(describing: slackBody["blocks"] ?? "")
            #expect(section.contains("<http://tandem.test/surveys/\(survey)/answer|Answer the survey>") && section.contains("Open until 2099-01-31"))
            #expect(!section.contains("/s/sv."), "a shared channel never gets a personal link")
            let teamsBody = String(describing: posts.first { $0["path"] as? String == "/teams" }?["json"] ?? "")
            #expect(teamsBody.contains("http://tandem.test/surveys/\(survey)/answer") && teamsBody.contains("Anonymous"))

            func chatLines() async throws -> [String] {
                let body = try json(try await fixture.api(.get, "/api/v1/surveys/\(survey)/distribution", hr))
                return (body["chat"] as? [[String: Any]] ?? []).map { "\($0["destination"] as? String ?? "?") r\($0["round"] as? Int ?? -1) \($0["state"] as? String ?? "?")" }
            }
            #expect(try await chatLines() == ["#all-hands r0 sent", "Old channel r0 failed", "Teams: Everyone r0 sent"])
            let page = String(buffer: try await fixture.api(.get, "/surveys/\(survey)", hr).body)
            #expect(page.contains("Chat posts") && page.contains("Old channel"))

            // The automatic reminder's day comes: one more post per channel, marked as a reminder.
            let later = Date().addingTimeInterval(3 * 86_400 + 60)
            #expect(try await services.listening.messages.dueReminders(now: later) == [Int64(survey)], "chat alone is enough for reminders")
            let (round, _) = try await services.listening.messages.remind(Int64(survey), by: .system, automatic: true, now: later)
            #expect(round == 1)
            #expect(try await chat.drain(now: { later }).sent == 2, "planned for the reminder's moment")
            let reminders = try sink.requests().filter { ($0["path"] as? String) == "/slack" }
            #expect(reminders.count == 2 && (reminders.last?["json"] as? [String: Any])?["text"] as? String == "Reminder: Benefits &lt;check&gt; &amp; more")

            // Closing cancels the post still waiting for the paused channel.
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"close","version":1}"#).status == .ok)
            #expect(try await chatLines().filter { $0.hasPrefix("Old channel") } == ["Old channel r0 cancelled", "Old channel r1 cancelled"])
        }
    }

    @Test("HR schedules a draft: it opens by itself on its day, once across passes; past days, days after closing and edits by IC are handled; a failure is shown, not retried",
          arguments: TestDatabase.kinds)
    func schedule(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { _, _ in }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let ic = try await services.token(for: try await services.user("ic@example.com", [.comms]))
            let surveys = services.listening.surveys
            let today = EmployeeRules.today()
            let tomorrow = EmployeeRules.today(Date().addingTimeInterval(86_400))
            let yesterday = EmployeeRules.today(Date().addingTimeInterval(-86_400))
            let created = try await fixture.api(.post, "/api/v1/surveys", ic, #"{"title":"Quarterly","mode":"confidential","closes_on":"2099-01-01","questions":\#(Self.question)}"#)
            let survey = try #require(try json(created)["id"] as? Int)
            func transition(_ token: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let reply = try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", token, body)
                return (reply.status, (try? json(reply)) ?? [:])
            }
            #expect(try await transition(ic, #"{"action":"schedule","version":1,"opens_on":"\#(tomorrow)"}"#).0 == .forbidden, "scheduling is HR's approval")
            let past = try await transition(hr, #"{"action":"schedule","version":1,"opens_on":"\#(yesterday)"}"#)
            #expect(past.0 == .unprocessableContent && (past.1["error"] as? [String: Any])?["field"] as? String == "opens_on")
            #expect(try await transition(hr, #"{"action":"schedule","version":1,"opens_on":"2100-01-01"}"#).0 == .unprocessableContent, "after it closes")
            #expect(try await transition(hr, #"{"action":"schedule","version":1,"opens_on":"someday"}"#).0 == .unprocessableContent)
            let scheduled = try await transition(hr, #"{"action":"schedule","version":1,"opens_on":"\#(tomorrow)"}"#)
            #expect(scheduled.0 == .ok && scheduled.1["opens_on"] as? String == tomorrow && scheduled.1["state"] as? String == "draft")

            // Not before its day.
            #expect(try await surveys.openScheduled(today: today).opened.isEmpty)
            // IC changes the draft: HR's approval no longer covers it, so the schedule goes.
            let edit = #"{"title":"Quarterly check-in","mode":"confidential","closes_on":"2099-01-01","version":2,"questions":\#(Self.question)}"#
            let edited = try json(try await fixture.api(.put, "/api/v1/surveys/\(survey)", ic, edit))
            #expect(edited["opens_on"] as? String == nil && edited["title"] as? String == "Quarterly check-in")
            #expect(try await surveys.openScheduled(today: tomorrow).opened.isEmpty)
            // HR schedules again; HR's own edit keeps it.
            #expect(try await transition(hr, #"{"action":"schedule","version":3,"opens_on":"\#(tomorrow)"}"#).0 == .ok)
            let hrEdit = edit.replacingOccurrences(of: #""version":2"#, with: #""version":4"#)
            #expect(try json(try await fixture.api(.put, "/api/v1/surveys/\(survey)", hr, hrEdit))["opens_on"] as? String == tomorrow)

            // Its day: it opens to everyone, once, however many passes run.
            let pass = try await surveys.openScheduled(today: tomorrow)
            #expect(pass.opened.map(\.id) == [Int64(survey)] && pass.opened.first?.invited == 6 && pass.failed.isEmpty)
            #expect(try await surveys.openScheduled(today: tomorrow).opened.isEmpty)
            let opened = try #require(try await surveys.find(id: Int64(survey)))
            #expect(opened.state == .open && opened.opensOn == nil)
            let audit = try await services.database.reader.raw("SELECT actor FROM audit_log WHERE action = 'survey.open' AND entity_id = \(bind: String(survey))").all()
            #expect(try audit.map { try $0.decode(column: "actor", as: String.self) } == ["scheduled by hr@example.com"])

            // A scheduled survey whose audience is empty on its day: the reason is kept for HR, and it is not tried on every pass.
            let audience = try await services.audiences.store.create(
                try AudienceDraft.make(name: "Nobody", description: "", rule: #"department = "Nowhere""#, employeeIDs: nil, attributes: []), mayUseSensitive: false, by: .system)
            let empty = try json(try await fixture.api(.post, "/api/v1/surveys", hr,
                                                        #"{"title":"Empty","mode":"anonymous","audience_id":\#(audience.id),"questions":\#(Self.question)}"#))
            let emptyID = try #require(empty["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(emptyID)/transitions", hr, #"{"action":"schedule","version":1,"opens_on":"\#(today)"}"#).status == .ok)
            let failed = try await surveys.openScheduled(today: today)
            #expect(failed.opened.isEmpty && failed.failed.map(\.survey) == [Int64(emptyID)])
            #expect(try await surveys.openScheduled(today: today).failed.isEmpty, "not retried until HR schedules it again")
            let kept = try json(try await fixture.api(.get, "/api/v1/surveys/\(emptyID)", hr))
            #expect(kept["state"] as? String == "draft" && (kept["open_error"] as? String)?.contains("Nobody active") == true)
            let page = String(buffer: try await fixture.api(.get, "/surveys/\(emptyID)", hr).body)
            #expect(page.contains("could not") && page.contains("Cancel the scheduled opening"))
            let cancelled = try await fixture.api(.post, "/api/v1/surveys/\(emptyID)/transitions", hr, #"{"action":"unschedule","version":2}"#)
            #expect(try json(cancelled)["opens_on"] as? String == nil && cancelled.status == .ok)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(emptyID)/transitions", hr, #"{"action":"unschedule","version":3}"#).status == .conflict)
        }
    }

    @Test("the survey card is kept with the cached feed page: it appears as soon as a survey opens and goes as soon as the person answers",
          arguments: TestDatabase.kinds)
    func cachedCard(kind: DatabaseKind) async throws {
        try await withApp(kind, configure: { $0.feedCache = true }) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { _, _ in }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let reader = try await SurveyHTTPTests.employee(services, fixture.people["AF0"]!)
            func feed() async throws -> String {
                let reply = try await client.execute(uri: "/feed", method: .get, headers: reader)
                #expect(reply.status == .ok)
                return String(buffer: reply.body)
            }
            #expect(try await !feed().contains("feed-prompts"), "no survey yet; this page is now cached")
            let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"Card check","mode":"anonymous","questions":\#(Self.question)}"#)
            let survey = try #require(try json(created)["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            let asked = try await feed()
            #expect(asked.contains("feed-prompts") && asked.contains("Card check"), "opening dropped the cached page")
            #expect(try await feed().contains("Card check"), "and the card stays on the cached page")
            let answered = try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: reader,
                                                    body: ByteBuffer(string: #"{"submission":"cardcheck-01","answers":[{"question":"q1","number":9}]}"#))
            #expect(answered.status == .created)
            #expect(try await !feed().contains("Card check"), "answering dropped this person's cached page")
        }
    }
}
