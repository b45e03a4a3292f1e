public import Foundation
public import TandemCore
import TandemStore

/// A stretch of days shown by the calendar: a month (whole weeks, Monday first) or one week,
/// in the viewer's time zone.
public struct CalendarRange: Sendable {
    public enum View: String, Sendable, CaseIterable { case month, week }

    public let view: View
    public let zone: TimeZone
    /// The day the view was asked for (the month's first day or the week's Monday).
    public let anchor: CalendarDay
    /// Every day shown, in order.
    public let days: [CalendarDay]
    /// The first instant of the first day and the first instant after the last day.
    public let start: Date
    public let end: Date
    /// Milliseconds at which each shown day starts, then the end: days found by binary search,
    /// without a `Calendar` per post.
    let boundaries: [Int64]
    /// Days since 1970-01-01 (UTC) of each shown day, for wall-clock posts.
    let epochDays: [Int64: Int]

    var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        return calendar
    }

    /// The month or week containing `day`.
    public init(view: View, containing day: CalendarDay, zone: TimeZone) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
        let firstShown: Date
        let lastShown: Date
        switch view {
        case .month:
            let monthStart = calendar.date(from: DateComponents(year: day.year, month: day.month, day: 1, hour: 12))!
            let monthLength = calendar.range(of: .day, in: .month, for: monthStart)!.count
            let monthEnd = calendar.date(byAdding: .day, value: monthLength - 1, to: monthStart)!
            firstShown = Self.monday(onOrBefore: monthStart, calendar)
            lastShown = calendar.date(byAdding: .day, value: 6, to: Self.monday(onOrBefore: monthEnd, calendar))!
            anchor = CalendarDay(year: day.year, month: day.month, day: 1)
        case .week:
            firstShown = Self.monday(onOrBefore: noon, calendar)
            lastShown = calendar.date(byAdding: .day, value: 6, to: firstShown)!
            anchor = CalendarDay(firstShown, calendar)
        }
        var days: [CalendarDay] = []
        var cursor = firstShown
        while cursor <= lastShown {
            days.append(CalendarDay(cursor, calendar))
            cursor = calendar.date(byAdding: .day, value: 1, to: cursor)!
        }
        self.view = view
        self.zone = zone
        self.days = days
        start = calendar.startOfDay(for: firstShown)
        end = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: lastShown))!
        var utc = Calendar(identifier: .iso8601)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var boundaries: [Int64] = []
        var epochDays: [Int64: Int] = [:]
        for (index, shown) in days.enumerated() {
            let noon = calendar.date(from: DateComponents(year: shown.year, month: shown.month, day: shown.day, hour: 12))!
            boundaries.append(Millis.from(calendar.startOfDay(for: noon)))
            let utcMidnight = utc.date(from: DateComponents(year: shown.year, month: shown.month, day: shown.day))!
            epochDays[Millis.from(utcMidnight) / 86_400_000] = index
        }
        boundaries.append(Millis.from(end))
        self.boundaries = boundaries
        self.epochDays = epochDays
    }

    /// The position in `days` of the day an instant falls on (see `day(of:scheduleZone:)`), or
    /// nil when that day is not shown.
    public func dayIndex(of instant: Date, scheduleZone: String) -> Int? {
        let ms = Millis.from(instant)
        if scheduleZone == PostSchedule.recipientZone {
            let day = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
            return epochDays[day]
        }
        guard ms >= boundaries[0], ms < boundaries[boundaries.count - 1] else { return nil }
        var low = 0, high = boundaries.count - 1 // boundaries[low] <= ms < boundaries[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if boundaries[middle] <= ms { low = middle } else { high = middle }
        }
        return low
    }

    static func monday(onOrBefore date: Date, _ calendar: Calendar) -> Date {
        let weekday = calendar.component(.weekday, from: date) // 1 = Sunday … 7 = Saturday
        return calendar.date(byAdding: .day, value: -((weekday + 5) % 7), to: date)!
    }

    /// The range before and after this one (the previous or next month or week).
    public func step(_ direction: Int) -> CalendarRange {
        let unit: Calendar.Component = view == .month ? .month : .weekOfYear
        let noon = calendar.date(from: DateComponents(year: anchor.year, month: anchor.month, day: anchor.day, hour: 12))!
        return CalendarRange(view: view, containing: CalendarDay(calendar.date(byAdding: unit, value: direction, to: noon)!, calendar), zone: zone)
    }

    /// The day an instant falls on here. A post scheduled for each employee's local time stores
    /// the chosen wall-clock time as UTC, so its day is read in UTC.
    public func day(of instant: Date, scheduleZone: String) -> CalendarDay {
        if scheduleZone == PostSchedule.recipientZone {
            var utc = Calendar(identifier: .iso8601)
            utc.timeZone = TimeZone(identifier: "UTC")!
            return CalendarDay(instant, utc)
        }
        return CalendarDay(instant, calendar)
    }

    /// The instants to read from the store so that every post landing on a shown day is found:
    /// wall-clock (recipient) posts may lie up to 14 hours either side.
    public var queryWindow: (from: Date, to: Date) {
        (start.addingTimeInterval(-14 * 3_600), end.addingTimeInterval(14 * 3_600))
    }

    public var title: String {
        switch view {
        case .month:
            var style = Date.FormatStyle().month(.wide).year()
            style.timeZone = zone
            return calendar.date(from: DateComponents(year: anchor.year, month: anchor.month, day: 1, hour: 12))!.formatted(style)
        case .week:
            return "Week of \(days.first!.iso) to \(days.last!.iso)"
        }
    }
}

/// A date without a time (year, month, day), as the calendar shows it.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(_ date: Date, _ calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Parses YYYY-MM-DD or YYYY-MM (the first of the month).
    public init(parsing raw: String, field: String) throws {
        let parts = raw.trimmed.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), raw.trimmed.count <= 10 else {
            throw AppError.invalid(field, "Give the date as YYYY-MM-DD (or YYYY-MM for a month).")
        }
        let (year, month, day) = (parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : 1)
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard (1970...9999).contains(year), DateComponents(year: year, month: month, day: day).isValidDate(in: calendar) else {
            throw AppError.invalid(field, "\(raw.prefix(10)) is not a real date between 1970 and 9999.")
        }
        self.init(year: year, month: month, day: day)
    }

    public static func today(in zone: TimeZone, now: Date = Date()) -> CalendarDay {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        return CalendarDay(now, calendar)
    }

    public var iso: String {
        String(year).leftPadded(4) + "-" + String(month).leftPadded(2) + "-" + String(day).leftPadded(2)
    }

    public var description: String { iso }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
