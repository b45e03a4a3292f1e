public import Foundation
import SQLKit
public import TandemStore

/// Which rate posts are ranked by.
public enum RankMetric: String, Sendable, CaseIterable {
    case read, acknowledged, reached

    public var title: String {
        switch self {
        case .read: "Read rate"
        case .acknowledged: "Acknowledgement rate"
        case .reached: "Reach rate"
        }
    }
}

/// A post published in the period with its figures and what it is like, so teams can see what
/// the posts that work have in common.
public struct RankedPost: Sendable, Equatable, Codable {
    public let postId: Int64
    public let title: String
    public let publishedAt: Date?
    public let recipients: Int
    public let reached: Int
    public let read: Int
    public let acknowledged: Int
    public let requiresAcknowledgement: Bool
    /// The ranked rate, and its lower 95% bound (Wilson): a small audience's perfect score
    /// ranks below a large audience's slightly lower one.
    public let rate: Double
    public let score: Double
    public let topics: [String]
    public let words: Int
    public let channels: [String]
    public let languages: [String]
    /// Hour (0–23) and weekday ("Monday") of publishing in the post's scheduling time zone.
    public let sendHour: Int
    public let sendWeekday: String
}

/// Read rate by the local hour and weekday posts went out.
public struct SendTimeView: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        public let label: String
        public let posts: Int
        public let recipients: Int
        public let read: Int
        public var readRate: Double? { recipients > 0 ? Double(read) / Double(recipients) : nil }
    }
    public let hours: [Bucket]
    public let weekdays: [Bucket]
}

/// Wilson score interval's lower bound at 95%.
public func wilsonLowerBound(_ part: Int, _ whole: Int) -> Double {
    guard whole > 0 else { return 0 }
    let n = Double(whole), p = Double(part) / n, z = 1.959964
    let centre = p + z * z / (2 * n)
    let spread = z * ((p * (1 - p) + z * z / (4 * n)) / n).squareRoot()
    return max(0, (centre - spread) / (1 + z * z / n))
}

public struct BestPostsStore: Sendable {
    let database: Database
    let metrics: PostMetricsStore
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    public init(database: Database, metrics: PostMetricsStore) {
        self.database = database
        self.metrics = metrics
    }

    /// Posts published in the period with at least `threshold` recipients (smaller ones are
    /// left out to protect their readers), with their figures and traits.
    public func posts(in period: AnalyticsPeriod, threshold: Int) async throws -> [RankedPost] {
        let rows = try await database.reader.raw("""
            SELECT p.id, p.requires_ack, p.publish_at, p.schedule_zone, p.fallback_language,
              (SELECT v.title FROM post_variants v WHERE v.post_id = p.id AND v.language = p.fallback_language) AS title,
              (SELECT v.body FROM post_variants v WHERE v.post_id = p.id AND v.language = p.fallback_language) AS body
            FROM posts p WHERE p.state IN ('published', 'archived', 'withdrawn') AND p.publish_at >= \(bind: period.start) AND p.publish_at < \(bind: period.end)
            ORDER BY p.publish_at, p.id LIMIT 5000
            """).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        try await metrics.countRecipients(publishedFrom: period.start, to: period.end)
        var recipients: [Int64: Int] = [:], channels: [Int64: [String]] = [:], people: [Int64: [String: Int]] = [:]
        var topics: [Int64: [String]] = [:], languages: [Int64: [String]] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            for row in try await database.reader.raw("""
                SELECT post_id, channel, people FROM engagement_recipients WHERE dimension = 'all' AND post_id IN (\(binds: chunk)) ORDER BY channel
                """).all() {
                let post = try row.decode(column: "post_id", as: Int64.self), channel = try row.decode(column: "channel", as: String.self)
                if channel == "any" { recipients[post] = Int(try row.decode(column: "people", as: Int64.self)) } else { channels[post, default: []].append(channel) }
            }
            for row in try await database.reader.raw("""
                SELECT post_id, kind, CAST(SUM(people) AS BIGINT) AS people FROM engagement_rollups
                WHERE dimension = 'all' AND channel = 'any' AND kind IN ('reached', 'read', 'acknowledged') AND post_id IN (\(binds: chunk)) GROUP BY post_id, kind
                """).all() {
                people[try row.decode(column: "post_id", as: Int64.self), default: [:]][try row.decode(column: "kind", as: String.self)] = Int(try row.decode(column: "people", as: Int64.self))
            }
            for row in try await database.reader.raw("""
                SELECT pt.post_id, t.name FROM post_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.post_id IN (\(binds: chunk)) ORDER BY t.name
                """).all() {
                topics[try row.decode(column: "post_id", as: Int64.self), default: []].append(try row.decode(column: "name", as: String.self))
            }
            for row in try await database.reader.raw("SELECT post_id, language FROM post_variants WHERE post_id IN (\(binds: chunk)) ORDER BY language").all() {
                languages[try row.decode(column: "post_id", as: Int64.self), default: []].append(try row.decode(column: "language", as: String.self))
            }
        }
        var out: [RankedPost] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            let whole = recipients[id] ?? 0
            guard whole >= threshold else { continue }
            let publishAt = try row.decode(column: "publish_at", as: Int64?.self)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: try row.decode(column: "schedule_zone", as: String.self)) ?? TimeZone(identifier: "UTC")!
            let date = publishAt.map(Millis.date) ?? Date(timeIntervalSince1970: 0)
            let body = try row.decode(column: "body", as: String?.self) ?? ""
            let counts = people[id] ?? [:]
            out.append(RankedPost(
                postId: id, title: try row.decode(column: "title", as: String?.self) ?? "Post \(id)", publishedAt: publishAt.map(Millis.date), recipients: whole,
                reached: counts["reached"] ?? 0, read: counts["read"] ?? 0, acknowledged: counts["acknowledged"] ?? 0,
                requiresAcknowledgement: try row.decode(column: "requires_ack", as: Bool.self), rate: 0, score: 0, topics: topics[id] ?? [],
                words: body.split(whereSeparator: { $0.isWhitespace }).count, channels: channels[id] ?? [], languages: languages[id] ?? [],
                sendHour: calendar.component(.hour, from: date), sendWeekday: Self.weekdays[calendar.component(.weekday, from: date) - 1]))
        }
        return out
    }

    /// Posts ranked by `metric`, best first; acknowledgement ranks only posts that asked for it.
    public func ranked(in period: AnalyticsPeriod, by metric: RankMetric, threshold: Int, limit: Int = 20) async throws -> [RankedPost] {
        let all = try await posts(in: period, threshold: threshold)
        return Self.rank(all, by: metric).prefix(limit).map { $0 }
    }

    static func rank(_ posts: [RankedPost], by metric: RankMetric) -> [RankedPost] {
        posts.compactMap { post -> RankedPost? in
            if metric == .acknowledged && !post.requiresAcknowledgement { return nil }
            let part = switch metric {
            case .read: post.read
            case .acknowledged: post.acknowledged
            case .reached: post.reached
            }
            return RankedPost(postId: post.postId, title: post.title, publishedAt: post.publishedAt, recipients: post.recipients, reached: post.reached, read: post.read,
                              acknowledged: post.acknowledged, requiresAcknowledgement: post.requiresAcknowledgement,
                              rate: Double(part) / Double(post.recipients), score: wilsonLowerBound(part, post.recipients), topics: post.topics, words: post.words,
                              channels: post.channels, languages: post.languages, sendHour: post.sendHour, sendWeekday: post.sendWeekday)
        }
        .sorted { ($0.score, $1.postId) > ($1.score, $0.postId) }
    }

    /// Read rate by local send hour and weekday, over the posts `posts` returns.
    public func sendTimes(in period: AnalyticsPeriod, threshold: Int) async throws -> SendTimeView {
        Self.sendTimes(try await posts(in: period, threshold: threshold))
    }

    static func sendTimes(_ posts: [RankedPost]) -> SendTimeView {
        func bucket(_ label: String, _ group: [RankedPost]) -> SendTimeView.Bucket {
            SendTimeView.Bucket(label: label, posts: group.count, recipients: group.reduce(0) { $0 + $1.recipients }, read: group.reduce(0) { $0 + $1.read })
        }
        let hours = (0..<24).map { hour in bucket(String(format: "%02d:00", hour), posts.filter { $0.sendHour == hour }) }
        let order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let weekdays = order.map { day in bucket(day, posts.filter { $0.sendWeekday == day }) }
        return SendTimeView(hours: hours, weekdays: weekdays)
    }
}
