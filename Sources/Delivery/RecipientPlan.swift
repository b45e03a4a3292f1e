public import Audiences
public import Content
public import Foundation

/// Which channels carry a post to one person, and when: plain rules, tested without a database.
public enum RecipientPlan {
    /// Channels delivery sends to each person. Chat goes to team channels and social to the
    /// organisation's accounts: neither is addressed per person.
    public static let personal: [Channel] = [.feed, .email, .sms]

    /// The person's channels among those chosen; a critical post goes to every channel the person
    /// has, chosen or not. Empty means the post cannot reach them.
    public static func channels(for person: Recipient, chosen: [Channel], priority: PostPriority) -> [Channel] {
        var has: [Channel] = [.feed]
        if person.hasEmail { has.append(.email) }
        if person.hasPhone { has.append(.sms) }
        if priority == .critical { return has }
        return has.filter(chosen.contains)
    }

    /// A critical post that asks for acknowledgement escalates: the feed and email at once, a
    /// text message this much later to people who have not acknowledged by then (the SMS is
    /// skipped at send time for those who have). People without email get the text at once,
    /// since it is their first notice beyond the feed.
    public static let escalation: TimeInterval = 15 * 60

    /// How long after the post's due time this channel's delivery falls due for this person.
    public static func delay(_ channel: Channel, among channels: [Channel], priority: PostPriority, requiresAcknowledgement: Bool) -> TimeInterval {
        guard priority == .critical, requiresAcknowledgement, channel == .sms, channels.contains(.email) else { return 0 }
        return escalation
    }

    /// When the person's deliveries fall due. A post sent at "each employee's local time" stores
    /// its wall-clock time as if it were UTC; each person gets it at that time in their own
    /// zone (an unknown zone falls back to UTC).
    public static func due(publishAt: Date, zone: String, recipientZone: String) -> Date {
        guard zone == PostSchedule.recipientZone else { return publishAt }
        guard let tz = TimeZone(identifier: recipientZone) else { return publishAt }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var local = Calendar(identifier: .gregorian)
        local.timeZone = tz
        let wall = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: publishAt)
        // A wall time skipped by a daylight-saving change moves forward to the next valid time.
        return local.nextDate(after: local.date(from: DateComponents(year: wall.year, month: wall.month, day: wall.day))!.addingTimeInterval(-1),
                              matching: DateComponents(hour: wall.hour, minute: wall.minute, second: wall.second),
                              matchingPolicy: .nextTime) ?? publishAt
    }

    /// Local-time posts are published (and walked) this long before their wall-clock time, so
    /// people in the earliest zone (UTC+14) get theirs on time.
    public static let earliestZoneLead: TimeInterval = 14 * 3_600
}
