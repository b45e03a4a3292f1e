import Foundation

/// Calendar windows (UTC) for KPI periods: ISO weeks from Monday, months, quarters.
enum KPIPeriods {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The period holding `date`: its start and the next period's start.
    static func window(_ kind: KPIPeriodKind, containing date: Date) -> (start: Date, end: Date) {
        let calendar = calendar
        switch kind {
        case .week:
            let start = calendar.dateInterval(of: .weekOfYear, for: date)!.start
            return (start, calendar.date(byAdding: .day, value: 7, to: start)!)
        case .month:
            let start = calendar.dateInterval(of: .month, for: date)!.start
            return (start, calendar.date(byAdding: .month, value: 1, to: start)!)
        case .quarter:
            let parts = calendar.dateComponents([.year, .month], from: date)
            let start = calendar.date(from: DateComponents(year: parts.year, month: ((parts.month! - 1) / 3) * 3 + 1, day: 1))!
            return (start, calendar.date(byAdding: .month, value: 3, to: start)!)
        }
    }

    /// The `count` periods up to and including the one holding `now`, oldest first.
    static func recent(_ kind: KPIPeriodKind, count: Int, now: Date) -> [(start: Date, end: Date)] {
        var windows: [(start: Date, end: Date)] = []
        var current = window(kind, containing: now)
        for _ in 0..<count {
            windows.append(current)
            current = window(kind, containing: current.start.addingTimeInterval(-1))
        }
        return windows.reversed()
    }

    static func label(_ kind: KPIPeriodKind, _ start: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .weekOfYear, .yearForWeekOfYear], from: start)
        switch kind {
        case .week: return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
        case .month: return String(format: "%04d-%02d", c.year!, c.month!)
        case .quarter: return "\(c.year!)-Q\((c.month! - 1) / 3 + 1)"
        }
    }
}
