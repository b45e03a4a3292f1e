import Accounts
import ArgumentParser
import Audit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Listening
import Logging
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Times a survey's results (issue 7: < 300 ms server time for 100,000 responses to 20
/// questions, filtered by two attributes), through the whole app without a network.
struct SurveyResultsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survey-results", abstract: "Survey results server time (target < 300 ms with 100,000 responses to 20 questions, two filters).")

    @Option(help: "Employees, all asked.") var employees = 100_000
    @Option(help: "Of them, how many answer.") var responses = 100_000
    @Option(help: "Timed requests per view (after 3 warm-up requests).") var runs = 30
    @Option(name: .customLong("postgres-url"), help: "Measure on this PostgreSQL instead of SQLite (a scratch schema is created and dropped).") var postgresURL: String?

    static let questions = """
        enps: How likely are you to recommend working here?
        rating: I understand my benefits
        rating: I know where to find HR news
        rating: My workload is manageable
        rating: I trust senior leadership
        rating: I see a future for myself here
        rating: I feel recognised for good work
        rating 0-10: How well do internal messages reach you?
        rating: I have the tools I need
        rating: My team works well together
        rating: I can speak up without fear
        rating: I get useful feedback
        rating: I would stay if offered a similar job elsewhere
        matrix: My manager | listens to me | explains decisions | recognises good work
        matrix: Communication | is timely | is relevant | reaches me where I work
        single: Which health plan did you choose? | Basic | Plus | None
        single: How do you mostly read company news? | Feed | Email | Chat | Signage
        multiple: What would help most? | Talks | Guides | One-to-one help | Videos
        text: What should HR start doing?
        text: Anything else?
        """

    func run() async throws {
        guard responses <= employees else { throw ValidationError("--responses cannot be more than --employees.") }
        try await BenchDatabase.run(postgresURL: postgresURL) { database, engine, configuration in
            try await measure(database, engine: engine, configuration: configuration)
        }
    }

    func measure(_ database: Database, engine: String, configuration: TandemConfiguration) async throws {
        try await Migrations.all.migrate(database)
        _ = try await DeliveryBench.Room.make(database, people: employees)
        let services = TandemServices(configuration: configuration, database: database)
        let user = try await services.accounts.users.create(
            try NewUser(email: "hr@bench.example", displayName: "Bench HR", roles: ["hr"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
        let token = try await services.accounts.tokens.create(userID: user.id, name: "bench", by: .system).secret
        let actor = AuditActor(userID: user.id, label: "bench", channel: .cli)

        var began = ContinuousClock.now
        let questions = try QuestionText.parse(Self.questions)
        var survey = try await services.listening.surveys.create(SurveyDraft(title: "Engagement survey", mode: .anonymous, questions: questions), by: actor)
        survey = try await services.listening.surveys.open(survey.id, version: survey.version, by: actor)
        say("  \(engine): survey of \(survey.questions.count) questions opened to \(survey.invited) people in \(began.duration(to: .now))")
        began = ContinuousClock.now
        let answers = try await Self.answer(database, survey: survey, count: responses)
        say("  \(engine): \(responses) responses with \(answers) answers stored in \(began.duration(to: .now))")
        began = ContinuousClock.now
        try await services.listening.responses.recount(survey: survey.id)
        say("  \(engine): results' counts made from the stored answers in \(began.duration(to: .now)) (answering keeps them as it goes)")
        if database.kind == .postgres {
            try await database.reader.raw("VACUUM ANALYZE").run()
        } else {
            try await database.transaction { db in try await db.raw("ANALYZE").run() }
        }
        // The two most common values of department and worker type, as a reader would pick.
        func common(_ column: String) async throws -> String {
            try await database.reader.raw("SELECT " + SQLQueryString(column) + " AS v, COUNT(*) AS n FROM survey_responses WHERE survey_id = \(bind: survey.id) AND "
                                          + SQLQueryString(column) + " <> 'Other' GROUP BY " + SQLQueryString(column) + " ORDER BY n DESC").first()!.decode(column: "v", as: String.self)
        }
        let department = try await common("department"), workerType = try await common("worker_type")
        let query = "department=\(department.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&worker_type=\(workerType)"
        let filtered = try await services.listening.results.results(survey, filters: [.init(dimension: .department, value: department), .init(dimension: .workerType, value: workerType)])

        let app = buildApplication(services, logger: Logger(label: "bench-app"))
        let runs = runs
        let id = survey.id
        let timings = try await app.test(.router) { client -> (page: [Double], api: [Double], whole: [Double], bytes: Int) in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            func time(_ uri: String) async throws -> ([Double], Int) {
                var samples: [Double] = [], size = 0
                for n in 0..<(runs + 3) {
                    let start = ContinuousClock.now
                    let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
                    let elapsed = Self.ms(start.duration(to: .now))
                    guard response.status == .ok else { throw ValidationError("\(uri) answered \(response.status)") }
                    size = response.body.readableBytes
                    if n >= 3 { samples.append(elapsed) }
                }
                return (samples, size)
            }
            let (page, bytes) = try await time("/surveys/\(id)?\(query)")
            let (api, _) = try await time("/api/v1/surveys/\(id)/results?\(query)")
            let (whole, _) = try await time("/api/v1/surveys/\(id)/results")
            return (page, api, whole, bytes)
        }
        func line(_ label: String, _ samples: [Double]) -> String {
            let sorted = samples.sorted()
            func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return String(format: "  %@: p50 %.1f ms, p95 %.1f ms, max %.1f ms (p95 is %.2f× the 300 ms target)", label, pct(0.5), pct(0.95), sorted.last!, pct(0.95) / 300)
        }
        say("""
            \(engine), \(responses) responses to \(survey.questions.count) questions, filtered to department = \(department) and worker_type = \(workerType) (\(filtered.responses) responses), \(runs) timed requests each:
            \(line("page GET /surveys/{id}?… (\(timings.bytes / 1024) KiB of HTML)", timings.page))
            \(line("API GET /api/v1/surveys/{id}/results?…", timings.api))
            \(line("API unfiltered (all \(responses) responses)", timings.whole))
            """)
    }

    /// Responses written in bulk, shaped as ResponseStore writes them (no person, no time;
    /// the invitation's coarsened values), with answers on every question; `recount` then
    /// makes the counts that answering keeps one by one.
    static func answer(_ database: Database, survey: Survey, count: Int) async throws -> Int {
        let invitations = try await database.reader.raw("""
            SELECT employee_id, country, department, site, worker_type FROM survey_invitations WHERE survey_id = \(bind: survey.id) ORDER BY employee_id LIMIT \(bind: count)
            """).all()
        var written = 0
        var random = SplitMix(state: 7)
        for start in stride(from: 0, to: invitations.count, by: 2_000) {
            let chunk = invitations[start..<min(invitations.count, start + 2_000)]
            var responses: [SQLQueryString] = [], answers: [SQLQueryString] = [], people: [Int64] = []
            for row in chunk {
                let id = UUID().uuidString.lowercased()
                people.append(try row.decode(column: "employee_id", as: Int64.self))
                responses.append("(\(bind: id), \(bind: survey.id), \(bind: try row.decode(column: "country", as: String.self)), \(bind: try row.decode(column: "department", as: String.self)), \(bind: try row.decode(column: "site", as: String.self)), \(bind: try row.decode(column: "worker_type", as: String.self)))")
                for question in survey.questions {
                    func add(_ item: String, number: Int?, choice: String?, body: String?) {
                        answers.append("(\(bind: id), \(bind: survey.id), \(bind: question.key), \(bind: item), \(bind: number.map(Int64.init)), \(bind: choice), \(bind: body))")
                    }
                    switch question.kind {
                    case .rating, .enps:
                        let scale = question.scale!
                        add("", number: scale.lowerBound + random.below(scale.count), choice: nil, body: nil)
                    case .matrix:
                        for statement in question.rows ?? [] { add(statement, number: 1 + random.below(5), choice: nil, body: nil) }
                    case .single:
                        let choices = question.choices ?? []
                        add("", number: nil, choice: choices[random.below(choices.count)], body: nil)
                    case .multiple:
                        for choice in (question.choices ?? []) where random.below(3) == 0 { add(choice, number: nil, choice: choice, body: nil) }
                    case .text:
                        if random.below(5) == 0 { add("", number: nil, choice: nil, body: "Comment \(random.below(50)) about the workplace") }
                    }
                }
            }
            let responseRows = responses, answerRows = answers, invited = people
            try await database.transaction { db in
                for part in stride(from: 0, to: invited.count, by: 500) {
                    try await db.raw("UPDATE survey_invitations SET responded = \(bind: true) WHERE survey_id = \(bind: survey.id) AND employee_id IN (\(binds: Array(invited[part..<min(invited.count, part + 500)])))").run()
                }
                for part in stride(from: 0, to: responseRows.count, by: 500) {
                    try await db.raw("INSERT INTO survey_responses (id, survey_id, country, department, site, worker_type) VALUES "
                                     + responseRows[part..<min(responseRows.count, part + 500)].joined(separator: ", ")).run()
                }
                for part in stride(from: 0, to: answerRows.count, by: 500) {
                    try await db.raw("INSERT INTO survey_answers (response_id, survey_id, question, item, number, choice, body) VALUES "
                                     + answerRows[part..<min(answerRows.count, part + 500)].joined(separator: ", ")).run()
                }
            }
            written += answerRows.count
            if (start / 2_000) % 10 == 9 { say("  \(start + chunk.count) responses") }
        }
        return written
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    struct SplitMix {
        var state: UInt64
        mutating func below(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }
}
