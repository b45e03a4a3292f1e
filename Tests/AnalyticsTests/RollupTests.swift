import Audit
@testable import Engagement
import Foundation
import People
import SQLKit
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Every migration: the rollups read `posts` for each post's campaign.
let engagementMigrator = Migrations.all

/// A small random-number generator with a seed, so a failing stream can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The rollups worked out again, independently of the writer: raw events replayed in id order,
/// a person counted on the day and hour of their first stored event per (post, kind, channel).
struct RollupReplay {
    struct Key: Hashable, Comparable {
        let post: Int64, dimension: String, value: String, channel: String, kind: String, bucket: Int64
        static func < (a: Key, b: Key) -> Bool {
            (a.post, a.dimension, a.value, a.channel, a.kind, a.bucket) < (b.post, b.dimension, b.value, b.channel, b.kind, b.bucket)
        }
    }
    var days: [Key: [Int64]] = [:]
    var hours: [Key: [Int64]] = [:]

    /// `campaigns` maps posts to their campaign: with it the replay works out the campaign
    /// rollups (people counted once across the campaign's posts), without it the posts'.
    init(_ database: Database, campaigns: [Int64: Int64]? = nil) async throws {
        var firsts = Set<String>()
        let rows = try await database.reader.raw("""
            SELECT e.post_id, e.employee_id, e.channel, e.kind, e.occurred_at, s.country, s.department, s.site, s.worker_type, s.language
            FROM engagement_events e JOIN engagement_segments s ON s.id = e.segment_id ORDER BY e.id
            """).all()
        for row in rows {
            let posted = try row.decode(column: "post_id", as: Int64.self), employee = try row.decode(column: "employee_id", as: Int64.self)
            guard let post = campaigns.map({ $0[posted] }) ?? posted else { continue }
            let channel = try row.decode(column: "channel", as: String.self), kind = try row.decode(column: "kind", as: String.self)
            let at = try row.decode(column: "occurred_at", as: Int64.self)
            let values: [(String, String)] = [("all", ""), ("country", try row.decode(column: "country", as: String.self)),
                                              ("department", try row.decode(column: "department", as: String.self)), ("site", try row.decode(column: "site", as: String.self)),
                                              ("worker_type", try row.decode(column: "worker_type", as: String.self)), ("language", try row.decode(column: "language", as: String.self))]
            // Which events show the post was seen: written out again here, not taken from EventKind.
            let seen = ["opened", "viewed", "glanced", "skimmed", "read", "clicked", "reacted", "commented", "acknowledged", "shared"].contains(kind)
                || (kind == "delivered" && (channel == "sms" || channel == "chat"))
            for k in seen ? [kind, "reached"] : [kind] {
                for c in [channel, "any"] {
                    let isFirst = firsts.insert("\(post)|\(k)|\(c)|\(employee)").inserted
                    let day = at / 86_400_000, hour = at / 3_600_000
                    for (dimension, value) in values {
                        days[Key(post: post, dimension: dimension, value: value, channel: c, kind: k, bucket: day), default: [0, 0]][0] += 1
                        if isFirst { days[Key(post: post, dimension: dimension, value: value, channel: c, kind: k, bucket: day), default: [0, 0]][1] += 1 }
                    }
                    hours[Key(post: post, dimension: "all", value: "", channel: c, kind: k, bucket: hour), default: [0, 0]][0] += 1
                    if isFirst { hours[Key(post: post, dimension: "all", value: "", channel: c, kind: k, bucket: hour), default: [0, 0]][1] += 1 }
                }
            }
        }
    }

    static func stored(_ database: Database, scope: RollupScope = .post) async throws -> (days: [Key: [Int64]], hours: [Key: [Int64]]) {
        var days: [Key: [Int64]] = [:], hours: [Key: [Int64]] = [:]
        let key = SQLQueryString(scope.key)
        for row in try await database.reader.raw("SELECT \(key) AS owner, dimension, value, channel, kind, day, events, people FROM \(unsafeRaw: scope.rollups)").all() {
            days[Key(post: try row.decode(column: "owner", as: Int64.self), dimension: try row.decode(column: "dimension", as: String.self),
                     value: try row.decode(column: "value", as: String.self), channel: try row.decode(column: "channel", as: String.self),
                     kind: try row.decode(column: "kind", as: String.self), bucket: try row.decode(column: "day", as: Int64.self))]
                = [try row.decode(column: "events", as: Int64.self), try row.decode(column: "people", as: Int64.self)]
        }
        for row in try await database.reader.raw("SELECT \(key) AS owner, channel, kind, hour, events, people FROM \(unsafeRaw: scope.hourly)").all() {
            hours[Key(post: try row.decode(column: "owner", as: Int64.self), dimension: "all", value: "", channel: try row.decode(column: "channel", as: String.self),
                      kind: try row.decode(column: "kind", as: String.self), bucket: try row.decode(column: "hour", as: Int64.self))]
                = [try row.decode(column: "events", as: Int64.self), try row.decode(column: "people", as: Int64.self)]
        }
        return (days, hours)
    }
}

@Suite("Engagement rollups")
struct RollupTests {
    /// Employees across countries, departments, sites, worker types and languages; their ids.
    static func people(_ database: Database, count: Int) async throws -> [Int64] {
        var people = DemoPeople.generate(count: count, today: EmployeeRules.today())
        for index in people.indices { people[index].employeeId = "ROLL\(index)" }
        try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
        return try await database.reader.raw("SELECT id FROM employees ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// Posts 1 and 2 in one campaign, post 3 in none; the map of posts to campaigns.
    static func campaignFixture(_ database: Database) async throws -> [Int64: Int64] {
        let now = Millis.from(Date())
        try await database.transaction { db in try await db.raw("""
            INSERT INTO users (email, display_name, created_at, updated_at) VALUES ('rollups@example.com', 'Rollups', \(bind: now), \(bind: now))
            """).run() }
        let user = try await database.reader.raw("SELECT id FROM users").first()!.decode(column: "id", as: Int64.self)
        try await database.transaction { db in try await db.raw("""
            INSERT INTO campaigns (name, name_key, goal, owner_teams, starts_on, ends_on, outcome_metric, updated_by, created_at, updated_at)
            VALUES ('Benefits', 'benefits', '', 'hr', '2026-01-01', '2026-12-31', '', 'test', \(bind: now), \(bind: now))
            """).run() }
        let campaign = try await database.reader.raw("SELECT id FROM campaigns").first()!.decode(column: "id", as: Int64.self)
        for index in 1...3 {
            try await database.transaction { db in try await db.raw("""
                INSERT INTO posts (state, author_id, priority, mandatory, requires_ack, fallback_language, campaign_id, schedule_zone, stage, version, updated_by, created_at, updated_at)
                VALUES ('published', \(bind: user), 'normal', \(bind: false), \(bind: false), 'en', \(bind: index < 3 ? campaign : nil), 'UTC', 0, 1, 'test', \(bind: now), \(bind: now))
                """).run() }
        }
        let posts = try await database.reader.raw("SELECT id FROM posts ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
        #expect(posts == [1, 2, 3], "events below name posts 1 to 3")
        return [posts[0]: campaign, posts[1]: campaign]
    }

    @Test("rollups equal a replay of the raw events, for random streams with retries and late arrivals, rolled up in batches; pruning raw events leaves them as they were",
          arguments: TestDatabase.kinds)
    func property(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: engagementMigrator) { (database: Database) async throws in
            let ids = try await Self.people(database, count: 40)
            let campaigns = try await Self.campaignFixture(database)
            let writer = EngagementWriter(database: database)
            let ingestor = EventIngestor(writer: writer, batchLimit: 37)
            let kinds = EventKind.allCases.filter { $0 != .reached }
            let channels = EventChannel.allCases.filter { $0 != .any }
            let base = Millis.from(Date(timeIntervalSince1970: 1_790_000_000))
            for seed in UInt64(1)...6 {
                var random = SeededGenerator(state: seed)
                var sent: [EngagementEvent] = []
                for _ in 0..<Int.random(in: 150...400, using: &random) {
                    // Mostly fresh events, some retries of earlier ones (same dedupe key), some out of time order.
                    if !sent.isEmpty && Int.random(in: 0..<6, using: &random) == 0 {
                        sent.append(sent.randomElement(using: &random)!)
                        continue
                    }
                    let at = base + Int64.random(in: -3...5, using: &random) * 86_400_000 + Int64.random(in: 0..<86_400_000, using: &random)
                    sent.append(EngagementEvent(postID: Int64.random(in: 1...3, using: &random), employeeID: ids.randomElement(using: &random)!,
                                                channel: channels.randomElement(using: &random)!, kind: kinds.randomElement(using: &random)!, occurredAt: at,
                                                dwellMilliseconds: nil, dedupe: "s\(seed).\(sent.count)"))
                }
                // Some through the writer in random batches, the rest through the group-commit ingester concurrently.
                var index = 0
                while index < sent.count / 2 {
                    let size = Int.random(in: 1...60, using: &random)
                    try await writer.record(Array(sent[index..<min(sent.count / 2, index + size)]))
                    index += size
                }
                let rest = Array(sent[(sent.count / 2)...])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for start in stride(from: 0, to: rest.count, by: 9) {
                        let chunk = Array(rest[start..<min(rest.count, start + 9)])
                        group.addTask { _ = try await ingestor.submit(chunk) }
                    }
                    try await group.waitForAll()
                }
                // Rolled up in batches of a random size, as a server catching up would.
                try await RollupBuilder(database: database).catchUp(batch: Int.random(in: 7...300, using: &random))
                let expected = try await RollupReplay(database)
                let stored = try await RollupReplay.stored(database)
                #expect(stored.days == expected.days, "seed \(seed): daily rollups differ from the replay")
                #expect(stored.hours == expected.hours, "seed \(seed): hourly rollups differ from the replay")
                let expectedCampaigns = try await RollupReplay(database, campaigns: campaigns)
                let storedCampaigns = try await RollupReplay.stored(database, scope: .campaign)
                #expect(!storedCampaigns.days.isEmpty)
                #expect(storedCampaigns.days == expectedCampaigns.days, "seed \(seed): campaign rollups differ from the replay")
                #expect(storedCampaigns.hours == expectedCampaigns.hours, "seed \(seed): campaign hourly rollups differ from the replay")
                let storedCount = try await database.reader.raw("SELECT COUNT(*) AS n FROM engagement_events WHERE dedupe LIKE \(bind: "s\(seed).%")").first()!
                    .decode(column: "n", as: Int64.self)
                #expect(Int(storedCount) == Set(sent.map(\.dedupe)).count, "seed \(seed): each dedupe key stored once, retries dropped")
            }
            // Pruning every raw event keeps every rollup.
            let before = try await RollupReplay.stored(database)
            let campaignsBefore = try await RollupReplay.stored(database, scope: .campaign)
            #expect(!before.days.isEmpty)
            let feature = EngagementFeature(database: database, signer: LinkSigner(database: database, key: Data(repeating: 1, count: 32)))
            let removed = try await feature.prune(olderThanDays: 90, now: Date(timeIntervalSince1970: 1_790_000_000 + 200 * 86_400))
            #expect(removed > 0)
            let left = try await database.reader.raw("SELECT COUNT(*) AS n FROM engagement_events").first()!.decode(column: "n", as: Int64.self)
            #expect(left == 0, "every raw event was older than the retention")
            let after = try await RollupReplay.stored(database)
            #expect(after.days == before.days && after.hours == before.hours)
            let campaignsAfter = try await RollupReplay.stored(database, scope: .campaign)
            #expect(campaignsAfter.days == campaignsBefore.days && campaignsAfter.hours == campaignsBefore.hours)
        }
    }
}
