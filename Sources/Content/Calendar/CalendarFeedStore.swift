public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Feeds per user, each with its filters (a team's feed is a feed filtered by that team).
public struct CalendarFeedStore: Sendable {
    let database: Database
    public static let maximumPerUser = 20

    public init(database: Database) {
        self.database = database
    }

    public func create(userID: Int64, name raw: String, filter: CalendarFilter, by actor: AuditActor) async throws -> (CalendarFeed, token: String) {
        let name = try TextRules.singleLine(raw, field: "name", label: "The feed's name", range: 1...80)
        let token = Secrets.token(prefix: CalendarFeed.tokenPrefix)
        let prefix = String(token.prefix(CalendarFeed.tokenPrefix.count + 6))
        let now = Millis.from(Date())
        let id = try await database.transaction { db -> Int64 in
            try await Self.checkFilter(filter, on: db)
            let count = try await db.raw("SELECT COUNT(*) AS n FROM calendar_feeds WHERE user_id = \(bind: userID)").first()?.decode(column: "n", as: Int64.self) ?? 0
            guard count < Self.maximumPerUser else {
                throw AppError.conflict("You have \(Self.maximumPerUser) calendar feeds, the most one person may have. Delete one you no longer use first.")
            }
            let row = try await db.raw("""
                INSERT INTO calendar_feeds (user_id, name, token_hash, prefix, team_id, topic_id, campaign_id, channel, created_at)
                VALUES (\(bind: userID), \(bind: name), \(bind: Secrets.sha256Hex(token)), \(bind: prefix), \(bind: filter.teamID), \(bind: filter.topicID),
                        \(bind: filter.campaignID), \(bind: filter.channel?.rawValue), \(bind: now))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditStore.append(
                AuditEntry(action: "calendar_feed.create", entityType: "calendar_feed", entityID: String(id), summary: "Created calendar feed '\(name)' (\(prefix)…)"),
                by: actor, on: db)
            return id
        }
        return (CalendarFeed(id: id, userID: userID, name: name, filter: filter, prefix: prefix, createdAt: Millis.date(now), lastUsedAt: nil), token)
    }

    public func list(userID: Int64) async throws -> [CalendarFeed] {
        try await database.reader.raw("SELECT * FROM calendar_feeds WHERE user_id = \(bind: userID) ORDER BY id DESC").all().map(Self.feed)
    }

    /// Deletes one of the user's own feeds; its address stops working at once.
    public func delete(id: CalendarFeed.ID, userID: Int64, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT name FROM calendar_feeds WHERE id = \(bind: id) AND user_id = \(bind: userID)").first() else {
                throw AppError.notFound("Calendar feed \(id)")
            }
            try await db.raw("DELETE FROM calendar_feeds WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "calendar_feed.delete", entityType: "calendar_feed", entityID: String(id),
                           summary: "Deleted calendar feed '\(try row.decode(column: "name", as: String.self))'"),
                by: actor, on: db)
        }
    }

    /// The feed behind a token, only while its owner is active and may still read the plan.
    public func feed(forToken token: String) async throws -> CalendarFeed? {
        guard token.hasPrefix(CalendarFeed.tokenPrefix), token.count < 100 else { return nil }
        let db = database.reader
        guard let row = try await db.raw("""
            SELECT f.* FROM calendar_feeds f JOIN users u ON u.id = f.user_id
            WHERE f.token_hash = \(bind: Secrets.sha256Hex(token)) AND u.is_active = \(bind: true)
            """).first() else { return nil }
        let feed = try Self.feed(row)
        let roles = Set(try await db.raw("SELECT role FROM user_roles WHERE user_id = \(bind: feed.userID)").all()
            .compactMap { Role(rawValue: try $0.decode(column: "role", as: String.self)) })
        guard roles.contains(.admin) || !roles.isDisjoint(with: [.hr, .comms, .marketing, .approver]) else { return nil }
        return feed
    }

    /// Records a fetch, at most once an hour per feed (calendar apps poll often).
    public func markUsed(_ feed: CalendarFeed, now: Date = Date()) async throws {
        if let last = feed.lastUsedAt, now.timeIntervalSince(last) < 3_600 { return }
        try await database.transaction { db in
            try await db.raw("UPDATE calendar_feeds SET last_used_at = \(bind: Millis.from(now)) WHERE id = \(bind: feed.id)").run()
        }
    }

    static func checkFilter(_ filter: CalendarFilter, on db: any SQLDatabase) async throws {
        if let team = filter.teamID, try await db.raw("SELECT id FROM teams WHERE id = \(bind: team)").first() == nil {
            throw AppError.invalid("team_id", "Team \(team) does not exist.")
        }
        if let topic = filter.topicID, try await db.raw("SELECT id FROM topics WHERE id = \(bind: topic)").first() == nil {
            throw AppError.invalid("topic_id", "Topic \(topic) does not exist.")
        }
        if let campaign = filter.campaignID, try await db.raw("SELECT id FROM campaigns WHERE id = \(bind: campaign)").first() == nil {
            throw AppError.invalid("campaign_id", "Campaign \(campaign) does not exist.")
        }
    }

    static func feed(_ row: any SQLRow) throws -> CalendarFeed {
        CalendarFeed(
            id: try row.decode(column: "id", as: Int64.self), userID: try row.decode(column: "user_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            filter: CalendarFilter(teamID: try row.decode(column: "team_id", as: Int64?.self), topicID: try row.decode(column: "topic_id", as: Int64?.self),
                                   campaignID: try row.decode(column: "campaign_id", as: Int64?.self),
                                   channel: try row.decode(column: "channel", as: String?.self).flatMap(Channel.init(rawValue:))),
            prefix: try row.decode(column: "prefix", as: String.self), createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Millis.date))
    }
}
