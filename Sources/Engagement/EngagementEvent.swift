public import Foundation

/// What a person did with a post. Stored as text in `engagement_events.kind`.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case delivered, opened, viewed, glanced, skimmed, read, clicked, reacted, commented, acknowledged, shared, unsubscribed
    /// Derived, never sent: the person saw the post on some channel (see `reaches`).
    case reached

    /// Events that show the person saw the post. A delivered SMS or chat message carries the
    /// post's text itself, so its delivery counts; a delivered email or feed row does not (the
    /// email may sit unopened, the feed unscrolled).
    public func reaches(on channel: EventChannel) -> Bool {
        switch self {
        case .delivered: channel == .sms || channel == .chat
        case .opened, .viewed, .glanced, .skimmed, .read, .clicked, .reacted, .commented, .acknowledged, .shared: true
        case .unsubscribed, .reached: false
        }
    }

    /// Dwell time on the feed page sorts a view into glanced (< 3 s), skimmed (3–8 s) or read (> 8 s).
    public static func dwell(milliseconds: Int64) -> EventKind {
        milliseconds < 3_000 ? .glanced : milliseconds <= 8_000 ? .skimmed : .read
    }

    /// The definition shown beside each figure on the dashboards.
    public var definition: String {
        switch self {
        case .delivered: "Handed to the channel: in the feed, accepted by the mail server, the SMS gateway or the chat webhook."
        case .opened: "Email opened, from a tracking image. Unreliable: image blocking and mail privacy proxies distort it."
        case .viewed: "The post was on screen in the feed."
        case .glanced: "On screen in the feed for less than 3 seconds."
        case .skimmed: "On screen in the feed for 3 to 8 seconds."
        case .read: "On screen in the feed for more than 8 seconds, measured by the feed page."
        case .clicked: "Followed a tracked link in the post."
        case .reacted: "Reacted to the post in the feed."
        case .commented: "Commented on the post."
        case .acknowledged: "Confirmed \u{201C}I have read and understood\u{201D}."
        case .shared: "Shared the post from the feed."
        case .unsubscribed: "Unsubscribed from optional email through this post."
        case .reached: "Saw the post on at least one channel: viewed or read in the feed, opened or clicked an email, received an SMS or chat message, or interacted with it."
        }
    }
}

/// Where an event happened. `any` is the rollup across channels (unique people across them).
public enum EventChannel: String, Sendable, Codable, CaseIterable {
    case feed, email, chat, sms, social, any
}

/// One thing that happened, before it is stored. `dedupe` makes ingestion idempotent: an event
/// whose key was seen before is dropped, so a retried beacon counts once.
public struct EngagementEvent: Sendable, Equatable {
    public let postID: Int64
    public let employeeID: Int64
    public let channel: EventChannel
    public let kind: EventKind
    /// Milliseconds since 1970.
    public let occurredAt: Int64
    public let dwellMilliseconds: Int64?
    public let dedupe: String

    public init(postID: Int64, employeeID: Int64, channel: EventChannel, kind: EventKind, occurredAt: Int64, dwellMilliseconds: Int64? = nil, dedupe: String) {
        precondition(channel != .any && kind != .reached, "derived values are never recorded as events")
        self.postID = postID
        self.employeeID = employeeID
        self.channel = channel
        self.kind = kind
        self.occurredAt = occurredAt
        self.dwellMilliseconds = dwellMilliseconds
        self.dedupe = dedupe
    }
}

/// The attributes events are broken down by. Taken from the employee when the event is stored,
/// so a later move to another department does not rewrite history.
public enum SegmentDimension: String, Sendable, Codable, CaseIterable {
    case all, country, department, site, workerType = "worker_type", language

    public var title: String {
        switch self {
        case .all: "Everyone"
        case .country: "Country"
        case .department: "Department"
        case .site: "Site"
        case .workerType: "Worker type"
        case .language: "Language"
        }
    }
}

/// A person's breakdown attributes; missing ones are empty strings.
public struct Segment: Sendable, Hashable {
    public var country: String
    public var department: String
    public var site: String
    public var workerType: String
    public var language: String

    public init(country: String, department: String, site: String, workerType: String, language: String) {
        self.country = country
        self.department = department
        self.site = site
        self.workerType = workerType
        self.language = language
    }

    public func value(_ dimension: SegmentDimension) -> String {
        switch dimension {
        case .all: ""
        case .country: country
        case .department: department
        case .site: site
        case .workerType: workerType
        case .language: language
        }
    }
}

extension Int64 {
    static let millisPerHour: Int64 = 3_600_000
    static let millisPerDay: Int64 = 86_400_000
}
