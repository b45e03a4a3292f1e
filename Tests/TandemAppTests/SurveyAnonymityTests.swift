import Foundation
import HummingbirdTesting
import Listening
import SQLKit
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// What someone who can read every table (and PostgreSQL's hidden row columns) learns about who
/// gave which anonymous answer: never less than a group of 5.
@Suite("Anonymous answers in storage")
struct SurveyAnonymityTests {
    static let questions = #"[{"kind":"enps","prompt":"Would you recommend us?"},{"kind":"text","prompt":"Anything else?","required":false}]"#

    /// 24 in Sales and 6 in Legal, all in France, Lyon, desk: two groups.
    static func setup(_ client: any TestClientProtocol, _ services: TandemServices) async throws -> (AnalyticsFixture, String) {
        let fixture = try await AnalyticsFixture.make(client, services, count: 30) { index, person in
            person.department = index < 24 ? "Sales" : "Legal"
            person.country = "FR"
            person.site = "Lyon"
            person.workerType = .desk
        }
        return (fixture, try await services.token(for: try await services.user("hr@example.com", [.hr])))
    }

    static func open(_ fixture: AnalyticsFixture, _ hr: String, _ services: TandemServices, title: String, closesOn: String? = nil) async throws -> Survey {
        let closing = closesOn.map { #","closes_on":"\#($0)""# } ?? ""
        let created = try json(try await fixture.api(.post, "/api/v1/surveys", hr, #"{"title":"\#(title)","mode":"anonymous"\#(closing),"questions":\#(Self.questions)}"#))
        let id = try #require(created["id"] as? Int)
        #expect(try await fixture.api(.post, "/api/v1/surveys/\(id)/transitions", hr, #"{"action":"open","version":1}"#).status == .ok)
        return try #require(try await services.listening.surveys.find(id: Int64(id)))
    }

    static func answer(_ services: TandemServices, _ survey: Survey, _ employee: Int64, _ note: String) async throws {
        let outcome = try await services.listening.responses.submit(survey: survey, employee: employee, submission: "answer-\(survey.id)-\(employee)",
                                                                   answers: ["q1": .number(Int(employee % 11)), "q2": .text(note)])
        #expect(outcome == .recorded)
    }

    /// Each stored response's comment, in the order the rows lie in the table (SQLite's rowid,
    /// PostgreSQL's ctid): what a reader of the raw table sees as "first", "second", ….
    static func storageOrder(_ database: Database, _ survey: Survey) async throws -> [String] {
        let order: SQLQueryString = database.kind == .postgres ? "r.ctid" : "r.rowid"
        return try await database.reader.raw("""
            SELECT a.body FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id AND a.question = 'q2'
            WHERE r.survey_id = \(bind: survey.id) ORDER BY
            """ + " " + order).all().map { try $0.decode(column: "body", as: String.self) }
    }

    static func count(_ database: Database, _ sql: SQLQueryString) async throws -> Int {
        Int(try await database.reader.raw(sql).first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    @Test("answers are stored in groups of 5 of the same team, each group in random order and in one transaction; waiting answers are sealed; every stored response points to at least 5 people",
          arguments: TestDatabase.kinds)
    func storage(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let (fixture, hr) = try await Self.setup(client, services)
            let survey = try await Self.open(fixture, hr, services, title: "Pulse")
            let database = services.database
            // 22 of Sales answer, in order; 3 of Legal.
            for index in 0..<22 { try await Self.answer(services, survey, fixture.people["AF\(index)"]!, "note \(index)") }
            for index in 24..<27 { try await Self.answer(services, survey, fixture.people["AF\(index)"]!, "note \(index)") }

            // 20 of Sales are stored (four groups of 5); 2 of Sales and 3 of Legal wait.
            let stored = try await Self.storageOrder(database, survey)
            #expect(stored.count == 20)
            #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_ballots WHERE survey_id = \(bind: survey.id)") == 5)
            let positions = stored.map { Int($0.dropFirst("note ".count))! }
            // Each group of 5 lies together, so the table tells only which five answered at about
            // the same time: the 5 who answered first are among the first 5 rows, and so on …
            for (place, person) in positions.enumerated() { #expect(person / 5 == place / 5, "row \(place) holds the answer of person \(person)") }
            // … and within each, the rows are in random order, not answering order (all four in
            // answering order by chance: 1 in 120⁴).
            #expect(positions != Array(0..<20), "stored in answering order: \(positions)")

            // Waiting answers are sealed: no words, no group.
            for sealed in try await database.reader.raw("SELECT sealed FROM survey_ballots").all().map({ try $0.decode(column: "sealed", as: String.self) }) {
                // Only base64url after the version: no quote, brace or space of the JSON inside.
                #expect(sealed.hasPrefix("v1.") && sealed.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            }
            // Every stored group of responses has at least 5, and at least as many people answered in it.
            for row in try await database.reader.raw("SELECT department, counted, responded FROM survey_groups WHERE survey_id = \(bind: survey.id)").all() {
                let counted = try row.decode(column: "counted", as: Int64.self), responded = try row.decode(column: "responded", as: Int64.self)
                let department = try row.decode(column: "department", as: String.self)
                #expect(counted == 0 || counted >= 5, "\(department): \(counted)")
                #expect(responded >= counted)
            }
            if kind == .postgres {
                // PostgreSQL stamps each row with the transaction that wrote it (xmin): each
                // transaction wrote 5 responses and their answers, never one.
                let batches = try await database.reader.raw("SELECT xmin::text AS x, COUNT(*) AS n FROM survey_responses GROUP BY xmin::text").all()
                #expect(try batches.map { try $0.decode(column: "n", as: Int64.self) } == [5, 5, 5, 5])
                let answerBatches = try await database.reader.raw("SELECT COUNT(DISTINCT response_id) AS n FROM survey_answers GROUP BY xmin::text").all()
                #expect(try answerBatches.allSatisfy { try $0.decode(column: "n", as: Int64.self) == 5 })
                // No tally row was last written by a transaction that stored fewer than 5 answers.
                let tallyWriters = Set(try await database.reader.raw("SELECT xmin::text AS x FROM survey_tallies").all().map { try $0.decode(column: "x", as: String.self) })
                let responseWriters = Set(try batches.map { try $0.decode(column: "x", as: String.self) })
                #expect(tallyWriters.isSubset(of: responseWriters))
            }

            // Closing counts the 5 waiting together, with no group (2 Sales and 3 Legal would
            // each be too few); Sales's 20 keep theirs.
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(survey.id)/transitions", hr, #"{"action":"close","version":2}"#).status == .ok)
            let groups = try await database.reader.raw("""
                SELECT department, counted FROM survey_groups WHERE survey_id = \(bind: survey.id) AND counted > 0 ORDER BY department
                """).all().map { "\(try $0.decode(column: "department", as: String.self))=\(try $0.decode(column: "counted", as: Int64.self))" }
            #expect(groups == ["Sales=20", "—=5"])
            #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_ballots") == 0)
            let results = try json(try await fixture.api(.get, "/api/v1/surveys/\(survey.id)/results", hr))
            #expect(results["responses"] as? Int == 25 && results["waiting"] as? Int == 0)
            let kept = try await SurveyHTTPTests.tallies(database, Int(survey.id))
            try await services.listening.responses.recount(survey: survey.id)
            #expect(try await SurveyHTTPTests.tallies(database, Int(survey.id)) == kept, "the counts kept in groups equal a recount")
        }
    }

    @Test("a survey past its closing day counts its waiting answers on the next pass; too few in the whole survey stay sealed and uncounted; without a key anonymous answers are refused",
          arguments: TestDatabase.kinds)
    func ending(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let (fixture, hr) = try await Self.setup(client, services)
            let database = services.database
            let expiring = try await Self.open(fixture, hr, services, title: "Ends soon", closesOn: "2099-12-31")
            for index in [0, 1, 2, 24, 25, 26] { try await Self.answer(services, expiring, fixture.people["AF\(index)"]!, "late \(index)") }
            #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_responses") == 0, "3 and 3: both groups wait")
            #expect(try await services.listening.surveys.settleEnded(today: "2099-12-31") == 0, "still open on its last day")
            #expect(try await services.listening.surveys.settleEnded(today: "2100-01-01") == 6)
            #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_responses WHERE department = '—'") == 6)
            #expect(try await services.listening.surveys.settleEnded(today: "2100-01-01") == 0, "nothing twice")

            let tiny = try await Self.open(fixture, hr, services, title: "Tiny")
            for index in [3, 27] { try await Self.answer(services, tiny, fixture.people["AF\(index)"]!, "tiny \(index)") }
            #expect(try await fixture.api(.post, "/api/v1/surveys/\(tiny.id)/transitions", hr, #"{"action":"close","version":2}"#).status == .ok)
            let results = try json(try await fixture.api(.get, "/api/v1/surveys/\(tiny.id)/results", hr))
            #expect(results["responses"] as? Int == 0 && results["waiting"] as? Int == 2)
            #expect(try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_ballots WHERE survey_id = \(bind: tiny.id)") == 2, "kept sealed, not lost")
            let page = String(buffer: try await client.execute(uri: "/surveys/\(tiny.id)", method: .get, headers: bearer(hr), body: nil).body)
            #expect(page.contains("2 more answers wait to be counted"))

            let open = try await Self.open(fixture, hr, services, title: "No key")
            let keyless = ResponseStore(database: database, threshold: 5, box: nil)
            await #expect(throws: AppError.self) {
                _ = try await keyless.submit(survey: open, employee: fixture.people["AF4"]!, submission: "keyless-0001", answers: ["q1": .number(5)])
            }
            do {
                _ = try await keyless.submit(survey: open, employee: fixture.people["AF4"]!, submission: "keyless-0001", answers: ["q1": .number(5)])
            } catch let error as AppError {
                #expect(error.code == "anonymous_needs_key" && error.message.contains("TANDEM_SECRET_KEY"))
            }
            #expect(try await services.listening.responses.invitation(survey: open.id, employee: fixture.people["AF4"]!) == .waiting, "nothing half-written")
        }
    }

    @Test("answers arriving at once from one group are each counted exactly once", arguments: TestDatabase.kinds)
    func concurrent(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let (fixture, hr) = try await Self.setup(client, services)
            let survey = try await Self.open(fixture, hr, services, title: "Rush")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<17 {
                    let employee = fixture.people["AF\(index)"]!
                    group.addTask { try await Self.answer(services, survey, employee, "rush \(index)") }
                }
                try await group.waitForAll()
            }
            let database = services.database
            let stored = try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_responses")
            let waiting = try await Self.count(database, "SELECT COUNT(*) AS n FROM survey_ballots")
            #expect(stored == 15 && waiting == 2, "one at a time: every fifth answer counts its group; stored \(stored), waiting \(waiting)")
            #expect(Set(try await Self.storageOrder(database, survey)).count == stored, "no answer stored twice")
            let kept = try await SurveyHTTPTests.tallies(database, Int(survey.id))
            try await services.listening.responses.recount(survey: survey.id)
            #expect(try await SurveyHTTPTests.tallies(database, Int(survey.id)) == kept)
        }
    }
}
