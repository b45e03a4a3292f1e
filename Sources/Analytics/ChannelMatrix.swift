public import TandemCore
public import Engagement
public import Foundation
import SQLKit
public import TandemStore

/// For one breakdown (country, site, …) and each channel: how many deliveries reached their
/// person and were read, over the posts published in a period. Counts are person-posts (one
/// person who received three posts counts three times), so rates compare fairly across
/// channels that carried different posts.
public struct ChannelMatrix: Sendable {
    public struct Cell: Sendable, Equatable {
        /// Person-posts delivered on the channel; nil when suppressed.
        public let recipients: Int?
        public let reached: Int?
        public let read: Int?
        public var suppressed: Bool { recipients == nil }
        public var reachRate: Double? { rate(reached) }
        public var readRate: Double? { rate(read) }
        func rate(_ part: Int?) -> Double? {
            guard let recipients, recipients > 0, let part else { return nil }
            return Double(part) / Double(recipients)
        }
    }
    public let dimension: SegmentDimension
    public let period: AnalyticsPeriod
    public let posts: Int
    public let values: [String]
    public let channels: [EventChannel]
    public let cells: [String: [EventChannel: Cell]]
    public let threshold: Int

    public static let channelOrder: [EventChannel] = [.feed, .email, .chat, .sms, .social, .any]
}

/// Reads the matrix from the per-post recipient counts and rollups.
public struct ChannelMatrixStore: Sendable {
    let database: Database
    let metrics: PostMetricsStore

    public init(database: Database, metrics: PostMetricsStore) {
        self.database = database
        self.metrics = metrics
    }

    /// Posts published (and since archived or withdrawn) in the period, oldest first.
    func posts(in period: AnalyticsPeriod) async throws -> [Int64] {
        try await database.reader.raw("""
            SELECT id FROM posts WHERE state IN ('published', 'archived', 'withdrawn') AND publish_at >= \(bind: period.start) AND publish_at < \(bind: period.end) ORDER BY publish_at, id
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    public func matrix(_ dimension: SegmentDimension, period: AnalyticsPeriod, suppression: Suppression) async throws -> ChannelMatrix {
        let posts = try await posts(in: period)
        try await metrics.countRecipients(publishedFrom: period.start, to: period.end)
        struct Key: Hashable { let value: String; let channel: EventChannel }
        var delivered: [Key: (sum: Int, largest: Int)] = [:]
        var people: [Key: [EventKind: Int]] = [:]
        let inPeriod: SQLQueryString = """
            SELECT id FROM posts WHERE state IN ('published', 'archived', 'withdrawn') AND publish_at >= \(bind: period.start) AND publish_at < \(bind: period.end)
            """
        for row in try await database.reader.raw("""
            SELECT value, channel, CAST(SUM(people) AS BIGINT) AS people, MAX(people) AS largest FROM engagement_recipients
            WHERE dimension = \(bind: dimension.rawValue) AND post_id IN (\(inPeriod)) GROUP BY value, channel
            """).all() {
            guard let channel = EventChannel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            delivered[Key(value: try row.decode(column: "value", as: String.self), channel: channel)] =
                (Int(try row.decode(column: "people", as: Int64.self)), Int(try row.decode(column: "largest", as: Int64.self)))
        }
        for row in try await database.reader.raw("""
            SELECT value, channel, kind, CAST(SUM(people) AS BIGINT) AS people FROM engagement_rollups
            WHERE dimension = \(bind: dimension.rawValue) AND kind IN ('reached', 'read') AND post_id IN (\(inPeriod)) GROUP BY value, channel, kind
            """).all() {
            guard let channel = EventChannel(rawValue: try row.decode(column: "channel", as: String.self)),
                  let kind = EventKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            people[Key(value: try row.decode(column: "value", as: String.self), channel: channel), default: [:]][kind] = Int(try row.decode(column: "people", as: Int64.self))
        }
        let values = Set(delivered.keys.map(\.value)).sorted()
        let channels = ChannelMatrix.channelOrder.filter { channel in delivered.keys.contains { $0.channel == channel } }
        var cells: [String: [EventChannel: ChannelMatrix.Cell]] = [:]
        for channel in channels {
            // The groups are disjoint sets of people, and each holds at least its largest single
            // post's audience, so that is the population the small-group rule works on.
            let populations = values.map { delivered[Key(value: $0, channel: channel)]?.largest ?? 0 }
            let hidden = suppression.hidden(populations)
            for (index, value) in values.enumerated() {
                let key = Key(value: value, channel: channel)
                guard let counts = delivered[key] else { continue }
                if hidden.contains(index) {
                    cells[value, default: [:]][channel] = ChannelMatrix.Cell(recipients: nil, reached: nil, read: nil)
                } else {
                    cells[value, default: [:]][channel] = ChannelMatrix.Cell(recipients: counts.sum, reached: people[key]?[.reached] ?? 0, read: people[key]?[.read] ?? 0)
                }
            }
        }
        return ChannelMatrix(dimension: dimension, period: period, posts: posts.count, values: values, channels: channels, cells: cells, threshold: suppression.threshold)
    }
}
