public import Foundation
import TandemStore

/// One post on the calendar: enough to draw it, filter it and reschedule it.
public struct CalendarEntry: Sendable, Equatable {
    public let postID: Int64
    public let title: String
    public let summary: String
    public let state: PostState
    public let publishAt: Date
    public let scheduleZone: String
    public let priority: PostPriority
    public let version: Int
    public let authorName: String
    public let campaignID: Int64?
    public let campaignName: String?
    public var topicNames: [String]
    public var channels: [Channel]
    public let updatedAt: Date

    /// The zone the post was scheduled in (UTC for wall-clock posts, which store local time as UTC).
    var ownZone: TimeZone {
        scheduleZone == PostSchedule.recipientZone ? TimeZone(identifier: "UTC")! : (TimeZone(identifier: scheduleZone) ?? TimeZone(identifier: "UTC")!)
    }

    /// HH:MM in the zone the post was scheduled in (moving it by a day keeps this).
    public var localTime: String { Self.clock(publishAt, in: ownZone) }

    /// HH:MM from the zone's offset at that instant (cheaper than a `Calendar` per post).
    static func clock(_ instant: Date, in zone: TimeZone) -> String {
        let seconds = Millis.from(instant) / 1_000 + Int64(zone.secondsFromGMT(for: instant))
        let ofDay = ((seconds % 86_400) + 86_400) % 86_400
        return String(ofDay / 3_600).leftPadded(2) + ":" + String(ofDay % 3_600 / 60).leftPadded(2)
    }

    /// HH:MM as the calendar shows it in `zone`; wall-clock posts show their own time, marked `*`.
    public func shownTime(in zone: TimeZone) -> String {
        if scheduleZone == PostSchedule.recipientZone { return localTime + "*" }
        return Self.clock(publishAt, in: zone)
    }

    /// YYYY-MM-DDTHH:MM in the post's own zone, for a datetime-local field.
    public var localDateTime: String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = ownZone
        return CalendarDay(publishAt, calendar).iso + "T" + localTime
    }
}

/// The filters the calendar and its feeds share. Team: posts by the team's members or on a
/// topic the team owns.
public struct CalendarFilter: Sendable, Equatable, Codable {
    public var teamID: Int64?
    public var topicID: Int64?
    public var campaignID: Int64?
    public var channel: Channel?

    public init(teamID: Int64? = nil, topicID: Int64? = nil, campaignID: Int64? = nil, channel: Channel? = nil) {
        self.teamID = teamID
        self.topicID = topicID
        self.campaignID = campaignID
        self.channel = channel
    }

    public var isEmpty: Bool { teamID == nil && topicID == nil && campaignID == nil && channel == nil }
}

/// How busy a day is for employees: how many posts go out, and on which channels.
public struct CalendarLoad: Sendable, Equatable {
    public enum Level: String, Sendable { case none, light, busy, heavy }

    /// From this many posts a day is busy, and heavy from the second figure: past that,
    /// employees start to skim or mute.
    public static let busyFrom = 3
    public static let heavyFrom = 5

    public let posts: Int
    public let perChannel: [Channel: Int]

    public init(_ entries: [CalendarEntry]) {
        posts = entries.count
        var counts: [Channel: Int] = [:]
        for entry in entries { for channel in entry.channels { counts[channel, default: 0] += 1 } }
        perChannel = counts
    }

    public var level: Level {
        posts == 0 ? .none : posts >= Self.heavyFrom ? .heavy : posts >= Self.busyFrom ? .busy : .light
    }

    public var summary: String {
        guard posts > 0 else { return "Nothing planned" }
        let channels = Channel.allCases.compactMap { channel in perChannel[channel].map { "\($0) \(channel.title.lowercased())" } }
        return "\(posts) post\(posts == 1 ? "" : "s")" + (channels.isEmpty ? "" : ": " + channels.joined(separator: ", "))
    }
}

/// The days of a range with their posts.
public struct CalendarPlan: Sendable {
    public let range: CalendarRange
    public let filter: CalendarFilter
    public let days: [(day: CalendarDay, entries: [CalendarEntry])]
    /// True when the range held more posts than one view reads.
    public let truncated: Bool

    /// Entries on days the range does not show are left out.
    public init(range: CalendarRange, filter: CalendarFilter, entries: [CalendarEntry], truncated: Bool) {
        var byDay = [[CalendarEntry]](repeating: [], count: range.days.count)
        for entry in entries {
            if let index = range.dayIndex(of: entry.publishAt, scheduleZone: entry.scheduleZone) { byDay[index].append(entry) }
        }
        self.range = range
        self.filter = filter
        days = zip(range.days, byDay).map { ($0, $1) }
        self.truncated = truncated
    }

    public var total: Int { days.reduce(0) { $0 + $1.entries.count } }
}
