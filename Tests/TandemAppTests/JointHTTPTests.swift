import Foundation
import Hummingbird
import HummingbirdTesting
import Listening
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Read together: survey results beside engagement, and survey figures in KPIs")
struct JointHTTPTests {
    static let questions = #"""
        [{"kind":"enps","prompt":"How likely are you to recommend working here?"},
         {"kind":"rating","prompt":"I understand my benefits","scale_min":1,"scale_max":5},
         {"kind":"single","prompt":"Which plan?","choices":["Basic","Plus"],"required":false},
         {"kind":"matrix","prompt":"My manager","rows":["Listens"],"required":false}]
        """#

    /// Sales 10 (AF0–9), Legal 10 (AF10–19), Finance 4 (AF20–23), Ops 1 (AF24): the survey
    /// merges Finance and Ops into "Other". Two posts to everyone on the Benefits topic.
    struct Setup {
        let fixture: AnalyticsFixture
        let survey: Int
        let hr: String
    }

    static func setup(_ client: any TestClientProtocol, _ services: TandemServices) async throws -> Setup {
        let fixture = try await AnalyticsFixture.make(client, services, count: 25) { index, person in
            person.department = index < 10 ? "Sales" : index < 20 ? "Legal" : index < 24 ? "Finance" : "Ops"
            person.country = "FR"
            person.site = "Lyon"
            person.workerType = .desk
        }
        let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
        let first = try await fixture.publish("Benefits explained")
        let second = try await fixture.publish("Enrolment opens")
        let codes = { (range: ClosedRange<Int>) in range.map { "AF\($0)" } }
        // Reads: Sales 8 + 4, Legal 3 + 6, Finance 2 + 0; Legal 4 more only saw the first post.
        try await fixture.record(.read, post: first, people: codes(0...7) + codes(10...12) + codes(20...21))
        try await fixture.record(.viewed, post: first, people: codes(13...16))
        try await fixture.record(.read, post: second, people: codes(0...3) + codes(10...15))
        let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"Benefits pulse","mode":"anonymous","questions":\#(Self.questions)}"#)
        let survey = try #require(try json(created)["id"] as? Int)
        #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
        return Setup(fixture: fixture, survey: survey, hr: hr)
    }

    static func answer(_ client: any TestClientProtocol, _ services: TandemServices, _ setup: Setup, _ code: String, enps: Int, rating: Int) async throws {
        let headers = try await SurveyHTTPTests.employee(services, setup.fixture.people[code]!)
        let body = #"{"submission":"joint-\#(code)-0001","answers":[{"question":"q1","number":\#(enps)},{"question":"q2","number":\#(rating)}]}"#
        let response = try await client.execute(uri: "/api/v1/surveys/\(setup.survey)/responses", method: .post, headers: headers, body: ByteBuffer(string: body))
        #expect(response.status == .created)
    }

    static func row(_ view: [String: Any], _ value: String) -> [String: Any]? {
        (view["rows"] as? [[String: Any]])?.first { $0["value"] as? String == value }
    }

    static func close(_ a: Any?, _ b: Double) -> Bool { abs(((a as? Double) ?? .nan) - b) < 1e-9 }

    @Test("joint rows match hand-computed scores and read rates; small survey groups are hidden with their complement; pooled Other; Pearson r; CSV and page",
          arguments: TestDatabase.kinds)
    func joint(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let setup = try await Self.setup(client, services)
            let api = setup.fixture.api, hr = setup.hr, survey = setup.survey
            // Sales 7, Legal 6, Other 3 so far.
            let sales = [(10, 5), (9, 4), (9, 4), (8, 2), (7, 1), (6, 3), (3, 4)]
            let legal = [(9, 5), (9, 5), (7, 4), (6, 4), (5, 2), (10, 3)]
            let other = [(10, 2), (2, 2), (8, 3), (9, 1), (4, 4)]
            for (index, answer) in sales.enumerated() { try await Self.answer(client, services, setup, "AF\(index)", enps: answer.0, rating: answer.1) }
            for (index, answer) in legal.enumerated() { try await Self.answer(client, services, setup, "AF\(10 + index)", enps: answer.0, rating: answer.1) }
            for (index, answer) in other.prefix(3).enumerated() { try await Self.answer(client, services, setup, "AF\(20 + index)", enps: answer.0, rating: answer.1) }

            // Other has 3 responses: hidden, and Legal (the next smallest) with it, or the total would give Other away.
            let early = try json(try await api(.get, "/api/v1/surveys/\(survey)/joint?question=q2&by=department", hr))
            #expect(Self.row(early, "Other")?["responses"] is NSNull && Self.row(early, "Other")?["score"] is NSNull)
            #expect(Self.row(early, "Legal")?["responses"] is NSNull && Self.row(early, "Legal")?["score"] is NSNull)
            #expect(Self.row(early, "Sales")?["responses"] as? Int == 7 && Self.close(Self.row(early, "Sales")?["score"], 4.0 / 7.0))
            #expect(Self.row(early, "Legal")?["read_rate"] != nil && Self.close(Self.row(early, "Legal")?["read_rate"], 9.0 / 20.0), "engagement has its own threshold")
            let earlyCorrelation = try #require(early["correlation"] as? [String: Any])
            #expect(earlyCorrelation["groups"] as? Int == 1 && earlyCorrelation["r"] is NSNull)

            for (index, answer) in other.enumerated().dropFirst(3) { try await Self.answer(client, services, setup, "AF\(20 + index)", enps: answer.0, rating: answer.1) }
            let view = try json(try await api(.get, "/api/v1/surveys/\(survey)/joint?question=q2&by=department&topic=", hr))
            #expect(view["measure"] as? String == "favourable" && view["posts"] as? Int == 2 && view["dimension"] as? String == "department")
            #expect((view["rows"] as? [[String: Any]])?.map { $0["value"] as? String } == ["Legal", "Sales", "Other"])
            let salesRow = try #require(Self.row(view, "Sales"))
            #expect(salesRow["responses"] as? Int == 7 && salesRow["answers"] as? Int == 7 && Self.close(salesRow["score"], 4.0 / 7.0) && Self.close(salesRow["mean"], 23.0 / 7.0))
            #expect(salesRow["recipients"] as? Int == 20 && salesRow["reached"] as? Int == 12 && salesRow["read"] as? Int == 12 && Self.close(salesRow["read_rate"], 0.6))
            let legalRow = try #require(Self.row(view, "Legal"))
            #expect(Self.close(legalRow["score"], 4.0 / 6.0) && legalRow["reached"] as? Int == 13 && Self.close(legalRow["reach_rate"], 0.65) && Self.close(legalRow["read_rate"], 0.45))
            // Finance and Ops engagement is pooled under the survey's Other.
            let otherRow = try #require(Self.row(view, "Other"))
            #expect(otherRow["pooled"] as? [String] == ["Finance", "Ops"] && otherRow["recipients"] as? Int == 10 && otherRow["read"] as? Int == 2)
            #expect(Self.close(otherRow["score"], 0.2) && otherRow["comparable"] as? Bool == true)
            let overall = try #require(view["overall"] as? [String: Any])
            #expect(overall["responses"] as? Int == 18 && Self.close(overall["score"], 0.5) && overall["recipients"] as? Int == 50 && overall["read"] as? Int == 23)
            // Pearson r over (0.6, 4/7), (0.45, 4/6), (0.2, 0.2), worked out by hand: 0.83941…
            let correlation = try #require(view["correlation"] as? [String: Any])
            #expect(correlation["groups"] as? Int == 3 && abs((correlation["r"] as? Double ?? 0) - 0.8394146494393945) < 1e-9)
            #expect((correlation["caution"] as? String)?.contains("3 groups") == true)

            // eNPS: Sales 3 promoters, 2 detractors of 7.
            let enps = try json(try await api(.get, "/api/v1/surveys/\(survey)/joint?question=q1", hr))
            #expect(enps["measure"] as? String == "enps" && Self.close(Self.row(enps, "Sales")?["score"], 100.0 / 7.0))
            // A topic with no posts: the survey half stays, deliveries are 0.
            let quiet = try #require(try json(try await api(.post, "/api/v1/topics", setup.fixture.comms, #"{"name":"Parking","stages":[{"approver_ids":[\#(setup.fixture.approverID)],"rule":"any"}]}"#))["id"] as? Int)
            let none = try json(try await api(.get, "/api/v1/surveys/\(survey)/joint?topic=\(quiet)", hr))
            #expect(none["posts"] as? Int == 0 && none["topic"] as? String == "Parking" && Self.row(none, "Sales")?["recipients"] as? Int == 0)
            let benefits = try json(try await api(.get, "/api/v1/surveys/\(survey)/joint?topic=\(setup.fixture.topic)", hr))
            #expect(benefits["posts"] as? Int == 2 && benefits["topic"] as? String == "Benefits")

            // The page, its chart and its CSV.
            let page = try await api(.get, "/surveys/\(survey)/joint?question=q2&by=department", hr)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("<svg") && html.contains("chart-scatter") && html.contains("Pearson r = 0.84 over 3 groups"))
            #expect(html.contains("posts: also Finance, Ops"))
            let results = String(buffer: try await api(.get, "/surveys/\(survey)", hr).body)
            #expect(results.contains("/surveys/\(survey)/joint"))
            let csv = String(buffer: try await api(.get, "/surveys/\(survey)/joint.csv?question=q2&by=department", hr).body)
            #expect(csv.contains("Sales,yes,,7,7,0.5714,3.2857,20,12,12,0.6000,0.6000\r\n"))
            #expect(csv.contains("Other,yes,Finance; Ops,5,5,0.2000,2.4000,10,2,2,0.2000,0.2000\r\n"))
        }
    }

    @Test("bad joint requests get clear errors, and only HR, IC and analysts read it", arguments: TestDatabase.kinds)
    func refusals(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let setup = try await Self.setup(client, services)
            let api = setup.fixture.api, hr = setup.hr, survey = setup.survey
            func refused(_ query: String, field: String) async throws -> Bool {
                let response = try await api(.get, "/api/v1/surveys/\(survey)/joint?\(query)", hr)
                let error = try json(response)["error"] as? [String: Any]
                return response.status == .unprocessableContent && error?["field"] as? String == field && (error?["message"] as? String)?.isEmpty == false
            }
            #expect(try await refused("question=q9", field: "question"))
            #expect(try await refused("question=q3", field: "question"), "a single-choice question has no score")
            #expect(try await refused("question=q4", field: "question"), "matrix statements go to the heatmap")
            #expect(try await refused("by=team", field: "by"))
            #expect(try await refused("topic=999", field: "topic"))
            #expect(try await refused("topic=abc", field: "topic"))
            #expect(try await api(.get, "/api/v1/surveys/9999/joint", hr).status == .notFound)
            #expect(try await api(.get, "/surveys/\(survey)/joint?by=team", hr).status == .unprocessableContent)
            let draft = try #require(try json(try await api(.post, "/api/v1/surveys", hr, #"{"title":"Later","mode":"anonymous","questions":\#(Self.questions)}"#))["id"] as? Int)
            let draftResponse = try await api(.get, "/api/v1/surveys/\(draft)/joint", hr)
            let draftCode = try errorCode(draftResponse)
            #expect(draftResponse.status == .unprocessableContent && draftCode == "survey_draft")

            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            let marketing = try await services.token(for: try await services.user("marketing@example.com", [.marketing]))
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/joint", analyst).status == .ok)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/joint", setup.fixture.comms).status == .ok)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/joint", marketing).status == .forbidden)
            #expect(try await api(.get, "/surveys/\(survey)/joint.csv", marketing).status == .forbidden)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/joint", nil).status == .unauthorized)
            let employee = try await SurveyHTTPTests.employee(services, setup.fixture.people["AF0"]!)
            #expect(try await client.execute(uri: "/api/v1/surveys/\(survey)/joint", method: .get, headers: employee, body: nil).status == .forbidden)
        }
    }
}
