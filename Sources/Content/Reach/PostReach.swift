public import Audiences
public import Foundation

/// Who a post can reach on each channel, from its audiences' contact counts. Counts are hidden
/// for staff who do not see personal data when they describe fewer people than the threshold,
/// either directly or as the rest of the total (so subtracting cannot reveal them).
public struct PostReach: Sendable, Encodable, Equatable {
    public struct Line: Sendable, Encodable, Equatable {
        public let channel: Channel
        /// Whether the post goes out on this channel.
        public let selected: Bool
        /// nil when suppressed or not counted per person (chat, social).
        public let count: Int?
        public let display: String
        public let note: String
    }

    public struct Figure: Sendable, Encodable, Equatable {
        public let count: Int?
        public let display: String
    }

    public let total: Figure
    public let channels: [Line]
    /// People at least one chosen channel reaches.
    public let reachable: Figure
    /// People none of the chosen channels reach (no email and no phone, and no feed chosen).
    public let unreachable: Figure
    public let suppressed: Bool

    public init(_ contacts: ContactReach, channels chosen: [Channel], seesAll: Bool, threshold: Int = AudienceCounter.defaultThreshold) {
        let total = contacts.total
        let hideAll = !seesAll && total > 0 && total < threshold
        func figure(_ n: Int) -> Figure {
            if seesAll { return Figure(count: n, display: Self.people(n, of: total)) }
            if hideAll { return Figure(count: nil, display: "fewer than \(threshold)") }
            if n > 0 && n < threshold { return Figure(count: nil, display: "fewer than \(threshold)") }
            if total - n > 0 && total - n < threshold { return Figure(count: nil, display: "all but fewer than \(threshold)") }
            return Figure(count: n, display: Self.people(n, of: total))
        }
        self.total = seesAll || !hideAll ? Figure(count: total, display: "\(total) \(total == 1 ? "person" : "people")") : Figure(count: nil, display: "fewer than \(threshold)")
        self.channels = Channel.allCases.map { channel in
            let selected = chosen.contains(channel)
            switch channel {
            case .feed:
                let f = figure(total)
                return Line(channel: channel, selected: selected, count: f.count, display: f.display, note: "Everyone in the audience has the feed.")
            case .email:
                let f = figure(contacts.withEmail)
                return Line(channel: channel, selected: selected, count: f.count, display: f.display, note: "Have a work email address.")
            case .sms:
                let f = figure(contacts.withPhone)
                return Line(channel: channel, selected: selected, count: f.count, display: f.display, note: "Have a mobile phone number.")
            case .chat:
                return Line(channel: channel, selected: selected, count: nil, display: "—", note: "Posted to the connected chat channels; not counted per person.")
            case .social:
                return Line(channel: channel, selected: selected, count: nil, display: "—", note: "Public: goes to the organisation's social accounts, not to employees.")
            }
        }
        var reached = 0
        if chosen.contains(.feed) {
            reached = total
        } else {
            let email = chosen.contains(.email), sms = chosen.contains(.sms)
            if email || sms { reached += contacts.emailAndPhone }
            if email { reached += contacts.emailOnly }
            if sms { reached += contacts.phoneOnly }
        }
        reachable = figure(reached)
        unreachable = figure(total - reached)
        suppressed = hideAll
    }

    static func people(_ n: Int, of total: Int) -> String {
        let base = "\(n) \(n == 1 ? "person" : "people")"
        guard total > 0 else { return base }
        return base + " (\(Int((Double(n) / Double(total) * 100).rounded()))%)"
    }
}
