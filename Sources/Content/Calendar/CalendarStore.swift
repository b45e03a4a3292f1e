public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Reads the plan for a stretch of time in three queries, whatever the number of posts
/// (posts with their fallback title, then their topics, then their channels).
public struct CalendarStore: Sendable {
    let database: Database
    /// Posts that are or were going out: the calendar shows these.
    static let shownStates: [PostState] = [.scheduled, .published, .archived]
    /// One view reads at most this many posts.
    public static let maximumEntries = 20_000

    public init(database: Database) {
        self.database = database
    }

    public func plan(_ range: CalendarRange, filter: CalendarFilter) async throws -> CalendarPlan {
        let window = range.queryWindow
        let (entries, truncated) = try await entries(from: window.from, to: window.to, filter: filter, limit: Self.maximumEntries)
        // The window is wider than the days shown (for wall-clock posts); keep only those on a shown day.
        let shown = Set(range.days)
        return CalendarPlan(range: range, filter: filter, entries: entries.filter { shown.contains(range.day(of: $0.publishAt, scheduleZone: $0.scheduleZone)) },
                            truncated: truncated)
    }

    /// Posts going out in [from, to), in time order.
    public func entries(from: Date, to: Date, filter: CalendarFilter, limit: Int) async throws -> (entries: [CalendarEntry], truncated: Bool) {
        let db = database.reader
        var conditions: [SQLQueryString] = [
            "p.publish_at >= \(bind: Millis.from(from))", "p.publish_at < \(bind: Millis.from(to))",
            "p.state IN (\(binds: Self.shownStates.map(\.rawValue)))",
        ]
        if let team = filter.teamID {
            conditions.append("""
                (p.author_id IN (SELECT id FROM users WHERE team_id = \(bind: team))
                 OR p.id IN (SELECT pt.post_id FROM post_topics pt JOIN topics t ON t.id = pt.topic_id WHERE t.owner_team_id = \(bind: team)))
                """)
        }
        if let topic = filter.topicID { conditions.append("p.id IN (SELECT post_id FROM post_topics WHERE topic_id = \(bind: topic))") }
        if let campaign = filter.campaignID { conditions.append("p.campaign_id = \(bind: campaign)") }
        if let channel = filter.channel { conditions.append("p.id IN (SELECT post_id FROM post_channels WHERE channel = \(bind: channel.rawValue))") }
        let whereClause: SQLQueryString = " WHERE " + conditions.joined(separator: " AND ")

        let rows = try await db.raw("""
            SELECT p.id, p.state, p.publish_at, p.schedule_zone, p.priority, p.version, p.campaign_id, p.updated_at,
                   v.title, v.summary, c.name AS campaign_name, u.display_name AS author_name
            FROM posts p
            JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
            LEFT JOIN campaigns c ON c.id = p.campaign_id
            LEFT JOIN users u ON u.id = p.author_id
            """ + whereClause + " ORDER BY p.publish_at, p.id LIMIT \(bind: limit + 1)").all()
        let truncated = rows.count > limit
        var entries: [CalendarEntry] = []
        entries.reserveCapacity(min(rows.count, limit))
        var index: [Int64: Int] = [:]
        for row in rows.prefix(limit) {
            let id = try row.decode(column: "id", as: Int64.self)
            index[id] = entries.count
            entries.append(CalendarEntry(
                postID: id, title: try row.decode(column: "title", as: String.self), summary: try row.decode(column: "summary", as: String.self),
                state: PostState(rawValue: try row.decode(column: "state", as: String.self)) ?? .scheduled,
                publishAt: Millis.date(try row.decode(column: "publish_at", as: Int64.self)),
                scheduleZone: try row.decode(column: "schedule_zone", as: String.self),
                priority: PostPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal,
                version: Int(try row.decode(column: "version", as: Int64.self)), authorName: try row.decode(column: "author_name", as: String?.self) ?? "",
                campaignID: try row.decode(column: "campaign_id", as: Int64?.self), campaignName: try row.decode(column: "campaign_name", as: String?.self),
                topicNames: [], channels: [], updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self))))
        }
        guard !entries.isEmpty else { return ([], false) }
        // Topics and channels of the same posts: same conditions, so no list of ids to bind.
        for row in try await db.raw("""
            SELECT pt.post_id, t.name FROM post_topics pt JOIN topics t ON t.id = pt.topic_id JOIN posts p ON p.id = pt.post_id
            """ + whereClause + " ORDER BY t.name_key").all() {
            if let at = index[try row.decode(column: "post_id", as: Int64.self)] { entries[at].topicNames.append(try row.decode(column: "name", as: String.self)) }
        }
        var channels: [Int64: Set<String>] = [:]
        for row in try await db.raw("SELECT pc.post_id, pc.channel FROM post_channels pc JOIN posts p ON p.id = pc.post_id" + whereClause).all() {
            channels[try row.decode(column: "post_id", as: Int64.self), default: []].insert(try row.decode(column: "channel", as: String.self))
        }
        for (id, names) in channels {
            if let at = index[id] { entries[at].channels = Channel.allCases.filter { names.contains($0.rawValue) } }
        }
        return (entries, truncated)
    }

    /// Teams, topics and campaigns to filter by.
    public func filterChoices() async throws -> (teams: [(id: Int64, name: String)], topics: [(id: Int64, name: String)], campaigns: [(id: Int64, name: String)]) {
        let db = database.reader
        func pairs(_ sql: SQLQueryString) async throws -> [(id: Int64, name: String)] {
            try await db.raw(sql).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
        }
        return (try await pairs("SELECT id, name FROM teams ORDER BY name_key"), try await pairs("SELECT id, name FROM topics ORDER BY name_key"),
                try await pairs("SELECT id, name FROM campaigns ORDER BY starts_on DESC, name_key"))
    }
}
