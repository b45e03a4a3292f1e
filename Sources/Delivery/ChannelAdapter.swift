public import Content
public import Foundation

/// One message to send: a delivery row as a worker claimed it.
public struct OutboundMessage: Sendable, Equatable {
    public let deliveryID: Int64
    public let postID: Int64
    public let employeeID: Int64
    public let channel: Channel
    /// 1 on the first try.
    public let attempt: Int
    /// When this claim's lease ends (milliseconds): with the owner, it names the claim.
    public let leaseUntil: Int64
    /// 0 for the message itself, n for its n-th reminder (a critical post not yet acknowledged).
    public var round: Int = 0
}

/// How a send ended when it did not succeed.
public enum SendFailure: Error, Sendable, Equatable {
    /// Try again later (a 4xx from SMTP, a timeout, a 5xx from a gateway); `after` when the other
    /// side said when (Retry-After).
    case retry(reason: String, after: TimeInterval?)
    /// Never going to work (a 5xx from SMTP for this address, an invalid number).
    case permanent(reason: String)
    /// Not to be sent after all (the person unsubscribed after the audience was frozen).
    case skipped(reason: String)
    /// Not now, by the person's wish: due again at `until` (quiet hours), or collected into
    /// their digest sent then. Not counted as an attempt.
    case held(until: Date, reason: String, digest: Bool)
}

/// Sends messages on one channel. Each adapter is called at most once per claim of a delivery;
/// the worker records the outcome in the same row.
public protocol ChannelAdapter: Sendable {
    var channel: Channel { get }
    /// True when sending has no effect outside Tandem (the feed): a batch is then recorded in
    /// one statement, since repeating it after a crash changes nothing.
    var isLocal: Bool { get }
    /// Messages in flight at once (an SMTP pool's connections).
    var concurrency: Int { get }
    /// False while the channel must not be claimed: not set up, paused by an admin or after
    /// repeated errors, or holding off after a 429. Its rows then wait, untouched.
    func isReady() async -> Bool
    /// Sends; returns the other side's id for the message (a gateway's message id, an SMTP
    /// queue reply), kept with the delivery.
    func send(_ message: OutboundMessage) async throws -> String?
}

extension ChannelAdapter {
    public var isLocal: Bool { false }
    public var concurrency: Int { 1 }
    public func isReady() async -> Bool { true }
}

/// The in-app feed: a sent feed delivery is what puts the post in the person's feed, so there
/// is nothing to send anywhere else.
public struct FeedAdapter: ChannelAdapter {
    public init() {}
    public var channel: Channel { .feed }
    public var isLocal: Bool { true }
    public func send(_ message: OutboundMessage) async throws -> String? { nil }
}
