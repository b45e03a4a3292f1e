/// Where one delivery stands. `sending` rows carry a lease; when it runs out (a crashed worker)
/// they are claimed again.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    case pending, sending, sent, failed, dead, cancelled
    /// An optional email collected for the person's next digest (due then).
    case digest

    public var title: String {
        switch self {
        case .pending: "Pending"
        case .sending: "Sending"
        case .sent: "Sent"
        case .failed: "Failed (will retry)"
        case .dead: "Dead"
        case .cancelled: "Cancelled"
        case .digest: "In a digest"
        }
    }
}

/// Where the walk through a post's audience stands.
public enum SendState: String, Sendable, Codable {
    /// Walking the audience; `cursor_id` says how far.
    case resolving
    case resolved
    /// The post was withdrawn or unpublished during the walk.
    case stopped
    /// Published before delivery existed; never sent.
    case skipped
}
