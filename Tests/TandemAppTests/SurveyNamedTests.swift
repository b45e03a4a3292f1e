import Foundation
import HummingbirdTesting
import Listening
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Identified surveys: answers by person, for HR only; results as CSV")
struct SurveyNamedTests {
    @Test("HR reads an identified survey's answers by name (page, API, CSV with formula-safe cells); IC and analysts cannot; anonymous and confidential surveys never show a person",
          arguments: TestDatabase.kinds)
    func named(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { index, person in
                person.givenName = "Person\(index)"
                person.preferredName = nil
                person.familyName = "Zed\(index)"
            }
            let api = fixture.api
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func survey(_ mode: String) async throws -> Int {
                let id = try #require(try json(try await api(.post, "/api/v1/surveys", hr, #"""
                    {"title":"Check-in","mode":"\#(mode)","questions":[{"kind":"rating","prompt":"Settled in"},
                     {"kind":"multiple","prompt":"What helped?","choices":["Buddy","Guide","Manager"]},
                     {"kind":"matrix","prompt":"My manager","rows":["Listens","Explains"]},{"kind":"text","prompt":"Anything else?","required":false}]}
                    """#))["id"] as? Int)
                #expect(try await api(.post, "/api/v1/surveys/\(id)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
                return id
            }
            let identified = try await survey("identified")
            for (index, extra) in [(0, #",{"question":"q4","text":"=HYPERLINK(\"http://x\")"}"#), (1, "")] {
                let answered = try await client.execute(uri: "/api/v1/surveys/\(identified)/responses", method: .post,
                                                        headers: try await SurveyHTTPTests.employee(services, fixture.people["AF\(index)"]!), body: ByteBuffer(string: #"""
                    {"submission":"named-answer-\#(index)","answers":[{"question":"q1","number":\#(4 + index)},{"question":"q2","choices":["Buddy","Guide"]},
                     {"question":"q3","ratings":{"Listens":5,"Explains":3}}\#(extra)]}
                    """#))
                #expect(answered.status == .created)
            }
            let listed = try json(try await api(.get, "/api/v1/surveys/\(identified)/answers", hr))
            let rows = try #require(listed["data"] as? [[String: Any]])
            #expect(rows.compactMap { $0["name"] as? String } == ["Person0 Zed0", "Person1 Zed1"])
            let first = try #require(rows.first?["answers"] as? [String: String])
            #expect(first == ["q1": "4", "q2": "Buddy; Guide", "q3": "Explains: 3; Listens: 5", "q4": #"=HYPERLINK("http://x")"#])
            #expect(try await api(.get, "/api/v1/surveys/\(identified)/answers", fixture.comms).status == .forbidden)
            #expect(try await api(.get, "/api/v1/surveys/\(identified)/answers", analyst).status == .forbidden)
            #expect(try await api(.get, "/api/v1/surveys/\(identified)/answers?offset=-1", hr).status == .badRequest)
            #expect(try await api(.get, "/api/v1/surveys/\(identified)/answers?offset=1", hr).status == .ok)

            let csv = String(buffer: try await api(.get, "/surveys/\(identified)/answers.csv", hr).body)
            let lines = csv.split(whereSeparator: \.isNewline)
            #expect(lines.first == "employee_number,name,answered_at,q1,q2,q3,q4" && lines.count == 3)
            #expect(lines[1].hasPrefix("AF0,Person0 Zed0,") && lines[1].contains(#""'=HYPERLINK(""http://x"")""#), "a formula is neutralised")
            let page = String(buffer: try await api(.get, "/surveys/\(identified)/answers", hr).body)
            #expect(page.contains("Person1 Zed1") && page.contains("Buddy; Guide"))

            // Anonymous and confidential: never by person.
            for mode in ["anonymous", "confidential"] {
                let other = try await survey(mode)
                let refused = try await api(.get, "/api/v1/surveys/\(other)/answers", hr)
                let code = (try json(refused)["error"] as? [String: Any])?["code"] as? String
                #expect(refused.status == .forbidden && code == "not_identified")
                // Its results as CSV keep the thresholds: with no answers, a note and no figures.
                let results = String(buffer: try await api(.get, "/surveys/\(other)/results.csv", analyst).body)
                let resultLines = results.split(whereSeparator: \.isNewline)
                #expect(resultLines.first?.hasPrefix("question,item,prompt,answers,mean,favourable") == true)
                #expect(resultLines.dropFirst().allSatisfy { $0.contains(",0,,,,,,,,") }, "\(results)")
            }
        }
    }
}
