public import TandemCore
public import Engagement
public import Foundation
import SQLKit
public import TandemStore

/// Reads a post's dashboard from the rollups. Every query reads rollup rows for one post, so
/// the time does not grow with the number of raw events.
public struct PostMetricsStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func dashboard(post id: Int64, suppression: Suppression) async throws -> PostDashboard? {
        try await dashboard(.post(id), suppression: suppression)
    }

    struct Heading { let title: String; let publishAt: Int64?; let requiresAck: Bool }

    func heading(_ subject: DashboardSubject) async throws -> Heading? {
        switch subject {
        case .post(let id):
            guard let post = try await database.reader.raw("""
                SELECT p.id, p.requires_ack, p.publish_at,
                  (SELECT v.title FROM post_variants v WHERE v.post_id = p.id ORDER BY CASE WHEN v.language = p.fallback_language THEN 0 ELSE 1 END, v.language LIMIT 1) AS title
                FROM posts p WHERE p.id = \(bind: id)
                """).first() else { return nil }
            return Heading(title: try post.decode(column: "title", as: String?.self) ?? "Post \(id)", publishAt: try post.decode(column: "publish_at", as: Int64?.self),
                           requiresAck: try post.decode(column: "requires_ack", as: Bool.self))
        case .campaign(let id):
            guard let campaign = try await database.reader.raw("""
                SELECT c.name, (SELECT MIN(p.publish_at) FROM posts p WHERE p.campaign_id = c.id AND p.state IN ('published', 'archived', 'withdrawn')) AS first_publish,
                  (SELECT COUNT(*) FROM posts p WHERE p.campaign_id = c.id AND p.requires_ack = \(bind: true)) AS acks
                FROM campaigns c WHERE c.id = \(bind: id)
                """).first() else { return nil }
            return Heading(title: try campaign.decode(column: "name", as: String.self), publishAt: try campaign.decode(column: "first_publish", as: Int64?.self),
                           requiresAck: try campaign.decode(column: "acks", as: Int64.self) > 0)
        }
    }

    public func dashboard(_ subject: DashboardSubject, suppression: Suppression) async throws -> PostDashboard? {
        guard let heading = try await heading(subject) else { return nil }
        let id = subject.id
        let key = SQLQueryString(subject.scope.key), rollups = SQLQueryString(subject.scope.rollups)
        try await countRecipients(subject)

        var recipients: [EventChannel: Int] = [:]
        var segmentRecipients: [SegmentDimension: [String: Int]] = [:]
        for row in try await database.reader.raw("SELECT dimension, value, channel, people FROM \(unsafeRaw: subject.recipients) WHERE \(key) = \(bind: id)").all() {
            guard let dimension = SegmentDimension(rawValue: try row.decode(column: "dimension", as: String.self)),
                  let channel = EventChannel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            let people = Int(try row.decode(column: "people", as: Int64.self))
            if dimension == .all {
                recipients[channel] = people
            } else if channel == .any {
                segmentRecipients[dimension, default: [:]][try row.decode(column: "value", as: String.self)] = people
            }
        }

        var totals: [EventChannel: [EventKind: Tally]] = [:]
        for row in try await database.reader.raw("""
            SELECT channel, kind, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(people) AS BIGINT) AS people FROM \(rollups)
            WHERE \(key) = \(bind: id) AND dimension = 'all' AND value = '' GROUP BY channel, kind
            """).all() {
            guard let channel = EventChannel(rawValue: try row.decode(column: "channel", as: String.self)),
                  let kind = EventKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            totals[channel, default: [:]][kind] = Tally(people: Int(try row.decode(column: "people", as: Int64.self)), events: Int(try row.decode(column: "events", as: Int64.self)))
        }

        let staged: [EventKind] = [.reached, .read, .clicked, .acknowledged]
        var segmentPeople: [SegmentDimension: [String: [EventKind: Int]]] = [:]
        for row in try await database.reader.raw("""
            SELECT dimension, value, kind, CAST(SUM(people) AS BIGINT) AS people FROM \(rollups)
            WHERE \(key) = \(bind: id) AND channel = 'any' AND dimension <> 'all' AND kind IN (\(binds: staged.map(\.rawValue)))
            GROUP BY dimension, value, kind
            """).all() {
            guard let dimension = SegmentDimension(rawValue: try row.decode(column: "dimension", as: String.self)),
                  let kind = EventKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            segmentPeople[dimension, default: [:]][try row.decode(column: "value", as: String.self), default: [:]][kind] = Int(try row.decode(column: "people", as: Int64.self))
        }

        let publishAt = heading.publishAt
        let timeline = try await timeline(subject, from: publishAt)
        let allowed = suppression.allows(recipients[.any] ?? 0)
        var breakdowns: [SegmentDimension: [BreakdownRow]] = [:]
        for dimension in SegmentDimension.allCases where dimension != .all {
            let groups = (segmentRecipients[dimension] ?? [:]).sorted { $0.key < $1.key }
            let hidden = allowed ? suppression.hidden(groups.map(\.value)) : Set(groups.indices)
            breakdowns[dimension] = groups.enumerated().map { index, group in
                let people = segmentPeople[dimension]?[group.key] ?? [:]
                if hidden.contains(index) {
                    return BreakdownRow(value: group.key, recipients: nil, reached: nil, read: nil, clicked: nil, acknowledged: nil)
                }
                return BreakdownRow(value: group.key, recipients: group.value, reached: people[.reached] ?? 0, read: people[.read] ?? 0,
                                    clicked: people[.clicked] ?? 0, acknowledged: people[.acknowledged] ?? 0)
            }
        }
        // Channels and the whole post follow the same rule: too few recipients, no figures.
        for (channel, count) in recipients where !suppression.allows(count) || !allowed {
            totals[channel] = nil
        }
        let reached = totals[.any]?[.reached]?.people ?? 0
        var posts: [Summary] = []
        if case .campaign = subject { posts = try await recent(limit: 200, campaign: id) }
        return PostDashboard(
            subject: subject, title: heading.title, publishedAt: publishAt.map(Millis.date),
            requiresAcknowledgement: heading.requiresAck, recipients: recipients, totals: totals,
            timeline: allowed ? timeline : [], breakdowns: breakdowns, unreached: allowed ? max(0, (recipients[.any] ?? 0) - reached) : 0,
            threshold: suppression.threshold, posts: posts)
    }

    /// Hour by hour for the first 72 hours after publishing (or after the first event), then day by day.
    func timeline(_ subject: DashboardSubject, from publishAt: Int64?) async throws -> [TimelinePoint] {
        var hours: [Int64: (reached: Int, read: Int)] = [:]
        for row in try await database.reader.raw("""
            SELECT hour, kind, people FROM \(unsafeRaw: subject.scope.hourly) WHERE \(unsafeRaw: subject.scope.key) = \(bind: subject.id) AND channel = 'any' AND kind IN ('reached', 'read')
            """).all() {
            let hour = try row.decode(column: "hour", as: Int64.self)
            let people = Int(try row.decode(column: "people", as: Int64.self))
            if try row.decode(column: "kind", as: String.self) == "reached" { hours[hour, default: (0, 0)].reached += people } else { hours[hour, default: (0, 0)].read += people }
        }
        guard let firstEvent = hours.keys.min(), let lastEvent = hours.keys.max() else { return [] }
        let start = min(publishAt.map { $0 / 3_600_000 } ?? firstEvent, firstEvent)
        var points: [TimelinePoint] = []
        let hourlyEnd = min(lastEvent, start + 71)
        for hour in start...max(start, hourlyEnd) {
            let value = hours[hour] ?? (0, 0)
            points.append(TimelinePoint(label: "h\(hour - start)", start: Date(timeIntervalSince1970: Double(hour * 3_600)), reached: value.reached, read: value.read))
        }
        if lastEvent > start + 71 {
            var days: [Int64: (reached: Int, read: Int)] = [:]
            for (hour, value) in hours where hour > start + 71 {
                let day = hour / 24
                days[day, default: (0, 0)].reached += value.reached
                days[day, default: (0, 0)].read += value.read
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            for day in days.keys.sorted() {
                let date = Date(timeIntervalSince1970: Double(day * 86_400))
                points.append(TimelinePoint(label: formatter.string(from: date), start: date, reached: days[day]!.reached, read: days[day]!.read))
            }
        }
        return points
    }

    /// Counts the post's recipients per channel and breakdown value, again only when its number
    /// of deliveries changed since the last count.
    public func countRecipients(post id: Int64) async throws {
        try await countRecipients(.post(id))
    }

    /// Brings the recipient counts of every post published in [from, to) up to date with two
    /// queries, counting again only the posts whose deliveries changed (post_sends keeps their
    /// number): views over a period call this instead of one check per post.
    public func countRecipients(publishedFrom from: Int64, to: Int64) async throws {
        let window: SQLQueryString = "p.state IN ('published', 'archived', 'withdrawn') AND p.publish_at >= \(bind: from) AND p.publish_at < \(bind: to)"
        var current: [Int64: Int64] = [:]
        for row in try await database.reader.raw("""
            SELECT s.post_id, s.deliveries AS n FROM post_sends s JOIN posts p ON p.id = s.post_id WHERE \(window)
            """).all() {
            current[try row.decode(column: "post_id", as: Int64.self)] = try row.decode(column: "n", as: Int64.self)
        }
        var counted: [Int64: Int64] = [:]
        for row in try await database.reader.raw("""
            SELECT t.post_id, t.deliveries FROM engagement_recipient_totals t JOIN posts p ON p.id = t.post_id WHERE \(window)
            """).all() {
            counted[try row.decode(column: "post_id", as: Int64.self)] = try row.decode(column: "deliveries", as: Int64.self)
        }
        for (post, n) in current.sorted(by: { $0.key < $1.key }) where counted[post] != n {
            try await countRecipients(.post(post))
        }
    }

    /// Counts a post's or campaign's recipients (each person once) per channel and breakdown
    /// value, again only when the number of deliveries changed since the last count.
    public func countRecipients(_ subject: DashboardSubject) async throws {
        let id = subject.id
        let key = SQLQueryString(subject.scope.key), table = SQLQueryString(subject.recipients), totals = SQLQueryString(subject.recipientTotals)
        let deliveriesOf: SQLQueryString = switch subject {
        case .post: "d.post_id = \(bind: id)"
        case .campaign: "d.post_id IN (SELECT p.id FROM posts p WHERE p.campaign_id = \(bind: id))"
        }
        // Fan-out keeps each post's number of deliveries in post_sends, in the transaction that
        // adds them (deliveries are never deleted), so the change check reads a row per post
        // instead of counting deliveries: that count cost 150 ms for a 3,000,000-delivery campaign.
        let sends: SQLQueryString = switch subject {
        case .post: "SELECT CAST(COALESCE(SUM(s.deliveries), 0) AS BIGINT) AS n FROM post_sends s WHERE s.post_id = \(bind: id)"
        case .campaign: "SELECT CAST(COALESCE(SUM(s.deliveries), 0) AS BIGINT) AS n FROM post_sends s JOIN posts p ON p.id = s.post_id WHERE p.campaign_id = \(bind: id)"
        }
        let deliveries = try await database.reader.raw(sends).first()?.decode(column: "n", as: Int64.self) ?? 0
        let counted = try await database.reader.raw("SELECT deliveries FROM \(totals) WHERE \(key) = \(bind: id)").first()?
            .decode(column: "deliveries", as: Int64.self)
        guard counted != deliveries else { return }
        var counts: [RecipientKey: Int64] = [:]
        let segmentColumns: SQLQueryString = "e.country, COALESCE(e.department, '') AS department, COALESCE(e.site, '') AS site, e.worker_type, e.language"
        let grouping: SQLQueryString = "e.country, COALESCE(e.department, ''), COALESCE(e.site, ''), e.worker_type, e.language"
        let perChannel = try await database.reader.raw("""
            SELECT x.channel, \(segmentColumns), COUNT(*) AS n FROM (SELECT DISTINCT d.channel, d.employee_id FROM deliveries d WHERE \(deliveriesOf)) x
            JOIN employees e ON e.id = x.employee_id GROUP BY x.channel, \(grouping)
            """).all()
        let anyChannel = try await database.reader.raw("""
            SELECT 'any' AS channel, \(segmentColumns), COUNT(*) AS n FROM employees e
            WHERE e.id IN (SELECT d.employee_id FROM deliveries d WHERE \(deliveriesOf)) GROUP BY \(grouping)
            """).all()
        for row in perChannel + anyChannel {
            let segment = Segment(country: try row.decode(column: "country", as: String.self), department: try row.decode(column: "department", as: String.self),
                                  site: try row.decode(column: "site", as: String.self), workerType: try row.decode(column: "worker_type", as: String.self),
                                  language: try row.decode(column: "language", as: String.self))
            let channel = try row.decode(column: "channel", as: String.self)
            let n = try row.decode(column: "n", as: Int64.self)
            for dimension in SegmentDimension.allCases {
                counts[RecipientKey(dimension: dimension.rawValue, value: segment.value(dimension), channel: channel), default: 0] += n
            }
        }
        let now = Millis.from(Date())
        let rows = counts.sorted { ($0.key.dimension, $0.key.value, $0.key.channel) < ($1.key.dimension, $1.key.value, $1.key.channel) }
        try await database.transaction { db in
            try await db.raw("DELETE FROM \(table) WHERE \(key) = \(bind: id)").run()
            for start in stride(from: 0, to: rows.count, by: 500) {
                let values = rows[start..<min(rows.count, start + 500)].map { key, n -> SQLQueryString in
                    "(\(bind: id), \(bind: key.dimension), \(bind: key.value), \(bind: key.channel), \(bind: n))"
                }
                try await db.raw("INSERT INTO \(table) (\(key), dimension, value, channel, people) VALUES \(values.joined(separator: ", "))").run()
            }
            try await db.raw("""
                INSERT INTO \(totals) (\(key), deliveries, counted_at) VALUES (\(bind: id), \(bind: deliveries), \(bind: now))
                ON CONFLICT (\(key)) DO UPDATE SET deliveries = excluded.deliveries, counted_at = excluded.counted_at
                """).run()
        }
    }

    struct RecipientKey: Hashable { let dimension: String; let value: String; let channel: String }

    public struct UnreachedPerson: Sendable, Equatable, Codable {
        public let employeeId: String
        public let name: String
        public let site: String?
        public let channels: String
    }

    /// Recipients whom no channel reached, for HR to follow up another way.
    public func unreached(post id: Int64, limit: Int?) async throws -> [UnreachedPerson] {
        try await unreached(.post(id), limit: limit)
    }

    public func unreached(_ subject: DashboardSubject, limit: Int?) async throws -> [UnreachedPerson] {
        let id = subject.id
        let deliveriesOf: SQLQueryString = switch subject {
        case .post: "d.post_id = \(bind: id)"
        case .campaign: "d.post_id IN (SELECT p.id FROM posts p WHERE p.campaign_id = \(bind: id))"
        }
        var sql: SQLQueryString = """
            SELECT e.employee_id, COALESCE(e.preferred_name, e.given_name) AS given, e.family_name, e.site,
              \(unsafeRaw: database.dialect.stringAgg)(d.channel, ', ') AS channels
            FROM (SELECT DISTINCT d.employee_id, d.channel FROM deliveries d WHERE \(deliveriesOf)) d JOIN employees e ON e.id = d.employee_id
            WHERE NOT EXISTS (
              SELECT 1 FROM \(unsafeRaw: subject.scope.people) f WHERE f.\(unsafeRaw: subject.scope.key) = \(bind: id) AND f.employee_id = d.employee_id AND (f.lo & 1) = 1)
            GROUP BY e.id, e.employee_id, e.preferred_name, e.given_name, e.family_name, e.site ORDER BY e.family_name, e.given_name, e.employee_id
            """
        if let limit { sql = sql + " LIMIT \(bind: limit)" }
        return try await database.reader.raw(sql).all().map { row in
            UnreachedPerson(employeeId: try row.decode(column: "employee_id", as: String.self),
                            name: "\(try row.decode(column: "given", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                            site: try row.decode(column: "site", as: String?.self), channels: try row.decode(column: "channels", as: String?.self) ?? "")
        }
    }
}

extension PostMetricsStore {
    public struct Summary: Sendable, Equatable, Codable {
        public let postId: Int64
        public let title: String
        public let state: String
        public let publishedAt: Date?
        public let recipients: Int
        public let reached: Int
        public let read: Int
        public let acknowledged: Int
    }

    /// Published (and since archived or withdrawn) posts, newest first, with their headline figures.
    /// With `campaign`, only that campaign's posts.
    public func recent(limit: Int = 50, campaign: Int64? = nil) async throws -> [Summary] {
        let inCampaign: SQLQueryString = campaign.map { " AND p.campaign_id = \(bind: $0)" } ?? ""
        let rows = try await database.reader.raw("""
            SELECT p.id, p.state, p.publish_at,
              (SELECT v.title FROM post_variants v WHERE v.post_id = p.id ORDER BY CASE WHEN v.language = p.fallback_language THEN 0 ELSE 1 END, v.language LIMIT 1) AS title
            FROM posts p WHERE p.state IN ('published', 'archived', 'withdrawn')\(inCampaign) ORDER BY p.publish_at DESC, p.id DESC LIMIT \(bind: limit)
            """).all()
        var out: [Summary] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            try await countRecipients(post: id)
            var people: [String: Int] = [:]
            for tally in try await database.reader.raw("""
                SELECT kind, CAST(SUM(people) AS BIGINT) AS people FROM engagement_rollups
                WHERE post_id = \(bind: id) AND dimension = 'all' AND value = '' AND channel = 'any' AND kind IN ('reached', 'read', 'acknowledged') GROUP BY kind
                """).all() {
                people[try tally.decode(column: "kind", as: String.self)] = Int(try tally.decode(column: "people", as: Int64.self))
            }
            let recipients = try await database.reader.raw("""
                SELECT people FROM engagement_recipients WHERE post_id = \(bind: id) AND dimension = 'all' AND value = '' AND channel = 'any'
                """).first()?.decode(column: "people", as: Int64.self) ?? 0
            out.append(Summary(postId: id, title: try row.decode(column: "title", as: String?.self) ?? "Post \(id)", state: try row.decode(column: "state", as: String.self),
                               publishedAt: try row.decode(column: "publish_at", as: Int64?.self).map(Millis.date), recipients: Int(recipients),
                               reached: people["reached"] ?? 0, read: people["read"] ?? 0, acknowledged: people["acknowledged"] ?? 0))
        }
        return out
    }
}

extension PostMetricsStore {
    public struct CampaignSummary: Sendable, Equatable, Codable {
        public let campaignId: Int64
        public let name: String
        public let startsOn: String
        public let endsOn: String
        public let posts: Int
        public let recipients: Int
        public let reached: Int
        public let read: Int
        public let acknowledged: Int
    }

    /// Campaigns with at least one published post, latest start first; people counted once per campaign.
    public func campaigns(limit: Int = 50) async throws -> [CampaignSummary] {
        let rows = try await database.reader.raw("""
            SELECT c.id, c.name, c.starts_on, c.ends_on, COUNT(p.id) AS posts FROM campaigns c
            JOIN posts p ON p.campaign_id = c.id AND p.state IN ('published', 'archived', 'withdrawn')
            GROUP BY c.id, c.name, c.starts_on, c.ends_on ORDER BY c.starts_on DESC, c.id DESC LIMIT \(bind: limit)
            """).all()
        var out: [CampaignSummary] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            try await countRecipients(.campaign(id))
            var people: [String: Int] = [:]
            for tally in try await database.reader.raw("""
                SELECT kind, CAST(SUM(people) AS BIGINT) AS people FROM campaign_rollups
                WHERE campaign_id = \(bind: id) AND dimension = 'all' AND value = '' AND channel = 'any' AND kind IN ('reached', 'read', 'acknowledged') GROUP BY kind
                """).all() {
                people[try tally.decode(column: "kind", as: String.self)] = Int(try tally.decode(column: "people", as: Int64.self))
            }
            let recipients = try await database.reader.raw("""
                SELECT people FROM campaign_recipients WHERE campaign_id = \(bind: id) AND dimension = 'all' AND value = '' AND channel = 'any'
                """).first()?.decode(column: "people", as: Int64.self) ?? 0
            out.append(CampaignSummary(campaignId: id, name: try row.decode(column: "name", as: String.self), startsOn: try row.decode(column: "starts_on", as: String.self),
                                       endsOn: try row.decode(column: "ends_on", as: String.self), posts: Int(try row.decode(column: "posts", as: Int64.self)),
                                       recipients: Int(recipients), reached: people["reached"] ?? 0, read: people["read"] ?? 0, acknowledged: people["acknowledged"] ?? 0))
        }
        return out
    }
}
