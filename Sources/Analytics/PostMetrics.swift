public import Engagement
public import Foundation

/// A person count and an event count for one kind of event.
public struct Tally: Sendable, Equatable, Codable {
    public var people: Int
    public var events: Int
    public init(people: Int = 0, events: Int = 0) {
        self.people = people
        self.events = events
    }
}

/// What a dashboard is about: one post, or a campaign with its people counted once across its posts.
public enum DashboardSubject: Sendable, Hashable {
    case post(Int64), campaign(Int64)

    public var id: Int64 {
        switch self {
        case .post(let id), .campaign(let id): id
        }
    }
    public var scope: RollupScope {
        switch self {
        case .post: .post
        case .campaign: .campaign
        }
    }
    /// The dashboard page; exports hang below it.
    public var path: String {
        switch self {
        case .post(let id): "/analytics/posts/\(id)"
        case .campaign(let id): "/analytics/campaigns/\(id)"
        }
    }
    public var noun: String {
        switch self {
        case .post: "post"
        case .campaign: "campaign"
        }
    }
    /// Table names: constants.
    var recipients: String { scope == .post ? "engagement_recipients" : "campaign_recipients" }
    var recipientTotals: String { scope == .post ? "engagement_recipient_totals" : "campaign_recipient_totals" }
}

/// Everything a post's or campaign's dashboard shows, already suppressed where groups are small.
public struct PostDashboard: Sendable {
    public let subject: DashboardSubject
    public var postID: Int64 { subject.id }
    public let title: String
    public let publishedAt: Date?
    public let requiresAcknowledgement: Bool
    /// People the post was addressed to, per channel and `any`.
    public let recipients: [EventChannel: Int]
    /// People and events per channel (and `any`) and kind.
    public let totals: [EventChannel: [EventKind: Tally]]
    /// People reached and people who read, per hour for the first 72 hours after publishing,
    /// then per day.
    public let timeline: [TimelinePoint]
    public let breakdowns: [SegmentDimension: [BreakdownRow]]
    /// Recipients no channel reached.
    public let unreached: Int
    public let threshold: Int
    /// A campaign's posts with their own figures (empty for a post).
    public var posts: [PostMetricsStore.Summary] = []

    public func people(_ kind: EventKind, on channel: EventChannel = .any) -> Int { totals[channel]?[kind]?.people ?? 0 }

    /// `part` over the post's recipients on `channel`, nil when there are none.
    public func rate(_ kind: EventKind, on channel: EventChannel = .any) -> Double? {
        let whole = recipients[channel] ?? 0
        return whole == 0 ? nil : Double(people(kind, on: channel)) / Double(whole)
    }
}

public struct TimelinePoint: Sendable, Equatable {
    /// "h5" for the sixth hour after publishing, or the date "2026-12-09" after the third day.
    public let label: String
    public let start: Date
    public let reached: Int
    public let read: Int
}

/// One breakdown value: its recipients and the people who reached each stage. Counts are nil
/// when the group is suppressed.
public struct BreakdownRow: Sendable, Equatable {
    public let value: String
    public let recipients: Int?
    public let reached: Int?
    public let read: Int?
    public let clicked: Int?
    public let acknowledged: Int?
    public var suppressed: Bool { recipients == nil }
}

/// Kinds shown on dashboards, in funnel order.
public enum DashboardKinds {
    public static let shown: [EventKind] = [.delivered, .reached, .opened, .viewed, .glanced, .skimmed, .read, .clicked, .reacted, .commented, .acknowledged, .shared, .unsubscribed]
}
