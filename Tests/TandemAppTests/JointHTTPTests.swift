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
        let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"Benefits pulse","mode":"confidential","questions":\#(Self.questions)}"#)
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

    @Test("KPIs use survey figures: favourable share, eNPS and response rate, per survey and group, hidden under the threshold; bad survey formulas are refused",
          arguments: TestDatabase.kinds)
    func kpis(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let setup = try await Self.setup(client, services)
            let api = setup.fixture.api, comms = setup.fixture.comms, survey = setup.survey
            let answers = [(0, 10, 5), (1, 9, 4), (2, 9, 4), (3, 8, 2), (4, 7, 1), (5, 6, 3), (6, 3, 4),
                           (10, 9, 5), (11, 9, 5), (12, 7, 4), (13, 6, 4), (14, 5, 2), (15, 10, 3),
                           (20, 10, 2), (21, 2, 2), (22, 8, 3), (23, 9, 1), (24, 4, 4)]
            for (code, enps, rating) in answers { try await Self.answer(client, services, setup, "AF\(code)", enps: enps, rating: rating) }

            func create(_ name: String, _ formula: String, unit: String = "percent") async throws -> (status: Int, message: String?) {
                let response = try await api(.post, "/api/v1/kpis", comms, KPIHTTPTests.kpi(name, formula, team: "hr", target: 50, unit: unit))
                return (Int(response.status.code), ((try? json(response))?["error"] as? [String: Any])?["message"] as? String)
            }
            #expect(try await create("Benefits understood", #"survey_favourable{survey="\#(survey)", question="q2"}"#).status == 201)
            #expect(try await create("eNPS", #"survey_enps{survey="\#(survey)"}"#, unit: "number").status == 201)
            #expect(try await create("Pulse response rate", #"survey_response_rate{survey="\#(survey)"}"#).status == 201)
            #expect(try await create("All surveys response rate", "survey_response_rate").status == 201)
            #expect(try await create("Sales understood", #"survey_favourable{survey="\#(survey)", question="q2", department="Sales"}"#).status == 201)
            #expect(try await create("Finance answered", #"survey_response_rate{survey="\#(survey)", department="Finance"}"#).status == 201)
            #expect(try await create("Missing survey", #"survey_enps{survey="999"}"#, unit: "number").status == 201)

            // Bad survey formulas are refused with the reason.
            let noQuestion = try await create("A", #"survey_favourable{survey="\#(survey)"}"#)
            #expect(noQuestion.status == 422 && noQuestion.message?.contains("name the survey and the rating question") == true)
            #expect(try await create("B", #"survey_enps{survey="x"}"#).status == 422)
            let foreign = try await create("C", #"reached{survey="1"}"#)
            #expect(foreign.status == 422 && foreign.message?.contains("reached does not take survey") == true)
            #expect(try await create("D", #"survey_enps{survey="1", channel="feed"}"#).status == 422)
            #expect(try await create("E", #"survey_enps{survey="1", language="en"}"#).status == 422)
            #expect(try await create("F", #"survey_response_rate{survey="1", question="q1"}"#).status == 422)
            #expect(try await create("G", #"survey_favourable{survey="1", question="first"}"#).status == 422)

            let list = try #require(try json(try await api(.get, "/api/v1/kpis", comms))["data"] as? [[String: Any]])
            func current(_ name: String) -> [String: Any]? {
                list.first { ($0["kpi"] as? [String: Any])?["name"] as? String == name }?["current"] as? [String: Any]
            }
            // q2: 4 of 7 + 4 of 6 + 1 of 5 favourable = 9 of 18; eNPS: 8 promoters, 6 detractors of 18; 18 of 25 answered.
            #expect(Self.close(current("Benefits understood")?["value"], 50))
            #expect(Self.close(current("eNPS")?["value"], 200.0 / 18.0))
            #expect(Self.close(current("Pulse response rate")?["value"], 72))
            #expect(Self.close(current("All surveys response rate")?["value"], 72))
            #expect(Self.close(current("Sales understood")?["value"], 400.0 / 7.0))
            #expect(current("Finance answered")?["value"] == nil && (current("Finance answered")?["note"] as? String)?.contains("fewer than 5 responses") == true,
                    "Finance was merged into Other, so it has no responses of its own")
            #expect(current("Missing survey")?["value"] == nil && (current("Missing survey")?["note"] as? String)?.contains("no survey 999") == true)
            // Last month had no survey.
            let id = try #require(list.first { ($0["kpi"] as? [String: Any])?["name"] as? String == "eNPS" }.flatMap { ($0["kpi"] as? [String: Any])?["id"] as? Int })
            let progress = try #require(try json(try await api(.get, "/api/v1/kpis/\(id)/progress?periods=2", comms))["data"] as? [[String: Any]])
            #expect(progress.first?["value"] == nil && (progress.first?["note"] as? String)?.contains("did not close in this period") == true)
        }
    }
}
