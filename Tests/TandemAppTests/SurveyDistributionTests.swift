import Delivery
import Foundation
import HTTPTypes
import HummingbirdTesting
import Listening
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Survey invitations and reminders by email and SMS",
       .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct SurveyDistributionTests {
    @Test("opening sends each invitee a personal link by email or SMS; the link answers without sign-in and refuses tampering; reminders reach only those who have not answered, once per round; closing cancels what is unsent",
          arguments: TestDatabase.kinds)
    func distribution(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let gateway = try GatewaySink()
        defer { gateway.stop() }
        try await withApp(kind, configure: {
            $0.publicURL = "http://tandem.test"
            $0.smtp = SMTPSettings(host: "127.0.0.1", port: sink.port, security: .none, connections: 2, fromAddress: "hr@example.com", fromName: "HR")
        }) { client, services in
            // Six office staff with a work address, two frontline staff with only a mobile number.
            let fixture = try await AnalyticsFixture.make(client, services, count: 8) { index, person in
                person.workEmail = index < 6 ? "p\(index)@example.com" : nil
                person.mobilePhone = index < 6 ? nil : "+44770090030\(index)"
                person.department = "Sales"
            }
            try await services.delivery.channels.saveSMS(
                SMSGateway(url: gateway.url, from: "+15550000000", username: "AC1", ratePerSecond: 50, burst: 50), token: nil, by: .system)
            let api = fixture.api
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let listening = services.listening
            let person = (0..<8).map { fixture.people["AF\($0)"]! }

            // Bad settings are refused with the field named.
            func refusal(_ body: String) async throws -> String? {
                let reply = try await api(.post, "/api/v1/surveys", hr, body)
                #expect(reply.status == .unprocessableContent)
                return (try json(reply)["error"] as? [String: Any])?["field"] as? String
            }
            let question = #"[{"kind":"enps","prompt":"How likely are you to recommend us?"}]"#
            #expect(try await refusal(#"{"title":"P","mode":"anonymous","channels":["fax"],"questions":\#(question)}"#) == "channels")
            #expect(try await refusal(#"{"title":"P","mode":"anonymous","channels":["email"],"remind_after_days":0,"questions":\#(question)}"#) == "remind_after_days")
            #expect(try await refusal(#"{"title":"P","mode":"anonymous","remind_after_days":3,"questions":\#(question)}"#) == "remind_after_days")

            let created = try await api(.post, "/api/v1/surveys", hr,
                                        #"{"title":"Pulse","intro":"Three minutes.","mode":"anonymous","channels":["sms","email"],"remind_after_days":3,"questions":\#(question)}"#)
            #expect(created.status == .created)
            let stored = try json(created)
            #expect(stored["channels"] as? [String] == ["email", "sms"] && stored["remind_after_days"] as? Int == 3)
            let survey = try #require(stored["id"] as? Int)
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/reminders", hr).status == .conflict, "a draft is not reminded")
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)

            func lines() async throws -> [String: [String: Int]] {
                let body = try json(try await api(.get, "/api/v1/surveys/\(survey)/distribution", hr))
                var out: [String: [String: Int]] = [:]
                for line in body["lines"] as? [[String: Any]] ?? [] {
                    out["\(line["channel"] as? String ?? "?")\(line["round"] as? Int ?? -1)"] = line["counts"] as? [String: Int]
                }
                return out
            }
            #expect(try await lines() == ["email0": ["pending": 6], "sms0": ["pending": 2]])
            // A reminder by hand right after the invitation is refused, saying when it can go.
            let early = try await api(.post, "/api/v1/surveys/\(survey)/reminders", hr)
            #expect(early.status == .conflict && String(buffer: early.body).contains("the next reminder can go from"))

            let first = try await listening.messenger.drain()
            #expect(first.sent == 8 && first.retrying == 0 && first.dead == 0)
            #expect(try await listening.messenger.drain().total == 0, "a second pass sends nothing again")
            let mails = try sink.messages()
            #expect(mails.count == 6)
            #expect(mails.allSatisfy { ($0["subject"] as? String) == "Survey: Pulse" })
            let mailTo0 = try #require(mails.first { ($0["to"] as? [String]) == ["p0@example.com"] })
            #expect(mailTo0["message_id"] as? String == "<tandem.s\(survey).e\(person[0]).r0@example.com>", "a resend after a crash carries the same Message-ID")
            let text0 = try #require(mailTo0["text"] as? String)
            #expect(text0.contains("Three minutes.") && text0.contains("Anonymous:"))
            let prefix = "http://tandem.test/s/sv.\(survey).\(person[0])."
            let link0 = try #require(text0.split(whereSeparator: \.isNewline).first { $0.contains(prefix) }.map { String($0.dropFirst("Answer here: ".count)) })
            #expect(link0.hasPrefix(prefix))
            let texts = try gateway.requests().compactMap { $0["form"] as? [String: String] }
            #expect(texts.count == 2 && Set(texts.compactMap { $0["To"] }) == ["+447700900306", "+447700900307"])
            let sms6 = try #require(texts.first { $0["To"] == "+447700900306" }?["Body"])
            #expect(sms6.hasPrefix("Pulse: please answer our short survey. http://tandem.test/s/sv.\(survey).\(person[6])."))
            #expect(try await lines() == ["email0": ["sent": 6], "sms0": ["sent": 2]])

            // The personal link opens the survey without sign-in; a changed number or cut link is refused.
            let path0 = String(link0.dropFirst("http://tandem.test".count))
            func page(_ method: HTTPRequest.Method, _ path: String, form: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: path, method: method, headers: form == nil ? [:] : [.contentType: "application/x-www-form-urlencoded"],
                                         body: form.map { ByteBuffer(string: $0) })
            }
            let opened = try await page(.get, path0)
            #expect(opened.status == .ok && String(buffer: opened.body).contains("action=\"\(path0)\""))
            let forged = path0.replacingOccurrences(of: ".\(person[0]).", with: ".\(person[1]).")
            #expect(try await page(.get, forged).status == .notFound)
            #expect(try await page(.post, forged, form: "submission=forged001&q1=0").status == .notFound)
            #expect(try await page(.get, String(path0.dropLast(2))).status == .notFound)
            #expect(try await page(.get, "/s/sv.\(survey).\(person[0])").status == .notFound)
            // An answer outside the scale is refused with the form kept; a good one is recorded once.
            #expect(try await page(.post, path0, form: "submission=link0001&q1=11").status == .unprocessableContent)
            let answered = try await page(.post, path0, form: "submission=link0001&q1=9")
            #expect(answered.status == .ok && String(buffer: answered.body).contains("your answers are recorded"))
            #expect(String(buffer: try await page(.post, path0, form: "submission=link0001&q1=9").body).contains("your answers are recorded"), "the same form again is not a second answer")
            #expect(try await page(.post, path0, form: "submission=link0002&q1=3").status == .conflict)
            #expect(String(buffer: try await page(.get, path0).body).contains("already answered"))
            let sms6Path = String(sms6.split(separator: " ").last!.dropFirst("http://tandem.test".count))
            #expect(try await page(.post, sms6Path, form: "submission=link6001&q1=10").status == .ok)
            // Anonymous: both answers wait, sealed, until 5 of their group have answered.
            let count = try await services.database.reader.raw("SELECT CAST(SUM(responded) AS BIGINT) AS n FROM survey_groups WHERE survey_id = \(bind: survey)").first()?
                .decode(column: "n", as: Int.self)
            let waiting = try await services.database.reader.raw("SELECT COUNT(*) AS n FROM survey_ballots WHERE survey_id = \(bind: survey)").first()?
                .decode(column: "n", as: Int.self)
            #expect(count == 2 && waiting == 2)

            // The automatic reminder is due 3 days after opening: to the 6 who have not answered.
            let inThreeDays = Date().addingTimeInterval(3 * 86_400 + 60)
            #expect(try await listening.messages.dueReminders(now: Date()).isEmpty)
            #expect(try await listening.messages.dueReminders(now: inThreeDays) == [Int64(survey)])
            let reminder = try await listening.messages.remind(Int64(survey), by: .system, automatic: true, now: inThreeDays)
            #expect(reminder.round == 1 && reminder.planned == 6)
            #expect(try await listening.messages.dueReminders(now: inThreeDays).isEmpty, "not due again until 3 days later")
            // Someone answers in the feed before the reminder goes: theirs is skipped.
            let feedAnswer = try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: try await SurveyHTTPTests.employee(services, person[1]),
                                                      body: ByteBuffer(string: #"{"submission":"feed0001","answers":[{"question":"q1","number":7}]}"#))
            #expect(feedAnswer.status == .created)
            #expect(try await listening.messenger.drain().total == 0, "the reminder is due at its time, not before")
            let second = try await listening.messenger.drain(now: { inThreeDays })
            #expect(second.sent == 5 && second.skipped == 1)
            let reminders = try sink.messages().dropFirst(6)
            #expect(reminders.count == 4 && reminders.allSatisfy { ($0["subject"] as? String) == "Reminder: Pulse" })
            #expect(Set(reminders.compactMap { ($0["to"] as? [String])?.first }) == ["p2@example.com", "p3@example.com", "p4@example.com", "p5@example.com"])
            #expect(Set(try sink.messages().compactMap { $0["message_id"] as? String }).count == 10, "each message and reminder has its own Message-ID")
            let reminderTexts = try gateway.requests().dropFirst(2).compactMap { ($0["form"] as? [String: String]) }
            #expect(reminderTexts.map { $0["To"] } == ["+447700900307"] && reminderTexts.first?["Body"]?.hasPrefix("Reminder: Pulse") == true)
            #expect(try await lines() == ["email0": ["sent": 6], "sms0": ["sent": 2], "email1": ["sent": 4, "skipped": 1], "sms1": ["sent": 1]])

            // Only HR reminds; staff who read surveys see the distribution.
            let comms = fixture.comms
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/reminders", comms).status == .forbidden)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/distribution", comms).status == .ok)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/distribution", nil).status == .unauthorized)

            // A reminder planned and then the survey closed: nothing more goes out, and the link says so.
            let late = try await listening.messages.remind(Int64(survey), by: .system, now: inThreeDays.addingTimeInterval(86_400))
            #expect(late.round == 2 && late.planned == 5)
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"close","version":2}"#).status == .ok)
            #expect(try await listening.messenger.drain(now: { inThreeDays.addingTimeInterval(86_400) }).total == 0)
            let afterClose = try await lines()
            #expect(afterClose["email2"] == ["cancelled": 4] && afterClose["sms2"] == ["cancelled": 1])
            #expect(try sink.messages().count == 10)
            let path2 = String(try #require(reminders.first?["text"] as? String).split(whereSeparator: \.isNewline).first { $0.hasPrefix("Answer here: ") }!
                .dropFirst("Answer here: http://tandem.test".count))
            #expect(String(buffer: try await page(.get, path2).body).contains("This survey has closed"))
            let closedReminder = try await api(.post, "/api/v1/surveys/\(survey)/reminders", hr)
            #expect(closedReminder.status == .conflict)
        }
    }

    @Test("a send that fails is kept and tried again after a pause; a person without a work address gets no email")
    func retry() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withApp(.sqlite, configure: {
            $0.publicURL = "http://tandem.test"
            // Nobody listens on the first port: every send fails and is retried.
            $0.smtp = SMTPSettings(host: "127.0.0.1", port: 1, security: .none, connections: 1, timeout: 2, fromAddress: "hr@example.com", fromName: "HR")
        }) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 3) { index, person in
                person.workEmail = index == 2 ? nil : "p\(index)@example.com"
                person.mobilePhone = nil
            }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let created = try json(try await fixture.api(.post, "/api/v1/surveys", hr,
                                                         #"{"title":"Check-in","mode":"confidential","channels":["email"],"questions":[{"kind":"rating","prompt":"I have what I need"}]}"#))
            let survey = try #require(created["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            let outcome = try await services.listening.messenger.drain()
            #expect(outcome.retrying == 2 && outcome.sent == 0)
            let states = try await services.database.reader.raw("""
                SELECT state, attempts, last_error FROM survey_messages WHERE survey_id = \(bind: survey)
                """).all().map { (try $0.decode(column: "state", as: String.self), try $0.decode(column: "attempts", as: Int.self),
                                  try $0.decode(column: "last_error", as: String?.self) ?? "") }
            #expect(states.count == 2, "the person without a work address has no email row")
            #expect(states.allSatisfy { $0.0 == "failed" && $0.1 == 1 && $0.2.contains("could not reach the SMTP server") })
            // Not due yet (backoff): nothing is claimed now.
            #expect(try await services.listening.messenger.runOnce().total == 0)
        }
    }
}
