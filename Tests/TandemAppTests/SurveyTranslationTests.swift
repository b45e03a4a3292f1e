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

@Suite("Surveys in several languages", .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct SurveyTranslationTests {
    @Test("authors translate a draft question by question; each person's form, feed card and email are in their language; answers are stored in the survey's own words",
          arguments: TestDatabase.kinds)
    func translations(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withApp(kind, configure: {
            $0.publicURL = "http://tandem.test"
            $0.smtp = SMTPSettings(host: "127.0.0.1", port: sink.port, security: .none, connections: 2, fromAddress: "hr@example.com", fromName: "HR")
        }) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { index, person in
                person.language = index == 0 ? "de" : index == 1 ? "de-AT" : index == 2 ? "pt-BR" : "en"
                person.workEmail = "p\(index)@example.com"
            }
            let api = fixture.api
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            let created = try json(try await api(.post, "/api/v1/surveys", hr, #"""
                {"title":"Benefits pulse","mode":"confidential","channels":["email"],"questions":[
                 {"kind":"single","prompt":"Which plan?","choices":["Basic","Plus"]},
                 {"kind":"matrix","prompt":"My manager","rows":["Listens","Explains"]}]}
                """#))
            let survey = try #require(created["id"] as? Int)
            func put(_ language: String, _ token: String, _ body: String) async throws -> TestResponse {
                try await api(.put, "/api/v1/surveys/\(survey)/translations/\(language)", token, body)
            }
            func refusal(_ reply: TestResponse) throws -> String? { (try json(reply)["error"] as? [String: Any])?["message"] as? String }
            // Bad wordings name what is wrong.
            let missing = try await put("de", hr, #"{"title":"Puls","questions":[{"prompt":"Welcher Tarif?","choices":["Einfach","Plus"]}]}"#)
            let missingMessage = try refusal(missing)
            #expect(missing.status == .unprocessableContent && missingMessage?.contains("all 2 questions") == true)
            let short = try await put("de", hr, #"{"title":"Puls","questions":[{"prompt":"Welcher Tarif?","choices":["Einfach"]},{"prompt":"Meine Führungskraft","rows":["Hört zu","Erklärt"]}]}"#)
            let shortMessage = try refusal(short)
            #expect(short.status == .unprocessableContent && shortMessage == "Question 1: give its 2 choices in the same order, each different (1 to 200 characters).")
            let badTag = try await put("d!", hr, #"{"title":"Puls","questions":[{"prompt":"a","choices":["b","c"]},{"prompt":"d","rows":["e","f"]}]}"#)
            #expect(badTag.status == .unprocessableContent)
            let german = #"{"title":"Puls","intro":"Zwei Fragen.","questions":[{"prompt":"Welcher Tarif?","choices":["Einfach","Plus+"]},{"prompt":"Meine Führungskraft","rows":["Hört zu","Erklärt"]}]}"#
            #expect(try await put("de", analyst, german).status == .forbidden)
            #expect(try await put("de", fixture.comms, german).status == .ok)
            let listed = try json(try await api(.get, "/api/v1/surveys/\(survey)/translations", analyst))
            #expect((listed["data"] as? [[String: Any]])?.compactMap { $0["language"] as? String } == ["de"])
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            #expect(try await put("de", hr, german).status == .conflict, "the wording is fixed once the survey opens")

            // The German reader (and the Austrian, by primary language) sees German; the Brazilian sees the survey's own words.
            func page(_ index: Int, _ path: String) async throws -> String {
                var headers = try await SurveyHTTPTests.employee(services, fixture.people["AF\(index)"]!)
                headers[.contentType] = nil
                return String(buffer: try await client.execute(uri: path, method: .get, headers: headers, body: nil).body)
            }
            let form = try await page(0, "/surveys/\(survey)/answer")
            #expect(form.contains("Welcher Tarif?") && form.contains(">Einfach</label>") && form.contains(#"value="Basic""#) && form.contains("Hört zu"))
            #expect(try await page(1, "/surveys/\(survey)/answer").contains("Welcher Tarif?"))
            let portuguese = try await page(2, "/surveys/\(survey)/answer")
            #expect(portuguese.contains("Which plan?") && !portuguese.contains("Welcher"))
            let (germanFeed, englishFeed) = (try await page(0, "/feed"), try await page(3, "/feed"))
            #expect(germanFeed.contains("Puls") && englishFeed.contains("Benefits pulse"))

            // Answers in German are stored in the survey's words.
            var headers = try await SurveyHTTPTests.employee(services, fixture.people["AF0"]!)
            headers[.contentType] = "application/x-www-form-urlencoded"
            let csrf = headers[.csrfToken] ?? ""
            let answered = try await client.execute(uri: "/surveys/\(survey)/answer", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "_csrf=\(csrf)&submission=german-0001&q1=Basic&q2.0=4&q2.1=5"))
            #expect(answered.status == .seeOther)
            let tallied = try await services.database.reader.raw("""
                SELECT value FROM survey_tallies WHERE survey_id = \(bind: survey) AND question = 'q1' AND value <> '*'
                """).all().map { try $0.decode(column: "value", as: String.self) }
            #expect(tallied == ["Basic"])

            // Invitations go out in each person's language.
            _ = try await services.listening.messenger.drain()
            let subjects = Dictionary(uniqueKeysWithValues: try sink.messages().compactMap { message -> (String, String)? in
                guard let to = (message["to"] as? [String])?.first, let subject = message["subject"] as? String else { return nil }
                return (to, subject)
            })
            #expect(subjects["p0@example.com"] == nil, "p0 answered before the invitation went")
            #expect(subjects["p1@example.com"] == "Survey: Puls" && subjects["p2@example.com"] == "Survey: Benefits pulse")
        }
    }
}
