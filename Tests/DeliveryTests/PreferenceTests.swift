import Audiences
import Content
@testable import Delivery
import Foundation
import People
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Quiet hours and digests: the rules")
struct DeliveryRulesTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    let berlin = TimeZone(identifier: "Europe/Berlin")!, newYork = TimeZone(identifier: "America/New_York")!

    @Test("quiet hours hold email and SMS until they end, across a daylight-saving change; critical posts go at once")
    func quiet() {
        let night = DeliveryPreferences(quietStart: 22 * 60, quietEnd: 7 * 60)
        // 23:30 in Berlin on 28 March 2026; the clocks go forward that night, so 07:00 is 05:00 UTC.
        let late = Self.utc("2026-03-28T22:30:00Z")
        #expect(DeliveryRules.gate(night, channel: .email, mandatory: false, priority: .normal, zone: berlin, now: late)
                == .wait(until: Self.utc("2026-03-29T05:00:00Z"), reason: "quiet hours until 07:00 Europe/Berlin"))
        // 01:00 the same night (00:00 UTC, still winter time): the same end.
        if case .wait(let until, _) = DeliveryRules.gate(night, channel: .sms, mandatory: true, priority: .important, zone: berlin, now: Self.utc("2026-03-29T00:00:00Z")) {
            #expect(until == Self.utc("2026-03-29T05:00:00Z"))
        } else { Issue.record("mandatory posts wait for quiet hours unless critical") }
        #expect(DeliveryRules.gate(night, channel: .email, mandatory: true, priority: .critical, zone: berlin, now: late) == .send)
        #expect(DeliveryRules.gate(night, channel: .feed, mandatory: false, priority: .normal, zone: berlin, now: late) == .send, "the feed has no quiet hours")
        #expect(DeliveryRules.gate(night, channel: .email, mandatory: false, priority: .normal, zone: berlin, now: Self.utc("2026-03-28T11:00:00Z")) == .send)
        // A window that does not span midnight.
        let lunch = DeliveryPreferences(quietStart: 12 * 60, quietEnd: 13 * 60 + 30)
        #expect(DeliveryRules.gate(lunch, channel: .email, mandatory: false, priority: .normal, zone: newYork, now: Self.utc("2026-07-01T16:10:00Z"))
                == .wait(until: Self.utc("2026-07-01T17:30:00Z"), reason: "quiet hours until 13:30 America/New_York"))
        #expect(QuietHours.end(of: Self.utc("2026-07-01T17:30:00Z"), start: 12 * 60, end: 13 * 60 + 30, zone: newYork) == nil, "the end itself is outside")
    }

    @Test("digests collect optional email for 08:00 local, daily or on Mondays; mandatory, critical and SMS are not collected")
    func digests() {
        let daily = DeliveryPreferences(digest: .daily), weekly = DeliveryPreferences(digest: .weekly)
        // Saturday 24 October 2026, 09:00 in Berlin (summer time); clocks go back that night: Sunday 08:00 is 07:00 UTC.
        let saturday = Self.utc("2026-10-24T07:00:00Z")
        #expect(DeliveryRules.gate(daily, channel: .email, mandatory: false, priority: .normal, zone: berlin, now: saturday) == .digest(until: Self.utc("2026-10-25T07:00:00Z")))
        // Before 08:00 it is the same day's digest.
        #expect(DeliveryRules.gate(daily, channel: .email, mandatory: false, priority: .normal, zone: berlin, now: Self.utc("2026-10-24T05:00:00Z"))
                == .digest(until: Self.utc("2026-10-24T06:00:00Z")))
        // Wednesday 2 December 2026 in New York: next Monday 7 December 08:00 EST.
        #expect(DeliveryRules.gate(weekly, channel: .email, mandatory: false, priority: .important, zone: newYork, now: Self.utc("2026-12-02T15:00:00Z"))
                == .digest(until: Self.utc("2026-12-07T13:00:00Z")))
        // Monday after 08:00: the Monday after.
        #expect(DigestSchedule.next(after: Self.utc("2026-12-07T13:00:00Z"), .weekly, zone: newYork) == Self.utc("2026-12-14T13:00:00Z"))
        #expect(DeliveryRules.gate(daily, channel: .email, mandatory: true, priority: .normal, zone: berlin, now: saturday) == .send)
        #expect(DeliveryRules.gate(daily, channel: .email, mandatory: false, priority: .critical, zone: berlin, now: saturday) == .send)
        #expect(DeliveryRules.gate(daily, channel: .sms, mandatory: false, priority: .normal, zone: berlin, now: saturday) == .send)
        // A digest time inside quiet hours moves to their end.
        let both = DeliveryPreferences(digest: .daily, quietStart: 7 * 60, quietEnd: 9 * 60)
        #expect(DeliveryRules.gate(both, channel: .email, mandatory: false, priority: .normal, zone: berlin, now: Self.utc("2026-06-10T12:00:00Z"))
                == .digest(until: Self.utc("2026-06-11T07:00:00Z")))
    }

    @Test("times and bad quiet hours are refused with the field")
    func validation() {
        #expect(DeliveryPreferences.minutes("21:30") == 1_290 && DeliveryPreferences.minutes("00:00") == 0)
        for bad in ["7:00", "24:00", "07:60", "", "ab:cd", "07:00:00", "-1:00"] { #expect(DeliveryPreferences.minutes(bad) == nil, "\(bad)") }
        #expect(DeliveryPreferences.clock(7 * 60 + 5) == "07:05")
        #expect(throws: AppError.self) { try PreferenceStore.validate(DeliveryPreferences(quietStart: 60, quietEnd: 60)) }
        #expect(throws: AppError.self) { try PreferenceStore.validate(DeliveryPreferences(quietStart: 60, quietEnd: nil)) }
        #expect(throws: AppError.self) { try PreferenceStore.validate(DeliveryPreferences(quietStart: 1_440, quietEnd: 60)) }
        #expect(throws: Never.self) { try PreferenceStore.validate(DeliveryPreferences(quietStart: 1_380, quietEnd: 360)) }
    }
}

@Suite("Quiet hours and digests through a real SMTP server", .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct DigestDeliveryTests {
    @Test("held email waits without using an attempt; a digest of two posts goes out once, after a crash too; withdrawn posts leave it",
          arguments: TestDatabase.kinds)
    func digest(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let addresses = ["digest-dora@example.com", "quiet-quinn@example.com", "now-nia@example.com"]
            let mail = try await Mailroom.make(database, addresses: addresses)
            let id = { (address: String) in mail.people.first { $0.value == address }!.key }
            let preferences = PreferenceStore(database: database)
            try await preferences.save(id("digest-dora@example.com"), DeliveryPreferences(digest: .daily))
            // Quinn's quiet hours run from an hour ago to an hour from now, on Quinn's own clock.
            let zone = try #require(try await preferences.context(id("quiet-quinn@example.com"))?.zone)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let local = calendar.dateComponents([.hour, .minute], from: Date())
            let minute = (local.hour ?? 0) * 60 + (local.minute ?? 0)
            try await preferences.save(id("quiet-quinn@example.com"), DeliveryPreferences(quietStart: (minute + 1_380) % 1_440, quietEnd: (minute + 60) % 1_440))

            let settings = EmailDeliveryTests.settings(sink, security: .none)
            let adapter = mail.adapter(settings)
            let worker = DeliveryWorker(database: database, adapters: [adapter], owner: "node-a")
            let outcome = try await worker.runOnce(limit: 100)
            #expect(outcome.sent == 1 && outcome.held == 2)
            var states = try await mail.states()
            #expect(states["now-nia@example.com"]?.state == "sent")
            #expect(states["quiet-quinn@example.com"]?.state == "pending" && states["quiet-quinn@example.com"]?.attempts == 0
                    && states["quiet-quinn@example.com"]?.error?.contains("quiet hours until") == true)
            #expect(states["digest-dora@example.com"]?.state == "digest" && states["digest-dora@example.com"]?.attempts == 0)
            #expect(try await worker.runOnce(limit: 100).claimed == 0, "held rows are not claimed again before they are due")
            #expect(try sink.messages().count == 1)

            // A second optional post for Dora, and a third that is withdrawn before the digest.
            let audience = try #require(try await database.reader.raw("SELECT id FROM audiences WHERE name = 'Mail test'").first()?.decode(column: "id", as: Int64.self))
            func publish(_ title: String) async throws -> Post {
                let room = mail.room
                var post = try await room.posts.create(PostContent(
                    priority: .normal, mandatory: false, fallbackLanguage: "en", topicIDs: [room.topic.id],
                    audiences: [PostAudience(audienceID: audience, mode: .include)], channels: [.email],
                    variants: [PostVariant(language: "en", title: title, summary: "More news", body: "Text")]), by: room.author)
                post = try await room.posts.transition(post.id, .submit, expectedVersion: post.version, by: room.author)
                post = try await room.posts.transition(post.id, .approve, expectedVersion: post.version, by: room.approver)
                post = try await room.posts.transition(post.id, .publish, expectedVersion: post.version, by: room.author)
                _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post)
                return post
            }
            _ = try await publish("Canteen menu")
            let dropped = try await publish("Dropped news")
            _ = try await worker.runOnce(limit: 100)
            _ = try await mail.room.posts.transition(dropped.id, .withdraw, expectedVersion: dropped.version, by: mail.room.author)
            let due = try #require(try await database.reader.raw("""
                SELECT MAX(due_at) AS due FROM deliveries WHERE employee_id = \(bind: id("digest-dora@example.com")) AND state = 'digest'
                """).first()?.decode(column: "due", as: Int64?.self))
            let digestTime = Millis.date(due)
            #expect(digestTime > Date() && digestTime < Date().addingTimeInterval(86_400 + 3_600))

            let sender = DigestSender(adapter: adapter, database: database, owner: "node-a")
            #expect(try await sender.runOnce(now: Date()).sent == 0, "nothing before the digest time")
            // Node A claims the digest and crashes before sending; node B takes it over once the lease ends.
            let claimed = try await sender.claim(limit: 10, now: digestTime.addingTimeInterval(1))
            #expect(claimed.count == 1)
            let other = DigestSender(adapter: mail.adapter(settings), database: database, owner: "node-b")
            #expect(try await other.runOnce(now: digestTime.addingTimeInterval(2)).sent == 0, "the lease holds")
            let taken = try await other.runOnce(now: digestTime.addingTimeInterval(2 + DigestSender.lease))
            #expect(taken.sent == 1)
            #expect(try await other.runOnce(now: digestTime.addingTimeInterval(10 + DigestSender.lease)).sent == 0, "sent once")
            #expect(try await sender.finish(claimed[0], state: "sent", deliveries: .sent, error: nil, externalID: "late", due: nil) == false,
                    "the crashed claim cannot record over the one that sent")

            let digests = try sink.messages().filter { ($0["subject"] as? String)?.contains("digest") == true }
            #expect(digests.count == 1)
            let message = try #require(digests.first)
            #expect(message["subject"] as? String == "Your daily digest: 2 posts")
            #expect((message["to"] as? [String]) == ["digest-dora@example.com"])
            let text = try #require(message["text"] as? String)
            #expect(text.contains("Canteen menu") && !text.contains("Dropped news"))
            #expect(text.contains("Sicherheitswoche") || text.contains("Site safety week"))
            #expect((message["list_unsubscribe"] as? String)?.contains("/unsubscribe/ud.\(id("digest-dora@example.com")).") == true)
            #expect(message["message_id"] as? String == "<tandem.digest\(claimed[0].id)@example.com>")
            let rows = try await database.reader.raw("""
                SELECT p.title, d.state FROM deliveries d JOIN (SELECT post_id, MIN(title) AS title FROM post_variants GROUP BY post_id) p ON p.post_id = d.post_id
                WHERE d.employee_id = \(bind: id("digest-dora@example.com")) ORDER BY d.id
                """).all().map { (try $0.decode(column: "title", as: String.self), try $0.decode(column: "state", as: String.self)) }
            #expect(rows.map(\.1) == ["sent", "sent", "digest"], "\(rows)")
            #expect(try await worker.cancelWithdrawn() >= 1)
            states = try await mail.states()
            #expect(states["digest-dora@example.com"]?.state == "sent")
        }
    }
}

@Suite("Critical posts escalate to text messages until acknowledged")
struct CriticalEscalationTests {
    @Test("the text message waits 15 minutes for people with email and is skipped once they acknowledge; people without email get it at once",
          arguments: TestDatabase.kinds)
    func escalation(kind: DatabaseKind) async throws {
        let gateway = try GatewaySink(token: "tok")
        defer { gateway.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            var people = DemoPeople.generate(count: 2, today: room.today)
            for index in people.indices {
                people[index].employeeId = "CRIT\(index)"
                people[index].site = "Critical Site"
                people[index].mobilePhone = "+1555030100\(index)"
                people[index].workEmail = index == 0 ? "crit0@example.com" : nil
                people[index].terminationDate = nil
                people[index].language = "en"
            }
            try await EmployeeStore(database: database).upsert(people, summary: "critical test", by: .system)
            let audience = try await AudienceStore(database: database).create(
                AudienceDraft(name: "Critical test", description: "", definition: .rule(try RuleParser.parse(#"site = "Critical Site""#))), mayUseSensitive: true, by: .system)
            let post = try await room.post(channels: [.feed], priority: .critical, requiresAcknowledgement: true,
                                           audiences: [PostAudience(audienceID: audience.id, mode: .include)], at: nil)
            _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post)
            var ids: [String: Int64] = [:]
            var due: [String: Int64] = [:]
            for row in try await database.reader.raw("""
                SELECT e.employee_id, e.id, d.channel, d.due_at FROM deliveries d JOIN employees e ON e.id = d.employee_id WHERE d.post_id = \(bind: post.id)
                """).all() {
                let who = try row.decode(column: "employee_id", as: String.self)
                ids[who] = try row.decode(column: "id", as: Int64.self)
                due["\(who) \(try row.decode(column: "channel", as: String.self))"] = try row.decode(column: "due_at", as: Int64.self)
            }
            #expect(Set(due.keys) == ["CRIT0 feed", "CRIT0 email", "CRIT0 sms", "CRIT1 feed", "CRIT1 sms"], "critical: every channel each person has")
            #expect(due["CRIT0 sms"]! - due["CRIT0 email"]! == 900_000 && due["CRIT1 sms"] == due["CRIT1 feed"])

            let settings = ChannelSettingsStore(database: database, box: Textroom.box)
            try await settings.saveSMS(SMSGateway(url: gateway.url, from: "+15550100000", username: "AC1", ratePerSecond: 50, burst: 10), token: "tok", by: .system)
            let worker = DeliveryWorker(database: database, adapters: [SMSAdapter(database: database, posts: room.posts, settings: settings)], owner: "node-a")
            #expect(try await worker.runOnce(limit: 100).sent == 1, "only the person without email, at once")
            // CRIT0 acknowledges on the feed within the 15 minutes.
            let first = try #require(ids["CRIT0"])
            try await database.transaction { db in
                // As FeedStore.acknowledge does (the Feed's tables are not in this test's migrations).
                try await db.raw("UPDATE deliveries SET waiting_ack = \(bind: false) WHERE post_id = \(bind: post.id) AND employee_id = \(bind: first)").run()
            }
            let later = try await worker.runOnce(limit: 100, now: Date().addingTimeInterval(16 * 60))
            #expect(later.skipped == 1 && later.sent == 0)
            let state = try await database.reader.raw("""
                SELECT state, last_error FROM deliveries WHERE post_id = \(bind: post.id) AND employee_id = \(bind: ids["CRIT0"]!) AND channel = 'sms'
                """).first()
            #expect(try state?.decode(column: "state", as: String.self) == "cancelled")
            #expect(try state?.decode(column: "last_error", as: String?.self)?.contains("acknowledged") == true)
            #expect(try gateway.requests().count == 1)

            // An hour after CRIT1's text, still unacknowledged: one reminder, its own idempotency key.
            #expect(try await worker.remindUnacknowledged(now: Date().addingTimeInterval(30 * 60)) == 0, "not before the hour")
            #expect(try await worker.remindUnacknowledged(now: Date().addingTimeInterval(61 * 60)) == 1, "CRIT0 acknowledged: no reminder")
            let reminded = try await worker.runOnce(limit: 100, now: Date().addingTimeInterval(62 * 60))
            #expect(reminded.sent == 1)
            let requests = try gateway.requests()
            #expect(requests.count == 2)
            let keys = requests.compactMap { $0["idempotency_key"] as? String }
            #expect(keys.count == 2 && keys[1] == keys[0] + "-r1")
            #expect((requests[1]["form"] as? [String: String])?["Body"]?.hasPrefix("Reminder: ") == true)
            #expect(try await worker.remindUnacknowledged(now: Date().addingTimeInterval(3 * 3_600)) == 0, "one reminder at most")
        }
    }
}

@Suite("Feed opt-outs")
struct FeedOptOutTests {
    @Test("optional posts skip the feed of people who hid their topics; mandatory and critical posts reach every feed", arguments: TestDatabase.kinds)
    func hidden(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            var people = DemoPeople.generate(count: 3, today: room.today)
            for index in people.indices {
                people[index].employeeId = "HIDE\(index)"
                people[index].site = "Hide Site"
                people[index].workEmail = index == 0 ? "hide0@example.com" : nil
                people[index].mobilePhone = nil
                people[index].terminationDate = nil
            }
            try await EmployeeStore(database: database).upsert(people, summary: "opt-out test", by: .system)
            var ids: [String: Int64] = [:]
            for row in try await database.reader.raw("SELECT id, employee_id FROM employees WHERE employee_id LIKE 'HIDE%'").all() {
                ids[try row.decode(column: "employee_id", as: String.self)] = try row.decode(column: "id", as: Int64.self)
            }
            let optOuts = OptOutStore(database: database)
            try await optOuts.add(employee: ids["HIDE0"]!, topics: [room.topic.id], channel: .feed)
            try await optOuts.add(employee: ids["HIDE1"]!, topics: [OptOutStore.everything], channel: .feed)
            let audience = try await AudienceStore(database: database).create(
                AudienceDraft(name: "Hide test", description: "", definition: .rule(try RuleParser.parse(#"site = "Hide Site""#))), mayUseSensitive: true, by: .system)
            let include = [PostAudience(audienceID: audience.id, mode: .include)]
            let fanOut = FanOut(database: database, counter: AudienceCounter(database: database), owner: "t")
            func rows(_ post: Post) async throws -> Set<String> {
                Set(try await database.reader.raw("""
                    SELECT e.employee_id, d.channel FROM deliveries d JOIN employees e ON e.id = d.employee_id WHERE d.post_id = \(bind: post.id)
                    """).all().map { "\(try $0.decode(column: "employee_id", as: String.self)) \(try $0.decode(column: "channel", as: String.self))" })
            }
            let optional = try await room.post(channels: [.feed, .email], audiences: include, at: nil)
            let summary = try #require(try await fanOut.run(optional))
            #expect(try await rows(optional) == ["HIDE0 email", "HIDE2 feed"], "HIDE0 keeps email; HIDE1 hid everything")
            #expect(summary.unreachable == 0, "hiding is a choice, not unreachable")
            let mandatory = try await room.post(channels: [.feed], mandatory: true, audiences: include, at: nil)
            _ = try await fanOut.run(mandatory)
            #expect(try await rows(mandatory) == ["HIDE0 feed", "HIDE1 feed", "HIDE2 feed"])
            let critical = try await room.post(channels: [.feed], priority: .critical, audiences: include, at: nil)
            _ = try await fanOut.run(critical)
            #expect(try await rows(critical) == ["HIDE0 feed", "HIDE0 email", "HIDE1 feed", "HIDE2 feed"])
        }
    }
}
