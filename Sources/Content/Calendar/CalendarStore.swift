public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Reads the plan for a stretch of time in one query, whatever the number of posts.
public struct CalendarStore: Sendable {
    let database: Database
    /// Posts that are or were going out: the calendar shows these.
    static let shownStates: [PostState] = [.scheduled, .published, .archived]
    /// One view reads at most this many posts.
    public static let maximumEntries = 20_000
    /// Between topic names in the aggregated column (names are single lines, so never hold it).
    static let separator = "\u{1F}"

    public init(database: Database) {
        self.database = database
    }

    public func plan(_ range: CalendarRange, filter: CalendarFilter) async throws -> CalendarPlan {
        let window = range.queryWindow
        let (entries, truncated) = try await entries(from: window.from, to: window.to, filter: filter, limit: Self.maximumEntries)
        // The window is wider than the days shown (for wall-clock posts); the plan keeps those on a shown day.
        return CalendarPlan(range: range, filter: filter, entries: entries, truncated: truncated)
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

        // One row per post, read by position (BulkReader): a month can hold thousands of
        // posts. Topics and channels come aggregated (a unit separator between names), which
        // costs two index probes per post instead of two more result sets to stream.
        let agg = database.dialect.stringAgg
        let rows = try await BulkReader.rows("""
            SELECT p.id, p.state, p.publish_at, p.schedule_zone, p.priority, p.version, p.campaign_id, p.updated_at,
                   v.title, v.summary, c.name, u.display_name,
                   (SELECT \(unsafeRaw: agg)(t.name, \(bind: Self.separator)) FROM post_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.post_id = p.id),
                   (SELECT \(unsafeRaw: agg)(pc.channel, ',') FROM post_channels pc WHERE pc.post_id = p.id)
            FROM posts p
            JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
            LEFT JOIN campaigns c ON c.id = p.campaign_id
            LEFT JOIN users u ON u.id = p.author_id
            """ + whereClause + " ORDER BY p.publish_at, p.id LIMIT \(bind: limit + 1)",
            kinds: [.integer, .text, .integer, .text, .text, .integer, .integer, .integer, .text, .text, .text, .text, .text, .text], on: db)
        let truncated = rows.count > limit
        var entries: [CalendarEntry] = []
        entries.reserveCapacity(min(rows.count, limit))
        for v in rows.prefix(limit) {
            let topics = (v[12].string ?? "").split(separator: Character(Self.separator)).map(String.init).sorted { $0.lowercased() < $1.lowercased() }
            let channelNames = (v[13].string ?? "").split(separator: ",")
            entries.append(CalendarEntry(
                postID: v[0].int64 ?? 0, title: v[8].string ?? "", summary: v[9].string ?? "", state: PostState(rawValue: v[1].string ?? "") ?? .scheduled,
                publishAt: Millis.date(v[2].int64 ?? 0), scheduleZone: v[3].string ?? "UTC", priority: PostPriority(rawValue: v[4].string ?? "") ?? .normal,
                version: Int(v[5].int64 ?? 1), authorName: v[11].string ?? "", campaignID: v[6].int64, campaignName: v[10].string,
                topicNames: topics, channels: Channel.allCases.filter { channelNames.contains(Substring($0.rawValue)) },
                updatedAt: Millis.date(v[7].int64 ?? 0)))
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
