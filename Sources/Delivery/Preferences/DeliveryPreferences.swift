public import Content
public import Foundation

/// How a person wants Tandem to reach them, beyond which topics they opted out of
/// (`OptOutStore`). The feed always holds every post meant for them: it is their archive;
/// preferences choose where else they hear of it.
public struct DeliveryPreferences: Sendable, Equatable, Codable {
    public enum Digest: String, Sendable, Codable, CaseIterable {
        /// Each optional post by email as it is published.
        case immediately
        /// Optional posts collected into one email a day at `DigestSchedule.hour`, local time.
        case daily
        /// Optional posts collected into one email on Mondays at `DigestSchedule.hour`.
        case weekly

        public var title: String {
            switch self {
            case .immediately: "As each post is published"
            case .daily: "One email a day"
            case .weekly: "One email a week (Mondays)"
            }
        }
    }

    public var digest: Digest
    /// Minutes after local midnight; both set or both nil. Start after end spans midnight.
    public var quietStart: Int?
    public var quietEnd: Int?

    public init(digest: Digest = .immediately, quietStart: Int? = nil, quietEnd: Int? = nil) {
        self.digest = digest
        self.quietStart = quietStart
        self.quietEnd = quietEnd
    }

    public static let standard = DeliveryPreferences()

    /// "HH:MM" → minutes after midnight; nil for anything else.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    public static func clock(_ minutes: Int) -> String {
        (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }
}

/// What to do with one message for one person now.
public enum DeliveryGate: Sendable, Equatable {
    case send
    /// Not now: inside the person's quiet hours. Sent when they end.
    case wait(until: Date, reason: String)
    /// Into the person's next digest email, sent at `until`.
    case digest(until: Date)
}

/// The rules that decide, at send time, whether a message goes now (DESIGN.md §5.4): quiet
/// hours hold every email and text message except critical ones; digests collect optional
/// posts' emails. Opt-outs are `OptOutStore`'s. All times are in the person's own time zone,
/// through Foundation's calendar, so they follow daylight-saving changes.
public enum DeliveryRules {
    public static func gate(_ preferences: DeliveryPreferences, channel: Channel, mandatory: Bool, priority: PostPriority,
                            zone: TimeZone, now: Date) -> DeliveryGate {
        guard channel == .email || channel == .sms else { return .send }
        var when: Date?
        if channel == .email, !mandatory, priority != .critical, preferences.digest != .immediately {
            when = DigestSchedule.next(after: now, preferences.digest, zone: zone)
        }
        if priority != .critical, let start = preferences.quietStart, let end = preferences.quietEnd,
           let quietEnd = QuietHours.end(of: when ?? now, start: start, end: end, zone: zone) {
            if when != nil { return .digest(until: quietEnd) }
            return .wait(until: quietEnd, reason: "quiet hours until \(DeliveryPreferences.clock(end)) \(zone.identifier)")
        }
        if let when { return .digest(until: when) }
        return .send
    }
}

public enum QuietHours {
    /// When the quiet hours that `at` falls in end, or nil when `at` is outside them.
    public static func end(of at: Date, start: Int, end: Int, zone: TimeZone) -> Date? {
        guard start != end else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: at)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        guard inside else { return nil }
        // The end is today when it is later than now on the clock, else tomorrow.
        let day = calendar.startOfDay(for: at)
        let endDay = minute < end ? day : calendar.date(byAdding: .day, value: 1, to: day)!
        return wallClock(end, on: endDay, calendar: calendar)
    }

    /// The instant the local clock shows `minutes` on `day`; a time skipped by a daylight-saving
    /// change is taken as the first instant after it.
    static func wallClock(_ minutes: Int, on day: Date, calendar: Calendar) -> Date {
        var parts = calendar.dateComponents([.year, .month, .day], from: day)
        parts.hour = minutes / 60
        parts.minute = minutes % 60
        return calendar.date(from: parts) ?? day.addingTimeInterval(Double(minutes * 60))
    }
}

public enum DigestSchedule {
    /// Local time digests go out: 08:00.
    public static let hour = 8

    /// The next digest time strictly after `now` for the mode (nil for `.immediately`).
    public static func next(after now: Date, _ mode: DeliveryPreferences.Digest, zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.startOfDay(for: now)
        switch mode {
        case .immediately:
            return nil
        case .daily:
            let today = QuietHours.wallClock(hour * 60, on: day, calendar: calendar)
            return today > now ? today : QuietHours.wallClock(hour * 60, on: calendar.date(byAdding: .day, value: 1, to: day)!, calendar: calendar)
        case .weekly:
            for offset in 0...7 {
                let candidate = calendar.date(byAdding: .day, value: offset, to: day)!
                guard calendar.component(.weekday, from: candidate) == 2 else { continue }
                let at = QuietHours.wallClock(hour * 60, on: candidate, calendar: calendar)
                if at > now { return at }
            }
            return nil
        }
    }
}
