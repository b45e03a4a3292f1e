import ArgumentParser
import Audiences
import Audit
import Foundation
import Logging
import People
import SQLKit
import TandemApp
import TandemStore

/// Benchmarks that need Swift-level timing (the HTTP and import benchmarks are shell scripts
/// under bench/). Run with `swift run -c release tandem-bench …`; figures go to docs/PERFORMANCE.md.
@main
struct TandemBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tandem-bench", abstract: "Tandem benchmarks.", subcommands: [AudienceCount.self, PostSave.self, CalendarMonth.self, DeliveryBench.self, FeedSeed.self, EventTokens.self, CampaignDashboard.self, SurveyResultsBench.self, SurveyAnswersBench.self])
}

/// Times the audience count of a 4-condition rule against the same predicate written by hand
/// in SQL, in one run, on SQLite and (with --postgres-url) PostgreSQL.
struct AudienceCount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audience-count")

    @Option(help: "How many employees to generate.") var employees = 1_000_000
    @Option(help: "Timed runs per query (after 3 warm-up runs).") var runs = 25
    @Option(name: .customLong("postgres-url"), help: "Also measure on this PostgreSQL (a scratch schema is created and dropped).") var postgresURL: String?
    @Flag(name: .customLong("skip-sqlite"), help: "Skip SQLite (measure PostgreSQL only).") var skipSQLite = false
    @Flag(help: "Print each engine's query plan for the compiled rule.") var explain = false
    @Option(name: .customLong("keep-sqlite"), help: "Write the SQLite database to this path and keep it (for looking at plans).") var keepSQLite: String?

    static let today = "2026-11-24"
    static let rule = #"country in ("US", "CA") and department = "Retail" and hire_date >= today - 1y and worker_type = "frontline""#

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        say("Generating \(employees) employees…")
        let people = DemoPeople.generate(count: employees, seed: 42, today: Self.today)
        if !skipSQLite {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = keepSQLite ?? folder.appendingPathComponent("bench.sqlite").path
            let database = try await Database.open(.sqlite(path: path), logger: logger)
            try await measure(database, engine: "SQLite", people: people)
            await database.close()
        }
        if let postgresURL {
            let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            let admin = try await Database.open(.postgres(url: postgresURL), logger: logger)
            try await admin.transaction { db in try await db.raw("CREATE SCHEMA \(ident: schema)").run() }
            let database = try await Database.open(.postgres(url: postgresURL + (postgresURL.contains("?") ? "&" : "?") + "search_path=\(schema)"), logger: logger)
            do {
                try await measure(database, engine: "PostgreSQL", people: people)
            } catch {
                say("PostgreSQL run failed: \(error)")
            }
            await database.close()
            try await admin.transaction { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
            await admin.close()
        }
    }

    func measure(_ database: Database, engine: String, people: [Employee]) async throws {
        try await Migrations.all.migrate(database)
        let start = ContinuousClock.now
        try await EmployeeStore(database: database).upsert(people, summary: "benchmark", by: .system) { written in
            if written % 100_000 == 0 { say("  \(engine): loaded \(written) employees") }
        }
        say("  \(engine): loaded in \(start.duration(to: .now))")
        if database.kind == .postgres {
            // What autovacuum does soon after a bulk load; index-only scans need the visibility map.
            try await database.reader.raw("VACUUM ANALYZE employees").run()
        } else {
            try await database.transaction { db in try await db.raw("ANALYZE").run() }
        }

        let counter = AudienceCounter(database: database)
        let since = DateRules.resolve(amount: -1, unit: .y, today: Self.today)
        let hand: SQLQueryString = """
            SELECT COUNT(*) AS n FROM employees WHERE country IN (\(bind: "US"), \(bind: "CA")) AND department = \(bind: "Retail")
            AND hire_date >= \(bind: since) AND worker_type = \(bind: "frontline") AND (termination_date IS NULL OR termination_date > \(bind: Self.today))
            """
        func byHand() async throws -> Int {
            Int(try await database.reader.raw(hand).first()?.decode(column: "n", as: Int64.self) ?? -1)
        }
        let compiled = try await counter.total(Self.rule, today: Self.today)
        let expected = try await byHand()
        guard compiled == expected else { throw ValidationError("the compiled rule counted \(compiled), the hand-written SQL \(expected)") }

        if explain {
            let condition = try RuleCompiler(dialect: database.dialect, today: Self.today)
                .sql(.all([try RuleParser.parse(Self.rule), .compare(RuleField.named("status")!, .equal, .text("active"))]))
            let prefix: SQLQueryString = database.kind == .sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ANALYZE "
            for row in try await database.reader.raw(prefix + "SELECT COUNT(*) FROM employees WHERE " + condition).all() {
                let column = database.kind == .sqlite ? "detail" : "QUERY PLAN"
                say("  plan: " + ((try? row.decode(column: column, as: String.self)) ?? "?"))
            }
        }
        try await report(engine, people.count, rule: Self.rule, selects: compiled, counter: counter, byHand: byHand)
        try await measureAttributes(database, engine: engine, people: people, counter: counter)
    }

    /// The same measurement for a rule on two custom attributes (values in employee_attributes,
    /// tested through EXISTS) against a hand-written join.
    func measureAttributes(_ database: Database, engine: String, people: [Employee], counter: AudienceCounter) async throws {
        let store = AttributeStore(database: database)
        var defined: [AttributeDefinition] = []
        for draft in try DemoAttributes.definitions() { defined.append(try await store.create(draft, by: .system)) }
        let start = ContinuousClock.now
        let values = DemoAttributes.values(for: people)
        try await store.set(values, attributes: defined, summary: "benchmark", by: .system)
        say("  \(engine): \(values.values.reduce(0) { $0 + $1.count }) attribute values loaded in \(start.duration(to: .now))")
        if database.kind == .postgres {
            try await database.reader.raw("VACUUM ANALYZE employee_attributes").run()
        } else {
            try await database.transaction { db in try await db.raw("ANALYZE").run() }
        }
        let id = { (name: String) in defined.first { $0.name == name }!.id }
        let due = DateRules.resolve(amount: 60, unit: .d, today: Self.today)
        let hand: SQLQueryString = """
            SELECT COUNT(*) AS n FROM employees e
            JOIN employee_attributes s ON s.employee_id = e.id AND s.attribute_id = \(bind: id("shift")) AND s.value = \(bind: "night")
            JOIN employee_attributes t ON t.employee_id = e.id AND t.attribute_id = \(bind: id("safety_training_due")) AND t.value < \(bind: due)
            WHERE e.country IN (\(bind: "US"), \(bind: "CA")) AND e.worker_type = \(bind: "frontline")
            AND (e.termination_date IS NULL OR e.termination_date > \(bind: Self.today))
            """
        func byHand() async throws -> Int {
            Int(try await database.reader.raw(hand).first()?.decode(column: "n", as: Int64.self) ?? -1)
        }
        let compiled = try await counter.total(Self.attributeRule, today: Self.today)
        let expected = try await byHand()
        guard compiled == expected else { throw ValidationError("the compiled attribute rule counted \(compiled), the hand-written SQL \(expected)") }
        try await report(engine, people.count, rule: Self.attributeRule, selects: compiled, counter: counter, byHand: byHand)
    }

    static let attributeRule = #"country in ("US", "CA") and worker_type = "frontline" and attr.shift = "night" and attr.safety_training_due < today + 60d"#

    func report(_ engine: String, _ count: Int, rule: String, selects: Int, counter: AudienceCounter, byHand: () async throws -> Int) async throws {
        let ruleTimes = try await time { _ = try await counter.total(rule, today: Self.today) }
        let handTimes = try await time { _ = try await byHand() }
        let fullTimes = try await time { _ = try await counter.count(rule, seesSensitive: false, today: Self.today) }
        let ratio = ruleTimes.median / handTimes.median
        say("""
            \(engine), \(count) employees, rule: \(rule)
              selects \(selects) people
              audience count (parse + compile + COUNT):  median \(ms(ruleTimes.median)) ms, p95 \(ms(ruleTimes.p95)) ms
              same predicate written by hand in SQL:     median \(ms(handTimes.median)) ms, p95 \(ms(handTimes.p95)) ms
              ratio rule / hand:                         \(String(format: "%.2f", ratio))×  (target ≤ 1.5×; count target < 150 ms)
              count API work (COUNT + 3 breakdowns):     median \(ms(fullTimes.median)) ms, p95 \(ms(fullTimes.p95)) ms
            """)
    }

    func time(_ body: () async throws -> Void) async throws -> (median: Double, p95: Double) {
        for _ in 0..<3 { try await body() }
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try await body()
            let elapsed = start.duration(to: .now)
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.95))])
    }

    func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1_000) }
}

/// Unbuffered, so progress lines appear as they happen even when the output goes to a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
