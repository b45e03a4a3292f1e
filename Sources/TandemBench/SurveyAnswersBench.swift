import ArgumentParser
import Audit
import Foundation
import Listening
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Times answering: an anonymous survey's answers go through the sealed ballot box and are
/// stored in groups (`BallotBox`); a confidential survey's are stored at once. The same people
/// answer the same questions in both, in the same run, so the ratio is the ballot box's cost.
struct SurveyAnswersBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survey-answers",
                                                    abstract: "Answers per second, anonymous (ballot box) against confidential (stored at once), one at a time and 8 at once.")

    @Option(help: "Employees, all asked.") var employees = 20_000
    @Option(help: "Answers per survey and run.") var answers = 4_000
    @Option(name: .customLong("postgres-url"), help: "Measure on this PostgreSQL instead of SQLite (a scratch schema is created and dropped).") var postgresURL: String?

    static let questions = """
        enps: How likely are you to recommend working here?
        rating: I understand my benefits
        rating: My workload is manageable
        single: Which health plan did you choose? | Basic | Plus | None
        text?: Anything else?
        """

    func run() async throws {
        guard answers * 2 <= employees else { throw ValidationError("--answers can be at most half of --employees (each person answers once per survey, two runs per mode).") }
        try await BenchDatabase.run(postgresURL: postgresURL) { database, engine, configuration in
            var configuration = configuration
            configuration.secretKey = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
            try await measure(database, engine: engine, configuration: configuration)
        }
    }

    struct Figures {
        let perSecond: Double
        let p50: Double, p95: Double
    }

    func measure(_ database: Database, engine: String, configuration: TandemConfiguration) async throws {
        try await Migrations.all.migrate(database)
        _ = try await DeliveryBench.Room.make(database, people: employees)
        let services = TandemServices(configuration: configuration, database: database)
        let actor = AuditActor(userID: nil, label: "bench", channel: .cli)
        let questions = try QuestionText.parse(Self.questions)
        var surveys: [Confidentiality: Survey] = [:]
        for mode in [Confidentiality.anonymous, .confidential] {
            let draft = try await services.listening.surveys.create(SurveyDraft(title: "\(mode.rawValue) pulse", mode: mode, questions: questions), by: actor)
            surveys[mode] = try await services.listening.surveys.open(draft.id, version: draft.version, by: actor)
        }
        let people = try await database.reader.raw("SELECT id FROM employees ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
        let groups = try await database.reader.raw("SELECT COUNT(*) AS n FROM survey_groups WHERE survey_id = \(bind: surveys[.anonymous]!.id)").first()!
            .decode(column: "n", as: Int64.self)
        say("  \(engine): two surveys of \(questions.count) questions opened to \(people.count) people each, in \(groups) groups")

        func answerSet(_ employee: Int64) -> [String: AnswerValue] {
            var out: [String: AnswerValue] = ["q1": .number(Int(employee % 11)), "q2": .number(Int(1 + employee % 5)), "q3": .number(Int(1 + (employee / 5) % 5)),
                                              "q4": .choice(["Basic", "Plus", "None"][Int(employee % 3)])]
            if employee % 5 == 0 { out["q5"] = .text("The enrolment site was confusing, but HR helped me.") }
            return out
        }
        /// `who` answer `survey`, `width` at a time.
        func time(_ survey: Survey, _ who: ArraySlice<Int64>, width: Int) async throws -> Figures {
            let began = ContinuousClock.now
            let people = Array(who)
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for lane in 0..<width {
                    group.addTask {
                        var mine: [Double] = []
                        for index in stride(from: lane, to: people.count, by: width) {
                            let start = ContinuousClock.now
                            _ = try await services.listening.responses.submit(survey: survey, employee: people[index], submission: "bench-\(survey.id)-\(people[index])",
                                                                           answers: answerSet(people[index]))
                            mine.append(Self.milliseconds(start.duration(to: .now)))
                        }
                        return mine
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all.sorted()
            }
            let seconds = Self.milliseconds(began.duration(to: .now)) / 1_000
            return Figures(perSecond: Double(latencies.count) / seconds, p50: latencies[latencies.count / 2], p95: latencies[latencies.count * 95 / 100])
        }

        for (run, width) in [(0, 1), (1, 8)] {
            let who = people[(run * answers)..<((run + 1) * answers)]
            // Confidential first, anonymous second, on the same people.
            let confidential = try await time(surveys[.confidential]!, who, width: width)
            let anonymous = try await time(surveys[.anonymous]!, who, width: width)
            say(String(format: "  %@, %d at a time: confidential %.0f answers/s (p50 %.2f ms, p95 %.2f ms); anonymous %.0f answers/s (p50 %.2f ms, p95 %.2f ms); anonymous/confidential %.2f",
                       engine, width, confidential.perSecond, confidential.p50, confidential.p95, anonymous.perSecond, anonymous.p50, anonymous.p95,
                       anonymous.perSecond / confidential.perSecond))
        }
        let survey = surveys[.anonymous]!.id
        let counted = try await database.reader.raw("SELECT CAST(SUM(counted) AS BIGINT) AS c, CAST(SUM(responded) AS BIGINT) AS r FROM survey_groups WHERE survey_id = \(bind: survey)").first()!
        let waiting = try await database.reader.raw("SELECT COUNT(*) AS n FROM survey_ballots WHERE survey_id = \(bind: survey)").first()!.decode(column: "n", as: Int64.self)
        say("  \(engine): anonymous: \(try counted.decode(column: "r", as: Int64.self)) answered, \(try counted.decode(column: "c", as: Int64.self)) counted, \(waiting) waiting sealed")
        let began = ContinuousClock.now
        _ = try await services.listening.surveys.close(survey, by: actor)
        let left = try await database.reader.raw("SELECT COUNT(*) AS n FROM survey_ballots WHERE survey_id = \(bind: survey)").first()!.decode(column: "n", as: Int64.self)
        say("  \(engine): closing counted the waiting answers in \(began.duration(to: .now)); \(left) left")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
