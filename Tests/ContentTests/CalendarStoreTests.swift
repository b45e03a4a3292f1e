import Accounts
import Audit
@testable import Content
import Foundation
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Calendar: the plan and its feeds on the database")
struct CalendarStoreTests {
    func instant(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    /// Drafts a post, then sets its workflow fields directly: the calendar reads what is stored.
    func place(_ room: Newsroom, title: String, state: PostState, at iso: String, zone: String = "UTC", topics: [Int64] = [], channels: [Channel] = [.feed, .email],
               campaign: Int64? = nil, by actor: PostActor? = nil) async throws -> Int64 {
        var content = room.content(topics: topics)
        content.variants[0].title = title
        content.channels = channels
        content.campaignID = campaign
        let post = try await room.posts.create(content, by: actor ?? room.author)
        try await room.database.transaction { db in
            try await db.raw("""
                UPDATE posts SET state = \(bind: state.rawValue), publish_at = \(bind: Millis.from(instant(iso))), schedule_zone = \(bind: zone) WHERE id = \(bind: post.id)
                """).run()
        }
        return post.id
    }

    @Test("the month shows scheduled, published and archived posts on their days in the viewer's zone, with topics, channels and campaign", arguments: TestDatabase.kinds)
    func month(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let campaign = try await CampaignStore(database: database).create(
                try CampaignDraft(name: "We are the show", goal: "", ownerTeams: [.hr, .ic], startsOn: "2026-11-01", endsOn: "2026-12-31",
                                  externalName: nil, externalURL: nil, outcomeMetric: ""), by: .system)
            let late = try await place(room, title: "Late night", state: .scheduled, at: "2026-11-10T23:30:00Z", zone: "Europe/Berlin", topics: [room.topic.id],
                                       channels: [.sms, .feed], campaign: campaign.id)
            let local = try await place(room, title: "Local time", state: .scheduled, at: "2026-11-10T23:30:00Z", zone: PostSchedule.recipientZone)
            let sent = try await place(room, title: "Sent", state: .published, at: "2026-11-03T09:00:00Z")
            let old = try await place(room, title: "Archived", state: .archived, at: "2026-11-02T09:00:00Z")
            let december = try await place(room, title: "Early December", state: .scheduled, at: "2026-12-06T12:00:00Z")
            _ = try await place(room, title: "Withdrawn", state: .withdrawn, at: "2026-11-04T09:00:00Z")
            _ = try await place(room, title: "Approved, undated", state: .approved, at: "2026-11-05T09:00:00Z")
            _ = try await place(room, title: "Next month", state: .scheduled, at: "2026-12-07T00:30:00Z")
            _ = try await room.posts.create(room.content(), by: room.author) // a draft without a date

            let range = CalendarRange(view: .month, containing: CalendarDay(year: 2026, month: 11, day: 1), zone: TimeZone(identifier: "Europe/Berlin")!)
            let plan = try await CalendarStore(database: database).plan(range, filter: CalendarFilter())
            func day(_ d: Int, _ m: Int = 11) -> [Int64] { plan.days.first { $0.day == CalendarDay(year: 2026, month: m, day: d) }!.entries.map(\.postID) }
            #expect(plan.total == 5)
            #expect(day(11) == [late], "23:30 UTC is the next day in Berlin")
            #expect(day(10) == [local], "a local-time post keeps its wall-clock day")
            #expect(day(3) == [sent] && day(2) == [old])
            #expect(day(6, 12) == [december], "the grid's trailing days belong to the view")
            let entry = plan.days.flatMap(\.entries).first { $0.postID == late }!
            #expect(entry.title == "Late night" && entry.topicNames == ["Benefits"] && entry.channels == [.feed, .sms])
            #expect(entry.campaignName == "We are the show" && entry.authorName == "Ana" && entry.version == 1)
            #expect(!plan.truncated)

            let (firstTwo, truncated) = try await CalendarStore(database: database).entries(
                from: instant("2026-11-01T00:00:00Z"), to: instant("2026-12-31T00:00:00Z"), filter: CalendarFilter(), limit: 2)
            #expect(truncated && firstTwo.map(\.postID) == [old, sent], "time order, cut at the limit")
        }
    }

    @Test("filters: team (authors and topic owners), topic, campaign and channel", arguments: TestDatabase.kinds)
    func filters(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let teams = TeamStore(database: database)
            let hr = try await teams.create(name: "HR", by: .system), marketing = try await teams.create(name: "Marketing", by: .system)
            let users = UserStore(database: database)
            let marketer = try await users.create(try NewUser(email: "mo@example.com", displayName: "Mo", roles: ["marketing"], teamID: marketing.id),
                                                  passwordHash: "x", mustChangePassword: false, by: .system)
            let mo = PostActor(userID: marketer.id, name: "Mo", roles: [.marketing], audit: AuditActor(userID: marketer.id, label: "mo", channel: .api))
            let safety = try await TopicStore(database: database).create(try TopicDraft(name: "Safety", description: "", ownerTeamID: hr.id, stages: [ApprovalStage(approvers: [room.approvers[0].userID], rule: .any)]), by: .system)
            let campaign = try await CampaignStore(database: database).create(
                try CampaignDraft(name: "Brand", goal: "", ownerTeams: [.marketing], startsOn: "2026-11-01", endsOn: "2026-11-30",
                                  externalName: nil, externalURL: nil, outcomeMetric: ""), by: .system)
            let byMarketing = try await place(room, title: "Brand post", state: .scheduled, at: "2026-11-12T09:00:00Z", channels: [.social], campaign: campaign.id, by: mo)
            let onSafety = try await place(room, title: "Safety post", state: .scheduled, at: "2026-11-13T09:00:00Z", topics: [safety.id], channels: [.sms, .feed])
            let other = try await place(room, title: "Benefits post", state: .published, at: "2026-11-14T09:00:00Z", topics: [room.topic.id])

            let store = CalendarStore(database: database)
            let range = CalendarRange(view: .month, containing: CalendarDay(year: 2026, month: 11, day: 1), zone: TimeZone(identifier: "UTC")!)
            func ids(_ filter: CalendarFilter) async throws -> Set<Int64> { Set(try await store.plan(range, filter: filter).days.flatMap(\.entries).map(\.postID)) }
            #expect(try await ids(CalendarFilter()) == [byMarketing, onSafety, other])
            #expect(try await ids(CalendarFilter(teamID: marketing.id)) == [byMarketing], "the author's team")
            #expect(try await ids(CalendarFilter(teamID: hr.id)) == [onSafety], "a topic the team owns")
            #expect(try await ids(CalendarFilter(topicID: room.topic.id)) == [other])
            #expect(try await ids(CalendarFilter(campaignID: campaign.id)) == [byMarketing])
            #expect(try await ids(CalendarFilter(channel: .sms)) == [onSafety])
            #expect(try await ids(CalendarFilter(channel: .email)) == [other], "posts drafted with the default channels go by email")
            #expect(try await ids(CalendarFilter(topicID: safety.id, channel: .social)).isEmpty, "filters combine")
            let choices = try await store.filterChoices()
            #expect(choices.teams.map(\.name) == ["HR", "Marketing"] && choices.topics.map(\.name) == ["Benefits", "Safety"] && choices.campaigns.map(\.name) == ["Brand"])
        }
    }

    @Test("feeds: a secret token reads the plan only while its owner may; deleting it, deactivating or demoting the owner closes it", arguments: TestDatabase.kinds)
    func feeds(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let feeds = CalendarFeedStore(database: database)
            let owner = room.editor
            let (feed, token) = try await feeds.create(userID: owner.userID, name: " Comms plan ", filter: CalendarFilter(topicID: room.topic.id, channel: .email), by: owner.audit)
            #expect(feed.name == "Comms plan" && token.hasPrefix(CalendarFeed.tokenPrefix) && token.count > 40 && feed.prefix == String(token.prefix(11)))
            let stored = try await database.reader.raw("SELECT token_hash FROM calendar_feeds").first()!.decode(column: "token_hash", as: String.self)
            #expect(stored == Secrets.sha256Hex(token) && !stored.contains(token), "only the hash is kept")
            #expect(try await feeds.feed(forToken: token) == feed)
            #expect(try await feeds.feed(forToken: token + "x") == nil)
            #expect(try await feeds.feed(forToken: "tcal_") == nil)
            #expect(try await feeds.feed(forToken: "nonsense") == nil)
            #expect(try await feeds.list(userID: owner.userID).map(\.id) == [feed.id])
            #expect(try await feeds.list(userID: room.author.userID).isEmpty, "feeds are personal")

            try await feeds.markUsed(feed, now: Date())
            #expect(try await feeds.list(userID: owner.userID).first?.lastUsedAt != nil)

            let badTopic = await #expect(throws: AppError.self) { try await feeds.create(userID: owner.userID, name: "x", filter: CalendarFilter(topicID: 999), by: owner.audit) }
            #expect(badTopic?.field == "topic_id")
            let blank = await #expect(throws: AppError.self) { try await feeds.create(userID: owner.userID, name: "  ", filter: CalendarFilter(), by: owner.audit) }
            #expect(blank?.field == "name")

            let users = UserStore(database: database)
            _ = try await users.update(owner.userID, UserChange(roles: [.analyst]), by: .system)
            #expect(try await feeds.feed(forToken: token) == nil, "an owner who may no longer read the plan closes the feed")
            _ = try await users.update(owner.userID, UserChange(roles: [.comms], isActive: false), by: .system)
            #expect(try await feeds.feed(forToken: token) == nil, "so does a deactivated owner")
            _ = try await users.update(owner.userID, UserChange(isActive: true), by: .system)
            #expect(try await feeds.feed(forToken: token) != nil)

            let foreign = await #expect(throws: AppError.self) { try await feeds.delete(id: feed.id, userID: room.author.userID, by: room.author.audit) }
            #expect(foreign?.status == .notFound, "someone else's feed is not found")
            try await feeds.delete(id: feed.id, userID: owner.userID, by: owner.audit)
            #expect(try await feeds.feed(forToken: token) == nil)

            for index in 0..<CalendarFeedStore.maximumPerUser { _ = try await feeds.create(userID: owner.userID, name: "Feed \(index)", filter: CalendarFilter(), by: owner.audit) }
            let tooMany = await #expect(throws: AppError.self) { try await feeds.create(userID: owner.userID, name: "One more", filter: CalendarFilter(), by: owner.audit) }
            #expect(tooMany?.status == .conflict)
        }
    }
}
