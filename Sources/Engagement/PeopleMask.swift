/// One bit per (kind, channel) a person has done with a post, kept in two 64-bit columns
/// (13 kinds × 6 channels = 78 bits). `reached` on `any` is bit 0, so "not reached" is a
/// plain test of `lo`.
struct PeopleMask: Equatable, Sendable {
    var lo: Int64 = 0
    var hi: Int64 = 0

    static let kinds: [EventKind] = [.reached, .delivered, .opened, .viewed, .glanced, .skimmed, .read, .clicked, .reacted, .commented, .acknowledged, .shared, .unsubscribed]
    static let channels: [EventChannel] = [.any, .feed, .email, .chat, .sms, .social]
    static let kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
    static let channelIndex = Dictionary(uniqueKeysWithValues: channels.enumerated().map { ($1, $0) })

    static func bit(_ kind: EventKind, _ channel: EventChannel) -> Int {
        kindIndex[kind]! * channels.count + channelIndex[channel]!
    }

    func contains(_ bit: Int) -> Bool {
        bit < 64 ? (lo >> Int64(bit)) & 1 == 1 : (hi >> Int64(bit - 64)) & 1 == 1
    }

    mutating func insert(_ bit: Int) {
        if bit < 64 { lo |= Int64(1) << Int64(bit) } else { hi |= Int64(1) << Int64(bit - 64) }
    }

    /// The bits an event sets: its kind on its channel and on `any`, and `reached` likewise
    /// when the event shows the post was seen.
    static func bits(for event: EngagementEvent) -> [(kind: EventKind, channel: EventChannel, bit: Int)] {
        var kinds = [event.kind]
        if event.kind.reaches(on: event.channel) { kinds.append(.reached) }
        return kinds.flatMap { kind in [event.channel, .any].map { (kind, $0, bit(kind, $0)) } }
    }
}

/// Where a kind's bit on `any` channel sits in `engagement_people` / `campaign_people`, for
/// readers that test it in SQL.
public enum PeopleBits {
    /// The column ("lo" or "hi") and the mask to test with `&`.
    public static func anyChannel(_ kind: EventKind) -> (column: String, mask: Int64) {
        let bit = PeopleMask.bit(kind, .any)
        return bit < 64 ? ("lo", Int64(1) << Int64(bit)) : ("hi", Int64(1) << Int64(bit - 64))
    }
}
