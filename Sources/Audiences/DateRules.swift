import Foundation
public import TandemCore

/// Calendar days as YYYY-MM-DD strings (UTC), with relative arithmetic for rules.
public enum DateRules {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    public static func day(_ text: String) throws -> Date {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
            calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m
        else { throw AppError.invalid("date", "\(text) is not a real date.") }
        return date
    }

    public static func string(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// `today` moved by `amount` units; months and years move by the calendar (Jan 31 - 1m = Dec 31).
    public static func resolve(amount: Int, unit: DateUnit, today: String) -> String {
        guard let base = try? day(today) else { return today }
        let component: Calendar.Component = switch unit {
        case .d: .day
        case .w: .weekOfYear
        case .m: .month
        case .y: .year
        }
        return string(calendar.date(byAdding: component, value: amount, to: base) ?? base)
    }
}
