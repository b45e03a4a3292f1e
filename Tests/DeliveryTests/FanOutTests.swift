import Accounts
import Audiences
import Audit
@testable import Content
@testable import Delivery
import Engagement
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

let deliveryMigrator = Migrator(AccountsFeature.migrations + AuditFeature.migrations + PeopleFeature.migrations + AudiencesFeature.migrations
    + ContentMigrations.all + DeliveryMigrations.all + EngagementMigrations.all)

/// An organisation of 2,500 people (some without email or phone), an audience, and a published post.
struct Sendroom {
    let database: Database
    let people: [Employee]
    let author: PostActor, approver: PostActor
    let posts: PostStore
    let topic: Topic
    let today = EmployeeRules.today()

    static func make(_ database: Database) async throws -> Sendroom {
        let today = EmployeeRules.today()
        var people = DemoPeople.generate(count: 2_500, today: today)
        for index in people.indices where index % 9 == 0 { people[index].workEmail = nil }
        for index in people.indices where index % 4 == 0 { people[index].mobilePhone = nil }
        try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
        _ = try await AudienceStore(database: database).create(
            AudienceDraft(name: "Brazil", description: "", definition: .rule(try RuleParser.parse(#"country = "BR""#))), mayUseSensitive: true, by: .system)
        _ = try await AudienceStore(database: database).create(
            AudienceDraft(name: "Office", description: "", definition: .rule(try RuleParser.parse(#"worker_type = "desk""#))), mayUseSensitive: true, by: .system)
        let users = UserStore(database: database)
        func staff(_ email: String, _ roles: [Role]) async throws -> PostActor {
            let user = try await users.create(try NewUser(email: email, displayName: email, roles: roles.map(\.rawValue), teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
            return PostActor(userID: user.id, name: email, roles: Set(roles), audit: AuditActor(userID: user.id, label: email, channel: .api))
        }
        let author = try await staff("ana@example.com", [.comms]), approver = try await staff("ada@example.com", [.approver])
        let topic = try await TopicStore(database: database).create(try TopicDraft(name: "Safety", description: "", ownerTeamID: nil,
                                                                                 stages: [ApprovalStage(approvers: [approver.userID], rule: .any)]), by: .system)
        return Sendroom(database: database, people: people, author: author, approver: approver,
                        posts: PostStore(database: database, render: { $0 }), topic: topic)
    }

    var audiences: AudienceStore { AudienceStore(database: database) }

    /// A post through the workflow to scheduled (or published when `at` is nil).
    func post(channels: [Channel], priority: PostPriority = .normal, mandatory: Bool = false, requiresAcknowledgement: Bool = false,
              audiences: [PostAudience], at: Date?, zone: String = "UTC") async throws -> Post {
        var post = try await posts.create(PostContent(priority: priority, mandatory: mandatory, requiresAcknowledgement: requiresAcknowledgement, fallbackLanguage: "en", topicIDs: [topic.id], audiences: audiences, channels: channels,
                                                      variants: [PostVariant(language: "en", title: "Site safety", summary: "Helmets", body: "Wear them.",
                                                                             channelTexts: [.sms: "Helmets on"])]), by: author)
        post = try await posts.transition(post.id, .submit, expectedVersion: post.version, by: author)
        post = try await posts.transition(post.id, .approve, expectedVersion: post.version, by: approver)
        if let at {
            return try await posts.transition(post.id, .schedule(at: at), expectedVersion: post.version, scheduleZone: zone, by: author)
        }
        return try await posts.transition(post.id, .publish, expectedVersion: post.version, by: author)
    }

    func expected(include: (Employee) -> Bool, exclude: (Employee) -> Bool = { _ in false }) -> [Employee] {
        people.filter { include($0) && !exclude($0) && $0.status(on: today) == .active }
    }

    func rows(_ postID: Int64) async throws -> [(employee: Int64, channel: String)] {
        try await database.reader.raw("SELECT employee_id, channel FROM deliveries WHERE post_id = \(bind: postID) ORDER BY employee_id, channel").all().map {
            (try $0.decode(column: "employee_id", as: Int64.self), try $0.decode(column: "channel", as: String.self))
        }
    }
}

@Suite("Freezing audiences into deliveries")
struct FanOutTests {
    @Test("one delivery per person and reachable channel, unreachable counted; an interrupted walk resumes without duplicates", arguments: TestDatabase.kinds)
    func walk(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let brazil = try #require(try await room.audiences.find(name: "Brazil")), office = try #require(try await room.audiences.find(name: "Office"))
            let post = try await room.post(channels: [.email, .sms], audiences: [PostAudience(audienceID: brazil.id, mode: .include), PostAudience(audienceID: office.id, mode: .exclude)], at: nil)
            let chosen = room.expected(include: { $0.country == "BR" }, exclude: { $0.workerType == .desk })
            #expect(chosen.count > 60, "several pages of 20")
            func has(_ v: String?) -> Bool { !(v ?? "").isEmpty }
            let expectedRows = chosen.reduce(0) { $0 + (has($1.workEmail) ? 1 : 0) + (has($1.mobilePhone) ? 1 : 0) }
            let unreachable = chosen.filter { !has($0.workEmail) && !has($0.mobilePhone) }.count

            let first = FanOut(database: database, counter: AudienceCounter(database: database), owner: "node-a", pageSize: 20)
            // "Crash" after one page: the lease is held by node-a; node-b must wait for it to run out.
            let partial = try await first.run(post, stopAfterPages: 1)
            #expect(partial?.state == .resolving && partial?.people == 20)
            let other = FanOut(database: database, counter: AudienceCounter(database: database), owner: "node-b", pageSize: 20)
            #expect(try await other.run(post) == nil, "another process holds the walk")
            let later = Date().addingTimeInterval(FanOut.lease + 1)
            let done = try #require(try await other.run(post, now: later))
            #expect(done.state == .resolved && done.people == chosen.count && done.unreachable == unreachable && done.deliveries == expectedRows)
            let rows = try await room.rows(post.id)
            #expect(rows.count == expectedRows)
            #expect(Set(rows.map { "\($0.employee)/\($0.channel)" }).count == rows.count)
            // Running again changes nothing.
            #expect(try await first.run(post, now: later)?.deliveries == expectedRows)
            #expect(try await room.rows(post.id).count == expectedRows)
        }
    }

    @Test("the scheduler publishes due posts only, sends local-time posts per zone, and critical posts on every channel", arguments: TestDatabase.kinds)
    func scheduler(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let feature = DeliveryFeature(database: database, posts: room.posts, counter: AudienceCounter(database: database), owner: "test", baseURL: "http://tandem.test", smtp: nil)
            let brazil = try #require(try await room.audiences.find(name: "Brazil"))
            let now = Date()
            let soon = try await room.post(channels: [.feed], audiences: [PostAudience(audienceID: brazil.id, mode: .include)], at: now.addingTimeInterval(3_600))
            let critical = try await room.post(channels: [.feed], priority: .critical, audiences: [PostAudience(audienceID: brazil.id, mode: .include)],
                                               at: now.addingTimeInterval(7_200))
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let tomorrow = utc.startOfDay(for: now.addingTimeInterval(86_400 * 2)).addingTimeInterval(9 * 3_600)
            let local = try await room.post(channels: [.feed], audiences: [], at: tomorrow, zone: "recipient")

            var pass = try await feature.scheduler.tick(now: now)
            #expect(pass.published.isEmpty && pass.resolved.isEmpty)
            pass = try await feature.scheduler.tick(now: now.addingTimeInterval(3_700))
            #expect(pass.published == [soon.id] && pass.resolved.map(\.postID) == [soon.id])
            #expect(try await room.posts.find(id: soon.id)?.state == .published)
            pass = try await feature.scheduler.tick(now: now.addingTimeInterval(3_800))
            #expect(pass.published.isEmpty && pass.resolved.isEmpty, "nothing twice")

            pass = try await feature.scheduler.tick(now: now.addingTimeInterval(7_300))
            let chosen = room.expected(include: { $0.country == "BR" })
            func has(_ v: String?) -> Bool { !(v ?? "").isEmpty }
            let all = chosen.reduce(0) { $0 + 1 + (has($1.workEmail) ? 1 : 0) + (has($1.mobilePhone) ? 1 : 0) }
            #expect(pass.resolved.first?.deliveries == all, "critical: feed, email and SMS wherever a person has them")
            #expect(try await feature.store.status(of: critical.id).channels.map(\.channel) == [.feed, .email, .sms])

            // Local time: published 14 hours before the wall-clock time, each person due at theirs.
            pass = try await feature.scheduler.tick(now: tomorrow.addingTimeInterval(-15 * 3_600))
            #expect(!pass.published.contains(local.id))
            pass = try await feature.scheduler.tick(now: tomorrow.addingTimeInterval(-13 * 3_600))
            #expect(pass.published == [local.id])
            let dues = try await database.reader.raw("""
                SELECT e.time_zone, d.due_at FROM deliveries d JOIN employees e ON e.id = d.employee_id WHERE d.post_id = \(bind: local.id)
                """).all()
            for row in dues.prefix(200) {
                let zone = try row.decode(column: "time_zone", as: String.self)
                let due = Millis.date(try row.decode(column: "due_at", as: Int64.self))
                var cal = Calendar(identifier: .gregorian)
                cal.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
                #expect(cal.component(.hour, from: due) == 9, "\(zone)")
            }
            #expect(dues.count == room.expected(include: { _ in true }).count)

            // A post withdrawn mid-walk stops: its send says so.
            let stopped = try await room.post(channels: [.feed], audiences: [], at: nil)
            let walk = try await feature.fanOut.run(stopped, stopAfterPages: 1)
            #expect(walk?.state == .resolving)
            _ = try await room.posts.transition(stopped.id, .withdraw, expectedVersion: nil, by: room.author)
            #expect(try await feature.fanOut.run(stopped)?.state == .stopped)
        }
    }
}
