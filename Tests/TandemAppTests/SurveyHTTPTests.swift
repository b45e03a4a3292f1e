import Foundation
import Hummingbird
import HummingbirdTesting
import Listening
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import SQLKit
import Testing

@Suite("Surveys over HTTP")
struct SurveyHTTPTests {
    /// An employee's session cookie and CSRF header, for calls made as that person.
    static func employee(_ services: TandemServices, _ id: Int64) async throws -> HTTPFields {
        let session = try await services.feed.sessions.create(employeeID: id, via: "test", requestID: nil)
        let identity = try #require(try await services.feed.sessions.identity(forToken: session.token))
        return [.cookie: "tandem_session=\(session.token)", .csrfToken: try #require(identity.csrfToken), .contentType: "application/json"]
    }

    /// Every tally and group count of a survey, as text lines.
    static func tallies(_ database: Database, _ survey: Int) async throws -> [String] {
        let tallies = try await database.reader.raw("""
            SELECT question, item, value, country, department, site, worker_type, n FROM survey_tallies WHERE survey_id = \(bind: survey)
            ORDER BY question, item, value, country, department, site, worker_type
            """).all().map { row in
            try ["question", "item", "value", "country", "department", "site", "worker_type"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                + "=\(try row.decode(column: "n", as: Int64.self))"
        }
        let groups = try await database.reader.raw("""
            SELECT country, department, site, worker_type, invited, responded, counted FROM survey_groups WHERE survey_id = \(bind: survey) ORDER BY country, department, site, worker_type
            """).all().map { row in
            try ["country", "department", "site", "worker_type"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                + "=\(try row.decode(column: "invited", as: Int64.self))/\(try row.decode(column: "responded", as: Int64.self))/\(try row.decode(column: "counted", as: Int64.self))"
        }
        return tallies + groups
    }

    static let questions = #"""
        [{"kind":"enps","prompt":"How likely are you to recommend working here?"},
         {"kind":"rating","prompt":"I understand my benefits","scale_min":1,"scale_max":5,"section":"Benefits"},
         {"kind":"single","prompt":"Which plan did you pick?","choices":["Basic","Plus"],"required":false},
         {"kind":"text","prompt":"Why not Plus?","required":false,"show_if":{"question":"q3","any_of":["Basic"]}},
         {"kind":"matrix","prompt":"About your manager","rows":["Listens","Explains"]},
         {"kind":"text","prompt":"Anything else?","required":false}]
        """#

    @Test("an anonymous survey: HR opens it to an audience, employees answer once, results appear only from 5 responses, with eNPS and its interval; narrow filters are refused; nothing links a response to a person",
          arguments: TestDatabase.kinds)
    func anonymous(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            // 10 in Sales, 10 in Legal, 4 in Finance and 1 in Ops: Finance and Ops are coarsened into "Other" (5 people).
            let fixture = try await AnalyticsFixture.make(client, services, count: 25) { index, person in
                person.department = index < 10 ? "Sales" : index < 20 ? "Legal" : index < 24 ? "Finance" : "Ops"
                person.country = "FR"
                person.site = "Lyon"
                person.workerType = .desk
            }
            let api = fixture.api
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))

            // Bad definitions get specific errors.
            let noQuestions = try await api(.post, "/api/v1/surveys", fixture.comms, #"{"title":"Pulse","mode":"anonymous","questions":[]}"#)
            #expect(noQuestions.status == .unprocessableContent)
            let badScale = try await api(.post, "/api/v1/surveys", fixture.comms, #"{"title":"Pulse","mode":"anonymous","questions":[{"kind":"rating","prompt":"x","scale_min":2,"scale_max":7}]}"#)
            let badScaleDetail = (try json(badScale)["error"] as? [String: Any])?["message"] as? String
            #expect(badScale.status == .unprocessableContent && badScaleDetail == "Question 1: a rating is on 1–5 or 0–10.")
            let badSkip = try await api(.post, "/api/v1/surveys", fixture.comms, #"{"title":"Pulse","mode":"anonymous","questions":[{"kind":"text","prompt":"x","show_if":{"question":"q2","any_of":["a"]}},{"kind":"enps","prompt":"y"}]}"#)
            #expect(badSkip.status == .unprocessableContent)
            let badMode = try await api(.post, "/api/v1/surveys", fixture.comms, #"{"title":"Pulse","mode":"secret","questions":[{"kind":"enps","prompt":"y"}]}"#)
            #expect(badMode.status.code == 422 || badMode.status.code == 400)

            // IC drafts it; only HR opens it (HR's approval).
            let created = try await api(.post, "/api/v1/surveys", fixture.comms, #"{"title":"Benefits pulse","mode":"anonymous","closes_on":"2099-12-31","questions":\#(Self.questions)}"#)
            #expect(created.status == .created)
            let survey = try #require(try json(created)["id"] as? Int)
            let stored = try json(created)
            #expect((stored["questions"] as? [[String: Any]])?.map { $0["key"] as? String } == ["q1", "q2", "q3", "q4", "q5", "q6"])
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", fixture.comms, #"{"action":"open","version":1}"#).status == .forbidden)
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":9}"#).status == .conflict)
            let opened = try json(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#))
            #expect(opened["state"] as? String == "open" && opened["invited"] as? Int == 25)
            #expect(try await api(.put, "/api/v1/surveys/\(survey)", fixture.comms, #"{"title":"Changed","mode":"anonymous","version":2,"questions":\#(Self.questions)}"#).status == .conflict,
                    "questions are fixed once open")

            let sales = (0..<10).map { fixture.people["AF\($0)"]! }
            let first = try await Self.employee(services, sales[0])
            let mine = try json(try await client.execute(uri: "/api/v1/me/surveys", method: .get, headers: first, body: nil))
            #expect((mine["data"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [survey])

            func answer(_ headers: HTTPFields, submission: String, _ answers: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: headers,
                                         body: ByteBuffer(string: #"{"submission":"\#(submission)","answers":\#(answers)}"#))
            }
            // Bad answers: outside the scale, an unknown choice, a skipped question answered, a missing required one.
            #expect(try await answer(first, submission: "bad00001", #"[{"question":"q1","number":11},{"question":"q2","number":4},{"question":"q5","ratings":{"Listens":4,"Explains":4}}]"#).status == .unprocessableContent)
            #expect(try await answer(first, submission: "bad00002", #"[{"question":"q1","number":9},{"question":"q2","number":4},{"question":"q3","choice":"Gold"},{"question":"q5","ratings":{"Listens":4,"Explains":4}}]"#).status == .unprocessableContent)
            #expect(try await answer(first, submission: "bad00003", #"[{"question":"q1","number":9},{"question":"q2","number":4},{"question":"q3","choice":"Plus"},{"question":"q4","text":"x"},{"question":"q5","ratings":{"Listens":4,"Explains":4}}]"#).status == .unprocessableContent)
            #expect(try await answer(first, submission: "bad00004", #"[{"question":"q1","number":9},{"question":"q5","ratings":{"Listens":4,"Explains":4}}]"#).status == .unprocessableContent)
            let refusedYet = try await services.database.reader.raw("SELECT COUNT(*) AS n FROM survey_responses").first()!.decode(column: "n", as: Int.self)
            #expect(refusedYet == 0, "nothing stored from refused answers")

            // eNPS answers for Sales: 10, 9, 9, 8, 7, 6, 3 → 3 promoters, 2 passives, 2 detractors.
            let scores = [10, 9, 9, 8, 7, 6, 3]
            for (index, score) in scores.enumerated() {
                let headers = index == 0 ? first : try await Self.employee(services, sales[index])
                let plan = index % 2 == 0 ? "Basic" : "Plus"
                let why = plan == "Basic" ? #",{"question":"q4","text":"Too expensive for me"}"# : ""
                let body = #"[{"question":"q1","number":\#(score)},{"question":"q2","number":\#(index < 5 ? 4 : 2)},{"question":"q3","choice":"\#(plan)"}\#(why),{"question":"q5","ratings":{"Listens":5,"Explains":3}}]"#
                if index == 4 {
                    // Before the fifth response HR sees no scores.
                    let early = try json(try await api(.get, "/api/v1/surveys/\(survey)/results", hr))
                    let q1 = try #require((early["questions"] as? [[String: Any]])?.first)
                    #expect(q1["enps"] == nil && q1["distribution"] == nil && (q1["note"] as? String)?.contains("Fewer than 5") == true)
                }
                #expect(try await answer(headers, submission: "sub\(index)-000001", body).status == .created)
            }
            // A retry of the same form is answered as recorded; a second, different answer is refused.
            let retry = #"[{"question":"q1","number":10},{"question":"q2","number":4},{"question":"q3","choice":"Basic"},{"question":"q4","text":"Too expensive for me"},{"question":"q5","ratings":{"Listens":5,"Explains":3}}]"#
            let again = try await answer(first, submission: "sub0-000001", retry)
            let againDetail = try json(again)["status"] as? String
            #expect(again.status == .ok && againDetail == "already_recorded")
            let second = try await answer(first, submission: "different01", retry)
            let secondDetail = try errorCode(second)
            #expect(second.status == .conflict && secondDetail == "already_answered")
            // Someone not invited (a staff account without an employee) cannot answer.
            #expect(try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: bearer(hr, json: true),
                                             body: ByteBuffer(string: #"{"submission":"staff0001","answers":[]}"#)).status == .forbidden)

            // The first five of Sales were counted together when the fifth answered; the last two
            // wait, sealed, for three more of Sales (or the close).
            let results = try json(try await api(.get, "/api/v1/surveys/\(survey)/results", analyst))
            #expect(results["responses"] as? Int == 5 && results["waiting"] as? Int == 2 && results["invited"] as? Int == 25)
            #expect(abs((results["response_rate"] as? Double ?? 0) - 7.0 / 25.0) < 1e-9, "the rate counts everyone who answered")
            let questions = try #require(results["questions"] as? [[String: Any]])
            let enps = try #require(questions.first?["enps"] as? [String: Any])
            // 10, 9, 9, 8, 7: (3 − 0) / 5 = 60; margin 1.96 × √((3/5 + 0 − (3/5)²) / 5) × 100 = 42.94.
            #expect(enps["promoters"] as? Int == 3 && enps["detractors"] as? Int == 0 && enps["passives"] as? Int == 2)
            #expect(abs((enps["score"] as? Double ?? 0) - 60) < 0.001)
            #expect(abs((enps["margin"] as? Double ?? 0) - 42.9414) < 0.001)
            let benefits = try #require(questions.first { $0["key"] as? String == "q2" })
            #expect(benefits["favourable"] as? Double == 1 && benefits["unfavourable"] as? Double == 0)
            let listens = try #require(questions.first { $0["key"] as? String == "q5" && $0["item"] as? String == "Listens" })
            #expect(listens["mean"] as? Double == 5 && listens["answers"] as? Int == 5)
            let why = try #require(questions.first { $0["key"] as? String == "q4" })
            #expect(why["comments"] == nil && (why["note"] as? String)?.contains("10") == true, "3 comments are under the comment threshold")
            let resultsPage = String(buffer: try await client.execute(uri: "/surveys/\(survey)", method: .get, headers: bearer(hr), body: nil).body)
            #expect(resultsPage.contains("2 more answers wait to be counted"))

            // Filters: all 5 counted are in Sales, so Sales leaves none outside (allowed); Legal has none (refused).
            let salesOnly = try await api(.get, "/api/v1/surveys/\(survey)/results?department=Sales", hr)
            #expect(salesOnly.status == .ok)
            let legal = try await api(.get, "/api/v1/surveys/\(survey)/results?department=Legal", hr)
            let legalDetail = try errorCode(legal)
            #expect(legal.status == .unprocessableContent && legalDetail == "too_few_responses")
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/results?department=Sales&site=Lyon&country=FR", hr).status == .unprocessableContent, "three attributes")
            // Two more answer from Legal: they wait, so Sales is still the whole of what is counted.
            for index in 10..<12 {
                let headers = try await Self.employee(services, fixture.people["AF\(index)"]!)
                #expect(try await answer(headers, submission: "legal\(index)-0001",
                                         #"[{"question":"q1","number":5},{"question":"q2","number":3},{"question":"q5","ratings":{"Listens":2,"Explains":2}}]"#).status == .created)
            }
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/results?department=Sales", hr).status == .ok, "the waiting Legal answers are in no figure")
            let rates = try #require((try json(try await api(.get, "/api/v1/surveys/\(survey)/results", hr))["rates"] as? [String: [[String: Any]]])?["department"])
            #expect(Set(rates.compactMap { $0["value"] as? String }) == ["Legal", "Other", "Sales"], "Finance (4) and Ops (1) are stored only as Other")
            #expect(rates.first { $0["value"] as? String == "Legal" }?["responses"] == nil, "2 Legal responses are hidden")
            #expect(rates.first { $0["value"] as? String == "Sales" }?["responses"] == nil, "and Sales with them, or Legal would follow from the total")

            // The heatmap by department counts what is counted: Sales 5, nobody else yet.
            let heatmap = try json(try await api(.get, "/api/v1/surveys/\(survey)/heatmap?by=department", hr))
            let columns = try #require(heatmap["columns"] as? [[String: Any]])
            #expect(columns.compactMap { $0["value"] as? String } == ["Legal", "Other", "Sales"])
            #expect(columns[0]["responses"] as? Int == 0 && columns[1]["responses"] as? Int == 0 && columns[2]["responses"] as? Int == 5, "0 reveals no one")
            let heatRows = try #require(heatmap["rows"] as? [[String: Any]])
            let enpsRow = try #require(heatRows.first { $0["key"] as? String == "q1" })
            #expect(abs((enpsRow["overall"] as? Double ?? 0) - 60) < 1e-9 && (enpsRow["cells"] as? [Any])?.count == 3)
            let benefitsRow = try #require(heatRows.first { $0["key"] as? String == "q2" })
            #expect(benefitsRow["overall"] as? Double == 1)
            #expect(heatRows.count == 4, "q1, q2 and the matrix's two statements; choices and text are not scored")
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/heatmap?by=team", hr).status == .badRequest)
            let heatCSV = try await client.execute(uri: "/surveys/\(survey)/heatmap.csv?by=department", method: .get, headers: bearer(hr), body: nil)
            #expect(heatCSV.status == .ok && String(buffer: heatCSV.body).hasPrefix("question,item,prompt,measure,all,Legal,Other,Sales"))

            // Anonymity in the stored data: no person, no time, and no breakdown value shared by fewer than 5 invited people.
            let rows = try await services.database.reader.raw("SELECT * FROM survey_responses").all()
            #expect(rows.count == 5)
            // The four waiting answers are sealed: neither their words nor their group can be read.
            let sealed = try await services.database.reader.raw("SELECT sealed FROM survey_ballots").all().map { try $0.decode(column: "sealed", as: String.self) }
            // (Only base64url after the version: no quote, brace or space of the JSON inside.)
            #expect(sealed.count == 4 && sealed.allSatisfy { $0.hasPrefix("v1.") && $0.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } })
            for row in rows {
                #expect(try row.decode(column: "employee_id", as: Int64?.self) == nil && (try row.decode(column: "submitted_at", as: Int64?.self)) == nil)
            }
            let small = try await services.database.reader.raw("""
                SELECT country, department, site, worker_type, COUNT(*) AS n FROM survey_invitations WHERE survey_id = \(bind: survey)
                GROUP BY country, department, site, worker_type HAVING COUNT(*) < 5
                """).all()
            #expect(small.isEmpty, "every stored combination describes at least 5 invited people")
            let responseIDs = try rows.map { try $0.decode(column: "id", as: String.self) }
            #expect(responseIDs.allSatisfy { UUID(uuidString: $0) != nil }, "random ids, not answering order")
            let audit = try await services.database.reader.raw("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'survey' AND action NOT IN ('survey.create', 'survey.open')").first()!
                .decode(column: "n", as: Int.self)
            #expect(audit == 0, "answering leaves no audit entry")

            // Action planning: HR and IC record actions; analysts read them.
            let plan = #"{"finding":"Frontline staff do not understand their benefits","action":"Benefits explainer on the shop-floor screens","owner_team":"shared","due_on":"2099-01-31"}"#
            let planned = try await api(.post, "/api/v1/surveys/\(survey)/actions", fixture.comms, plan)
            #expect(planned.status == .created)
            let actionID = try #require(try json(planned)["id"] as? Int)
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/actions", analyst, plan).status == .forbidden)
            let badDay = try await api(.post, "/api/v1/surveys/\(survey)/actions", hr, plan.replacingOccurrences(of: "2099-01-31", with: "2099-02-30"))
            let badDayField = (try json(badDay)["error"] as? [String: Any])?["field"] as? String
            #expect(badDay.status == .unprocessableContent && badDayField == "due_on")
            let badOwner = try await api(.post, "/api/v1/surveys/\(survey)/actions", hr, plan.replacingOccurrences(of: "\"shared\"", with: "\"finance\""))
            #expect(badOwner.status == .unprocessableContent)
            let started = plan.replacingOccurrences(of: "}", with: #","status":"in_progress","version":1}"#)
            #expect(try await api(.put, "/api/v1/surveys/\(survey)/actions/\(actionID)", hr, started).status == .ok)
            #expect(try await api(.put, "/api/v1/surveys/\(survey)/actions/\(actionID)", fixture.comms, started).status == .conflict, "version 1 is stale")
            let actions = try #require(try json(try await api(.get, "/api/v1/surveys/\(survey)/actions", analyst))["data"] as? [[String: Any]])
            #expect(actions.count == 1 && actions.first?["status"] as? String == "in_progress" && actions.first?["version"] as? Int == 2)

            // The counts kept with each answer equal a recount from the stored answers.
            let kept = try await Self.tallies(services.database, survey)
            try await services.listening.responses.recount(survey: Int64(survey))
            let recounted = try await Self.tallies(services.database, survey)
            #expect(!kept.isEmpty && recounted == kept)

            // Closed: the four waiting (2 Sales, 2 Legal) are too few to count alone, so Sales's
            // five join them; all nine are counted with no group, and Sales's figures go.
            #expect(try await api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"close","version":3}"#).status == .ok)
            let closed = try json(try await api(.get, "/api/v1/surveys/\(survey)/results", hr))
            #expect(closed["responses"] as? Int == 9 && closed["waiting"] as? Int == 0)
            let closedENPS = try #require((closed["questions"] as? [[String: Any]])?.first?["enps"] as? [String: Any])
            // 3 promoters and 4 detractors (6, 3 and two Legal 5s) of 9: −11.1.
            #expect(closedENPS["promoters"] as? Int == 3 && closedENPS["detractors"] as? Int == 4 && abs((closedENPS["score"] as? Double ?? 0) + 100.0 / 9.0) < 1e-9)
            let pooled = try await services.database.reader.raw("SELECT country, department, site, worker_type FROM survey_responses").all()
            let allPooled = try pooled.allSatisfy { row in try ["country", "department", "site", "worker_type"].allSatisfy { try row.decode(column: $0, as: String.self) == "—" } }
            #expect(pooled.count == 9 && allPooled)
            #expect(try await services.database.reader.raw("SELECT COUNT(*) AS n FROM survey_ballots").first()!.decode(column: "n", as: Int.self) == 0)
            #expect(try await api(.get, "/api/v1/surveys/\(survey)/results?department=Sales", hr).status == .unprocessableContent, "nothing is counted under Sales now")
            let keptAtClose = try await Self.tallies(services.database, survey)
            try await services.listening.responses.recount(survey: Int64(survey))
            #expect(try await Self.tallies(services.database, survey) == keptAtClose)
            let late = try await answer(try await Self.employee(services, fixture.people["AF12"]!), submission: "late000001",
                                        #"[{"question":"q1","number":5},{"question":"q2","number":3},{"question":"q5","ratings":{"Listens":2,"Explains":2}}]"#)
            let lateDetail = try errorCode(late)
            #expect(late.status == .conflict && lateDetail == "survey_closed")
        }
    }

    @Test("pages: IC writes a survey in the questions box, HR opens it, the employee answers from the feed card, and results show once 5 have answered",
          arguments: TestDatabase.kinds)
    func pages(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 6) { _, person in person.department = "Sales" }
            try await services.user("ic@example.com", [.comms])
            try await services.user("hr@example.com", [.hr])
            let ic = Browser(client)
            _ = try await ic.signIn("ic@example.com")
            // A mistake in the questions box: the form comes back with the line named and the text kept.
            let broken = try await ic.post("/surveys", form: [("title", "Quick pulse"), ("mode", "anonymous"), ("audience_id", ""), ("closes_on", ""),
                                                              ("questions", "enps: Recommend us?\nslider: How are you?")], csrfFrom: "/surveys")
            let brokenPage = String(buffer: broken.body)
            #expect(broken.status == .unprocessableContent && brokenPage.contains("Line 2: the kind is one of") && brokenPage.contains("slider: How are you?"))
            let created = try await ic.post("/surveys", form: [("title", "Quick pulse"), ("mode", "anonymous"), ("audience_id", ""), ("closes_on", ""),
                                                               ("questions", "enps: Recommend us?\ntext?: Anything else?")], csrfFrom: "/surveys")
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let survey = try #require(Int(location.split(separator: "/").last ?? ""))
            let draftPage = String(buffer: try await ic.request(location).body)
            #expect(draftPage.contains("Quick pulse") && !draftPage.contains("Open the survey"), "IC cannot open it")
            #expect(try await ic.post("/surveys/\(survey)/open", form: [("version", "1")], csrfFrom: location).status == .forbidden)

            let hr = Browser(client)
            _ = try await hr.signIn("hr@example.com")
            let opened = try await hr.post("/surveys/\(survey)/open", form: [("version", "1")], csrfFrom: location)
            #expect(opened.status == .seeOther)
            let openPage = String(buffer: try await hr.request(location).body)
            #expect(openPage.contains("Fewer than 5 responses: hidden.") && openPage.contains("6 people"))

            // Each employee finds the survey on their feed and answers it from the form.
            for index in 0..<5 {
                let person = fixture.people["AF\(index)"]!
                let session = try await services.feed.sessions.create(employeeID: person, via: "test", requestID: nil)
                let employee = Browser(client)
                employee.setCookie("tandem_session", session.token)
                let feed = String(buffer: try await employee.request("/feed").body)
                #expect(feed.contains("Quick pulse") && feed.contains("/surveys/\(survey)/answer"))
                let form = String(buffer: try await employee.request("/surveys/\(survey)/answer").body)
                #expect(form.contains("Anonymous: your answers are stored without your name"))
                let marker = try #require(form.range(of: "name=\"submission\" value=\""))
                let submission = String(form[marker.upperBound...].prefix { $0 != "\"" })
                if index == 0 {
                    let outside = try await employee.post("/surveys/\(survey)/answer", form: [("submission", submission), ("q1", "12")], csrfFrom: "/surveys/\(survey)/answer")
                    #expect(outside.status == .unprocessableContent && String(buffer: outside.body).contains("outside it"))
                }
                let sent = try await employee.post("/surveys/\(survey)/answer", form: [("submission", submission), ("q1", String(6 + index)), ("q2", "Thanks")],
                                                   csrfFrom: "/surveys/\(survey)/answer")
                #expect(sent.status == .seeOther && sent.headers[.location] == "/feed")
                let after = String(buffer: try await employee.request("/feed").body)
                #expect(!after.contains("/surveys/\(survey)/answer"), "answered surveys leave the feed")
            }
            // HR plans an action from the results page and marks it done.
            let draftPlan = try await ic.post("/surveys/\(survey)/actions", form: [("finding", "Low eNPS"), ("action", "Listening sessions"), ("owner_team", "hr"), ("due_on", "2099-03-01")],
                                              csrfFrom: location)
            #expect(draftPlan.status == .seeOther)
            let planned = String(buffer: try await hr.request(location).body)
            #expect(planned.contains("Listening sessions") && planned.contains("2099-03-01"))
            let actionID = try #require(try await services.listening.actions.list(survey: Int64(survey)).first?.id)
            #expect(try await hr.post("/surveys/\(survey)/actions/\(actionID)", form: [("status", "done"), ("version", "1")], csrfFrom: location).status == .seeOther)
            #expect(try await services.listening.actions.list(survey: Int64(survey)).first?.status == .done)

            let results = String(buffer: try await hr.request(location).body)
            // 6, 7, 8, 9, 10: promoters 2, detractors 1 → +20.
            #expect(results.contains("eNPS +20") && results.contains("5 of 6 asked answered"))
            #expect(results.contains("Comments are shown once at least 10 people have written one.") && !results.contains("Thanks"))
        }
    }

    @Test("comments show from 10, each with its sentiment, with counts and recurring themes", arguments: TestDatabase.kinds)
    func comments(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 12) { _, person in person.country = "FR" }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"Open question","mode":"confidential","questions":[{"kind":"text","prompt":"How is it going?"}]}"#)
            let survey = try #require(try json(created)["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            let texts = Array(repeating: "I love the new benefits, great work!", count: 5) + Array(repeating: "The enrolment site is terrible and slow.", count: 5)
                + ["The enrolment site opens on Monday."]
            for (index, comment) in texts.enumerated() {
                let headers = try await Self.employee(services, fixture.people["AF\(index)"]!)
                let sent = try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"submission":"comment\#(index)-00","answers":[{"question":"q1","text":"\#(comment)"}]}"#))
                #expect(sent.status == .created)
            }
            let results = try json(try await fixture.api(.get, "/api/v1/surveys/\(survey)/results", hr))
            let question = try #require((results["questions"] as? [[String: Any]])?.first)
            #expect((question["comments"] as? [[String: Any]])?.count == 11)
            let counts = try #require(question["sentiment"] as? [String: Int])
            #expect(counts["positive"] == 5 && counts["negative"] == 5 && counts["neutral"] == 1, "\(counts)")
            let themes = try #require(question["themes"] as? [[String: Any]])
            #expect(themes.first?["phrase"] as? String == "enrolment site" && themes.first?["count"] as? Int == 6, "\(themes.prefix(3))")
            let kept = try await Self.tallies(services.database, survey)
            try await services.listening.responses.recount(survey: Int64(survey))
            #expect(kept.contains("q1||negative|—|—|—|—=5") || kept.contains { $0.hasPrefix("q1||negative|") }, "\(kept)")
            let recountedComments = try await Self.tallies(services.database, survey)
            #expect(recountedComments == kept)
            let negative = (question["comments"] as? [[String: Any]])?.first { ($0["text"] as? String)?.contains("terrible") == true }
            #expect(negative?["sentiment"] as? String == "negative" && (negative?["score"] as? Double ?? 0) < 0)
            // Filtered, the sample is read from the matching responses: all 11 are in France.
            let filtered = try json(try await fixture.api(.get, "/api/v1/surveys/\(survey)/results?country=FR", hr))
            let filteredComments = ((filtered["questions"] as? [[String: Any]])?.first?["comments"] as? [[String: Any]])?.compactMap { $0["text"] as? String }
            #expect(filteredComments == texts.sorted())
        }
    }

    @Test("TANDEM_PRIVACY_MIN_COMMENTS moves the comment threshold: 5 comments stay hidden under 6, the sixth shows them all", arguments: TestDatabase.kinds)
    func commentThresholdSetting(kind: DatabaseKind) async throws {
        let configuration = try TandemConfiguration.resolve(flags: [:], environment: ["TANDEM_PRIVACY_MIN_COMMENTS": "6"], configFile: nil)
        #expect(configuration.privacyMinimumComments == 6)
        try await withApp(kind, configure: { $0.privacyMinimumComments = configuration.privacyMinimumComments }) { client, services in
            let fixture = try await AnalyticsFixture.make(client, services, count: 8) { _, _ in }
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let created = try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"Open question","mode":"confidential","questions":[{"kind":"text","prompt":"How is it going?"}]}"#)
            let survey = try #require(try json(created)["id"] as? Int)
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
            func comments() async throws -> (shown: Int?, note: String?) {
                let question = try #require((try json(try await fixture.api(.get, "/api/v1/surveys/\(survey)/results", hr))["questions"] as? [[String: Any]])?.first)
                return ((question["comments"] as? [[String: Any]])?.count, question["note"] as? String)
            }
            for index in 0..<6 {
                if index == 5 {
                    let early = try await comments()
                    #expect(early.shown == nil && early.note == "Comments are shown once at least 6 people have written one.", "\(early)")
                }
                let headers = try await Self.employee(services, fixture.people["AF\(index)"]!)
                let sent = try await client.execute(uri: "/api/v1/surveys/\(survey)/responses", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"submission":"comment\#(index)-00","answers":[{"question":"q1","text":"Comment number \#(index)"}]}"#))
                #expect(sent.status == .created)
            }
            let shown = try await comments()
            #expect(shown.shown == 6 && shown.note == nil, "\(shown)")
        }
        #expect(throws: ConfigurationError.self, "never below 3") {
            try TandemConfiguration.resolve(flags: [:], environment: ["TANDEM_PRIVACY_MIN_COMMENTS": "2"], configFile: nil)
        }
    }

    @Test("coarsening keeps every stored combination at the threshold or more, merging small groups into Other")
    func coarsening() {
        typealias V = SegmentCoarsening.Values
        func person(_ department: String, _ site: String) -> V { V(country: "FR", department: department, site: site, workerType: "desk") }
        let people = Array(repeating: person("Sales", "Lyon"), count: 10) + Array(repeating: person("Legal", "Paris"), count: 10)
            + Array(repeating: person("Finance", "Lyon"), count: 4) + [person("Ops", "Nice")]
        let coarse = SegmentCoarsening(threshold: 5).coarsen(people)
        var sizes: [V: Int] = [:]
        for value in coarse { sizes[value, default: 0] += 1 }
        #expect(sizes.values.allSatisfy { $0 >= 5 })
        #expect(sizes[V(country: "Other", department: "Other", site: "Other", workerType: "Other")] == 5)
        #expect(coarse[0] == person("Sales", "Lyon"))
        // Too many small groups: attributes are dropped until few enough people are merged.
        let scattered = (0..<30).map { person("D\($0 % 10)", "S\($0)") }
        let dropped = SegmentCoarsening(threshold: 5).coarsen(scattered)
        #expect(dropped.allSatisfy { $0.site == SegmentCoarsening.hidden })
        var grouped: [V: Int] = [:]
        for value in dropped { grouped[value, default: 0] += 1 }
        #expect(grouped.values.allSatisfy { $0 >= 5 })
    }

    @Test("eNPS and its interval against hand-computed values")
    func enps() throws {
        let all = try #require(SurveyMath.enps([10: 5, 9: 5]))
        #expect(all.score == 100 && all.margin == 0 && all.low == 100 && all.high == 100)
        // 4 promoters, 3 passives, 3 detractors of 10: 10 points; √((0.4 + 0.3 − 0.01) / 10) × 1.96 × 100 = 51.48.
        let mixed = try #require(SurveyMath.enps([10: 2, 9: 2, 8: 2, 7: 1, 5: 1, 0: 2]))
        #expect(abs(mixed.score - 10) < 1e-9 && abs(mixed.margin - 51.4850) < 0.0001)
        #expect(SurveyMath.enps([:]) == nil)
        #expect(SurveyMath.leaning(7, scale: 0...10) == .neutral && SurveyMath.leaning(8, scale: 0...10) == .favourable && SurveyMath.leaning(2, scale: 1...5) == .unfavourable)
    }
}

@Suite("The questions box")
struct QuestionTextTests {
    @Test("each kind, sections, optional questions, scales and conditions parse; the text round-trips")
    func parses() throws {
        let text = """
            # Benefits
            enps: How likely are you to recommend us?
            rating 0-10: How fair is your pay?
            single: Which plan? | Basic | Plus
            text? if q3 = Basic: Why not Plus?
            # Manager
            matrix: About your manager | Listens | Explains
            multiple?: What helps? | Talks | Guides
            """
        let questions = try QuestionText.parse(text)
        #expect(questions.map(\.kind) == [.enps, .rating, .single, .text, .matrix, .multiple])
        #expect(questions[1].scale == 0...10 && questions[0].section == "Benefits" && questions[4].section == "Manager")
        #expect(questions[3].showIf == Question.Condition(question: "q3", anyOf: ["Basic"]) && !questions[3].required)
        #expect(questions[4].rows == ["Listens", "Explains"] && questions[4].choices == nil && questions[5].choices == ["Talks", "Guides"])
        let draft = try SurveyDraft(title: "T", mode: .anonymous, questions: questions).validated()
        #expect(try QuestionText.parse(QuestionText.format(draft.questions)) .map(\.prompt) == questions.map(\.prompt))
        #expect(QuestionText.format(draft.questions) == text)
    }

    @Test("mistakes name their line")
    func mistakes() {
        for (text, message) in [
            ("enps How likely?", "Line 1: start with the kind"), ("rating 2-7: Pay?", "Line 1: only a rating takes a scale"),
            ("enps: Ok\nsingle: Which?", "Line 2: list the choices"), ("text: Why? | a", "Line 1: a text question has no choices"),
            ("text if q1: Why?", "Line 1: write the condition"), ("poll: Which?", "Line 1: the kind is one of"),
        ] {
            #expect(throws: AppError.self, "\(text)") { try QuestionText.parse(text) }
            #expect((try? QuestionText.parse(text)) == nil)
            do { _ = try QuestionText.parse(text) } catch let error as AppError { #expect(error.message.hasPrefix(message), "\(error.message)") } catch {}
        }
    }
}
