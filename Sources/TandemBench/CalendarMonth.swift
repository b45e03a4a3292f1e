import Accounts
import ArgumentParser
import Audit
import Content
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Times the calendar's month view with `posts` posts in the month (and as many again in the
/// months around it), through the whole app (middleware, sign-in, handler, HTML) without a
/// network: server time. Also times the JSON API, and the store's query alone.
struct CalendarMonth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar-month", abstract: "Calendar month view server time (target < 100 ms with 5,000 posts).")

    @Option(help: "Posts in the measured month.") var posts = 5_000
    @Option(help: "Timed requests per view (after 5 warm-up requests).") var runs = 40
    @Option(name: .customLong("postgres-url"), help: "Also measure on this PostgreSQL (a scratch schema is created and dropped).") var postgresURL: String?
    @Flag(help: "Print the database's plan and timing for the plan's main query.") var explain = false

    func run() async throws {
        try await BenchDatabase.run(postgresURL: postgresURL, sqliteToo: true) { database, engine, configuration in
            try await measure(database, engine: engine, configuration: configuration)
        }
    }

    /// November 2026 in Berlin: the month measured.
    static let month = (year: 2026, month: 11)

    func measure(_ database: Database, engine: String, configuration: TandemConfiguration) async throws {
        try await Migrations.all.migrate(database)
        let services = TandemServices(configuration: configuration, database: database)
        let user = try await services.accounts.users.create(
            try NewUser(email: "planner@bench.example", displayName: "Bench Planner", roles: ["comms"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
        let token = try await services.accounts.tokens.create(userID: user.id, name: "bench", by: .system).secret
        let start = ContinuousClock.now
        try await Self.fill(database, author: user.id, inMonth: posts, around: posts) { done in say("  \(engine): \(done) posts written") }
        say("  \(engine): \(posts * 2) posts written in \(start.duration(to: .now))")
        if database.kind == .postgres {
            try await database.reader.raw("VACUUM ANALYZE").run()
        } else {
            try await database.transaction { db in try await db.raw("ANALYZE").run() }
        }

        let zone = TimeZone(identifier: "Europe/Berlin")!
        let range = CalendarRange(view: .month, containing: CalendarDay(year: Self.month.year, month: Self.month.month, day: 1), zone: zone)
        let plan = try await services.content.calendar.plan(range, filter: CalendarFilter())
        let inMonth = plan.days.filter { $0.day.month == Self.month.month }.reduce(0) { $0 + $1.entries.count }
        say("  \(engine): the view holds \(plan.total) posts (\(inMonth) in November itself)")

        if explain {
            let from = Millis.from(range.queryWindow.from), to = Millis.from(range.queryWindow.to)
            let sql: SQLQueryString = """
                SELECT p.id, p.state, p.publish_at, p.schedule_zone, p.priority, p.version, p.campaign_id, p.updated_at, v.title, v.summary, c.name, u.display_name
                FROM posts p JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
                LEFT JOIN campaigns c ON c.id = p.campaign_id LEFT JOIN users u ON u.id = p.author_id
                WHERE p.publish_at >= \(bind: from) AND p.publish_at < \(bind: to) AND p.state IN ('scheduled', 'published', 'archived')
                ORDER BY p.publish_at, p.id
                """
            let prefix: SQLQueryString = database.kind == .postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN "
            for row in try await database.reader.raw(prefix + sql).all() {
                say("    " + row.allColumns.map { (try? row.decode(column: $0, as: String.self)) ?? (try? row.decode(column: $0, as: Int64.self)).map(String.init) ?? "" }.joined(separator: " | "))
            }
        }
        var querySamples: [Double] = []
        for n in 0..<(runs + 5) {
            let began = ContinuousClock.now
            _ = try await services.content.calendar.entries(from: range.queryWindow.from, to: range.queryWindow.to, filter: CalendarFilter(), limit: CalendarStore.maximumEntries)
            if n >= 5 { querySamples.append(Self.ms(began.duration(to: .now))) }
        }
        var storeSamples: [Double] = []
        for n in 0..<(runs + 5) {
            let began = ContinuousClock.now
            _ = try await services.content.calendar.plan(range, filter: CalendarFilter())
            if n >= 5 { storeSamples.append(Self.ms(began.duration(to: .now))) }
        }
        let app = buildApplication(services, logger: Logger(label: "bench-app"))
        let runs = runs
        let (page, api, filtered) = try await app.test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            func time(_ uri: String) async throws -> (samples: [Double], bytes: Int) {
                var size = 0
                var samples: [Double] = []
                for n in 0..<(runs + 5) {
                    let began = ContinuousClock.now
                    let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
                    let elapsed = Self.ms(began.duration(to: .now))
                    guard response.status == .ok else { throw ValidationError("\(uri) answered \(response.status)") }
                    size = response.body.readableBytes
                    if n >= 5 { samples.append(elapsed) }
                }
                return (samples, size)
            }
            return (try await time("/calendar?date=2026-11-01&time_zone=Europe/Berlin"), try await time("/api/v1/calendar?date=2026-11-01&time_zone=Europe/Berlin"),
                    try await time("/calendar?date=2026-11-01&time_zone=Europe/Berlin&channel=sms"))
        }
        let pageSamples = page.samples, apiSamples = api.samples, filteredSamples = filtered.samples, pageBytes = page.bytes
        func line(_ label: String, _ samples: [Double]) -> String {
            let sorted = samples.sorted()
            func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return String(format: "  %@: p50 %.1f ms, p95 %.1f ms, max %.1f ms (p95 is %.2f× the 100 ms target)", label, pct(0.5), pct(0.95), sorted.last!, pct(0.95) / 100)
        }
        say("""
            \(engine), month view of November 2026 (Europe/Berlin) with \(inMonth) posts in the month, \(posts * 2) posts in all, \(runs) timed requests each:
            \(line("store: the query alone", querySamples))
            \(line("store: the plan (the query, then posts put on their days)", storeSamples))
            \(line("page GET /calendar (\(pageBytes / 1024) KiB of HTML)", pageSamples))
            \(line("API GET /api/v1/calendar", apiSamples))
            \(line("page filtered by channel (SMS)", filteredSamples))
            """)
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Writes posts straight into the tables (the fixture, not the thing measured): `inMonth`
    /// spread over November 2026, `around` over the five months either side. States, topics,
    /// campaigns, channels and zones vary as in a real plan.
    static func fill(_ database: Database, author: Int64, inMonth: Int, around: Int, progress: (Int) -> Void) async throws {
        let topics = try await database.transaction { db -> [Int64] in
            var ids: [Int64] = []
            for name in ["Benefits", "Safety", "Culture", "Careers"] {
                let row = try await db.raw("""
                    INSERT INTO topics (name, name_key, description, updated_by, created_at, updated_at)
                    VALUES (\(bind: name), \(bind: name.lowercased()), '', 'bench', 0, 0) RETURNING id
                    """).first()
                ids.append(try row!.decode(column: "id", as: Int64.self))
            }
            return ids
        }
        let campaign = try await database.transaction { db -> Int64 in
            try await db.raw("""
                INSERT INTO campaigns (name, name_key, goal, owner_teams, starts_on, ends_on, outcome_metric, updated_by, created_at, updated_at)
                VALUES ('Open enrolment', 'open enrolment', '', 'hr,ic', '2026-11-01', '2026-12-15', '', 'bench', 0, 0) RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let monthStart = utc.date(from: DateComponents(year: month.year, month: month.month, day: 1))!
        let monthSeconds = 30.0 * 86_400
        let zones = ["Europe/Berlin", "America/Chicago", "America/Sao_Paulo", "Europe/London", PostSchedule.recipientZone]
        let states: [PostState] = [.scheduled, .scheduled, .published, .archived]
        let channelSets: [[Channel]] = [[.feed, .email], [.feed], [.email], [.feed, .sms], [.feed, .chat], [.social]]
        let total = inMonth + around
        var generator = SplitMix(seed: 7)
        let times: [Date] = (0..<total).map { index in
            if index < inMonth { return monthStart.addingTimeInterval(Double(generator.next() % UInt64(monthSeconds))) }
            // ±5 months around November, never inside it.
            let offset = Double(generator.next() % UInt64(150 * 86_400)) + 86_400
            return index % 2 == 0 ? monthStart.addingTimeInterval(-offset) : monthStart.addingTimeInterval(monthSeconds + offset)
        }
        var written = 0
        while written < total {
            let batch = min(500, total - written)
            let first = written
            try await database.transaction { db in
                for index in first..<(first + batch) {
                    let at = times[index]
                    let state = states[index % states.count]
                    let row = try await db.raw("""
                        INSERT INTO posts (state, author_id, priority, mandatory, requires_ack, fallback_language, campaign_id, publish_at, schedule_zone,
                                           stage, version, updated_by_id, updated_by, created_at, updated_at)
                        VALUES (\(bind: state.rawValue), \(bind: author), \(bind: index % 17 == 0 ? "critical" : "normal"), \(bind: false), \(bind: false), 'en',
                                \(bind: index % 3 == 0 ? campaign : nil), \(bind: Millis.from(at)), \(bind: zones[index % zones.count]),
                                0, 1, \(bind: author), 'Bench Planner', 0, 0)
                        RETURNING id
                        """).first()
                    let id = try row!.decode(column: "id", as: Int64.self)
                    try await db.raw("""
                        INSERT INTO post_variants (post_id, language, title, summary, body, body_html, status)
                        VALUES (\(bind: id), 'en', \(bind: "Plan item \(index): open enrolment & benefits <update>"), 'Summary of the post.', 'Body', '<p>Body</p>', 'approved')
                        """).run()
                    try await db.raw("INSERT INTO post_topics (post_id, topic_id) VALUES (\(bind: id), \(bind: topics[index % topics.count]))").run()
                    for channel in channelSets[index % channelSets.count] {
                        try await db.raw("INSERT INTO post_channels (post_id, channel) VALUES (\(bind: id), \(bind: channel.rawValue))").run()
                    }
                }
            }
            written += batch
            if written % 2_000 == 0 || written == total { progress(written) }
        }
    }
}

/// A small seeded generator, so every run writes the same plan.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
