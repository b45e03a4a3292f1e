import Accounts
import Analytics
import ArgumentParser
import Engagement
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Times a campaign's dashboard over `events` engagement events (issue 6: < 200 ms server time
/// over 10,000,000 events), through the whole app without a network, and the time from a new
/// event to the dashboard showing it (< 5 s).
struct CampaignDashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign-dashboard", abstract: "Campaign dashboard server time over many events (target < 200 ms with 10,000,000).")

    @Option(help: "Employees (everyone receives every post on the feed; half also by email).") var employees = 100_000
    @Option(help: "Posts in the campaign.") var posts = 20
    @Option(help: "Engagement events to store and roll up.") var events = 10_000_000
    @Option(help: "Timed requests per view (after 3 warm-up requests).") var runs = 30
    @Option(name: .customLong("postgres-url"), help: "Measure on this PostgreSQL instead of SQLite (a scratch schema is created and dropped).") var postgresURL: String?

    func run() async throws {
        try await BenchDatabase.run(postgresURL: postgresURL) { database, engine, configuration in
            try await measure(database, engine: engine, configuration: configuration)
        }
    }

    func measure(_ database: Database, engine: String, configuration: TandemConfiguration) async throws {
        try await Migrations.all.migrate(database)
        let room = try await DeliveryBench.Room.make(database, people: employees)
        let services = TandemServices(configuration: configuration, database: database)
        let user = try await services.accounts.users.create(
            try NewUser(email: "analyst@bench.example", displayName: "Bench Analyst", roles: ["comms"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
        let token = try await services.accounts.tokens.create(userID: user.id, name: "bench", by: .system).secret

        var began = ContinuousClock.now
        let (campaign, postIDs) = try await Self.campaign(database, author: room.author.userID, topic: room.topic.id, posts: posts, employees: employees)
        say("  \(engine): campaign \(campaign) with \(posts) posts and their deliveries written in \(began.duration(to: .now))")
        began = ContinuousClock.now
        try await Self.events(database, posts: postIDs, employees: employees, count: events) { say("  \(engine): \($0)") }
        say("  \(engine): \(events) events stored in \(began.duration(to: .now))")
        began = ContinuousClock.now
        let rolled = try await services.analytics.engagement.rollUp()
        let rollupTime = Self.ms(began.duration(to: .now))
        say(String(format: "  %@: %d events rolled up in %.1f s (%.0f events/s)", engine, rolled, rollupTime / 1_000, Double(rolled) / (rollupTime / 1_000)))
        if database.kind == .postgres {
            try await database.reader.raw("VACUUM ANALYZE").run()
        } else {
            try await database.transaction { db in try await db.raw("ANALYZE").run() }
        }

        // What the server's RecipientCountWorker does once the sends resolve: count the
        // recipients in the background, so the first view does not.
        began = ContinuousClock.now
        let counted = try await services.analytics.metrics.countResolvedSends(limit: posts + 1)
        let countTime = Self.ms(began.duration(to: .now))
        say(String(format: "  %@: recipients of %d posts and the campaign counted in the background in %.1f s", engine, counted.count - 1, countTime / 1_000))

        let app = buildApplication(services, logger: Logger(label: "bench-app"))
        let runs = runs
        let writer = services.analytics.engagement.writer
        let newcomer = Int64(employees)
        let lastPost = postIDs.last!
        let result = try await app.test(.router) { client -> (cold: Double, page: [Double], api: [Double], bytes: Int, fresh: Double, seen: Bool) in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            func get(_ uri: String) async throws -> (Double, TestResponse) {
                let start = ContinuousClock.now
                let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
                let elapsed = Self.ms(start.duration(to: .now))
                guard response.status == .ok else { throw ValidationError("\(uri) answered \(response.status)") }
                return (elapsed, response)
            }
            // The first view, after the background count.
            let (cold, _) = try await get("/analytics/campaigns/\(campaign)")
            func time(_ uri: String) async throws -> ([Double], Int) {
                var samples: [Double] = [], size = 0
                for n in 0..<(runs + 3) {
                    let (elapsed, response) = try await get(uri)
                    size = response.body.readableBytes
                    if n >= 3 { samples.append(elapsed) }
                }
                return (samples, size)
            }
            let (page, bytes) = try await time("/analytics/campaigns/\(campaign)")
            let (api, _) = try await time("/api/v1/analytics/campaigns/\(campaign)")
            // Event to dashboard: a person who has not clicked yet clicks; the next view shows it.
            let before = try await Self.clicked(get, campaign)
            let start = ContinuousClock.now
            _ = try await writer.record([EngagementEvent(postID: lastPost, employeeID: newcomer, channel: .email, kind: .clicked, occurredAt: Millis.from(Date()),
                                                         dedupe: "bench.fresh.\(UUID().uuidString)")])
            let after = try await Self.clicked(get, campaign)
            return (cold, page, api, bytes, Self.ms(start.duration(to: .now)), after == before + 1)
        }
        func line(_ label: String, _ samples: [Double]) -> String {
            let sorted = samples.sorted()
            func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return String(format: "  %@: p50 %.1f ms, p95 %.1f ms, max %.1f ms (p95 is %.2f× the 200 ms target)", label, pct(0.5), pct(0.95), sorted.last!, pct(0.95) / 200)
        }
        say("""
            \(engine), campaign of \(posts) posts to \(employees) people with \(events) events, \(runs) timed requests each:
              recipients counted in the background after the sends resolved: \(String(format: "%.1f", countTime / 1_000)) s
              first view after that: \(String(format: "%.1f", result.cold)) ms
            \(line("page GET /analytics/campaigns/{id} (\(result.bytes / 1024) KiB of HTML)", result.page))
            \(line("API GET /api/v1/analytics/campaigns/{id}", result.api))
              event to dashboard: \(String(format: "%.1f", result.fresh)) ms (\(String(format: "%.4f", result.fresh / 5_000))× the 5 s target)\(result.seen ? "" : " — NOT SEEN")
            """)
    }

    static func clicked(_ get: (String) async throws -> (Double, TestResponse), _ campaign: Int64) async throws -> Int {
        let (_, response) = try await get("/api/v1/analytics/campaigns/\(campaign)")
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return ((body?["totals"] as? [String: Any])?["any"] as? [String: Any]).flatMap { ($0["clicked"] as? [String: Any])?["events"] as? Int } ?? 0
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// The campaign, its posts (one a day, the last today) and their deliveries: everyone on
    /// the feed, every other person by email too. Written straight into the tables (the
    /// fixture, not the thing measured).
    static func campaign(_ database: Database, author: Int64, topic: Int64, posts: Int, employees: Int) async throws -> (Int64, [Int64]) {
        let now = Millis.from(Date())
        let campaign = try await database.transaction { db in
            try await db.raw("""
                INSERT INTO campaigns (name, name_key, goal, owner_teams, starts_on, ends_on, outcome_metric, updated_by, created_at, updated_at)
                VALUES ('Open enrolment', 'open enrolment', 'Everyone enrols', 'hr,ic', '2026-01-01', '2027-12-31', '401(k) participation', 'bench', \(bind: now), \(bind: now))
                RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
        }
        var ids: [Int64] = []
        for index in 0..<posts {
            let at = now - Int64(posts - 1 - index) * 86_400_000
            let id = try await database.transaction { db in
                let id = try await db.raw("""
                    INSERT INTO posts (state, author_id, priority, mandatory, requires_ack, fallback_language, campaign_id, publish_at, schedule_zone,
                                       stage, version, updated_by_id, updated_by, created_at, updated_at)
                    VALUES ('published', \(bind: author), 'normal', \(bind: false), \(bind: index % 4 == 0), 'en', \(bind: campaign), \(bind: at), 'UTC',
                            0, 1, \(bind: author), 'bench', \(bind: at), \(bind: at))
                    RETURNING id
                    """).first()!.decode(column: "id", as: Int64.self)
                try await db.raw("""
                    INSERT INTO post_variants (post_id, language, title, summary, body, body_html, status)
                    VALUES (\(bind: id), 'en', \(bind: "Open enrolment, week \(index + 1)"), 'Choose your plan.', 'Body', '<p>Body</p>', 'approved')
                    """).run()
                try await db.raw("INSERT INTO post_topics (post_id, topic_id) VALUES (\(bind: id), \(bind: topic))").run()
                // As fan-out leaves it: resolved, with its number of deliveries.
                try await db.raw("""
                    INSERT INTO post_sends (post_id, version, rule, channels, state, people, deliveries, started_at, resolved_at)
                    VALUES (\(bind: id), 1, 'everyone', 'feed,email', 'resolved', \(bind: Int64(employees)), \(bind: Int64(employees + employees / 2)), \(bind: at), \(bind: at))
                    """).run()
                return id
            }
            ids.append(id)
            for start in stride(from: 1, through: employees, by: 20_000) {
                try await database.transaction { db in
                    var rows: [SQLQueryString] = []
                    for person in Int64(start)...Int64(min(employees, start + 19_999)) {
                        rows.append("(\(bind: id), \(bind: person), 'feed', 'sent', \(bind: at), 1, \(bind: at), \(bind: at), \(bind: at), \(bind: false))")
                        if person % 2 == 0 {
                            rows.append("(\(bind: id), \(bind: person), 'email', 'sent', \(bind: at), 1, \(bind: at), \(bind: at), \(bind: at), \(bind: false))")
                        }
                        if rows.count >= 400 {
                            try await db.raw("INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, attempts, sent_at, created_at, updated_at, waiting_ack) VALUES "
                                             + rows.joined(separator: ", ")).run()
                            rows = []
                        }
                    }
                    if !rows.isEmpty {
                        try await db.raw("INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, attempts, sent_at, created_at, updated_at, waiting_ack) VALUES "
                                         + rows.joined(separator: ", ")).run()
                    }
                }
            }
            say("    post \(index + 1)/\(posts): \(employees + employees / 2) deliveries")
        }
        return (campaign, ids)
    }

    /// `count` events over the campaign's person-posts, in rounds: delivered on the feed, viewed,
    /// a dwell (glanced, skimmed or read), an email delivered, opened, clicked, then more views.
    static func events(_ database: Database, posts: [Int64], employees: Int, count: Int, progress: (String) -> Void) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO engagement_segments (country, department, site, worker_type, language)
                SELECT DISTINCT country, COALESCE(department, ''), COALESCE(site, ''), worker_type, language FROM employees
                """).run()
        }
        var segment: [Int64: Int64] = [:]
        for row in try await database.reader.raw("""
            SELECT e.id, s.id AS segment FROM employees e JOIN engagement_segments s ON s.country = e.country AND s.department = COALESCE(e.department, '')
              AND s.site = COALESCE(e.site, '') AND s.worker_type = e.worker_type AND s.language = e.language
            """).all() {
            segment[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "segment", as: Int64.self)
        }
        let segments = segment
        let pairs = posts.count * employees
        let start = Millis.from(Date()) - Int64(posts.count) * 86_400_000
        var written = 0
        while written < count {
            let batch = min(100_000, count - written)
            let first = written
            try await database.transaction { db in
                var rows: [SQLQueryString] = []
                for i in first..<(first + batch) {
                    let round = i / pairs, pair = i % pairs
                    let post = posts[pair / employees], person = Int64(pair % employees) + 1
                    let mixed = Int((UInt64(bitPattern: person &* 2_654_435_761) &+ UInt64(pair)) % 1_000)
                    let (channel, kind): (String, String) = switch round {
                    case 0: ("feed", "delivered")
                    case 1: ("feed", "viewed")
                    case 2: ("feed", mixed < 300 ? "glanced" : mixed < 550 ? "skimmed" : "read")
                    case 3: ("email", "delivered")
                    case 4: ("email", "opened")
                    case 5: ("email", "clicked")
                    default: ("feed", "viewed")
                    }
                    let at = start + Int64(pair / employees) * 86_400_000 + Int64(mixed) * 60_000 + Int64(round) * 1_000
                    rows.append("(\(bind: post), \(bind: person), \(bind: channel), \(bind: kind), \(bind: at), \(bind: segments[person] ?? 1), \(bind: "b\(i)"))")
                    if rows.count >= 500 {
                        try await db.raw("INSERT INTO engagement_events (post_id, employee_id, channel, kind, occurred_at, segment_id, dedupe) VALUES " + rows.joined(separator: ", ")).run()
                        rows = []
                    }
                }
                if !rows.isEmpty {
                    try await db.raw("INSERT INTO engagement_events (post_id, employee_id, channel, kind, occurred_at, segment_id, dedupe) VALUES " + rows.joined(separator: ", ")).run()
                }
            }
            written += batch
            if written % 1_000_000 == 0 || written == count { progress("\(written) events stored") }
        }
    }
}
