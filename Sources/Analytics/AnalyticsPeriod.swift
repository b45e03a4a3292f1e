public import Foundation
public import TandemCore
import TandemStore

/// A range of calendar days (UTC, both ends included) that views over many posts cover: posts
/// published in it count.
public struct AnalyticsPeriod: Sendable, Equatable {
    public let from: String
    public let to: String
    /// Milliseconds: the start of `from` and the end of `to` (exclusive).
    public let start: Int64
    public let end: Int64
    public static let longest = 731
    public static let standardDays = 90

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The last `standardDays` days up to today.
    public static func recent(now: Date = Date(), days: Int = standardDays) -> AnalyticsPeriod {
        let today = calendar.startOfDay(for: now)
        let first = calendar.date(byAdding: .day, value: -(days - 1), to: today)!
        return try! AnalyticsPeriod(from: string(first), to: string(today))
    }

    /// Both days must be real YYYY-MM-DD dates, in order, at most `longest` days apart.
    public init(from: String, to: String) throws {
        let first = try Self.day(from, field: "from", label: "The start date")
        let last = try Self.day(to, field: "to", label: "The end date")
        guard last >= first else {
            throw AppError.invalid("to", "The period ends (\(to)) before it starts (\(from)). Swap the dates or choose a later end.")
        }
        let days = Self.calendar.dateComponents([.day], from: first, to: last).day! + 1
        guard days <= Self.longest else {
            throw AppError.invalid("to", "The period covers \(days) days; choose at most \(Self.longest) (two years).")
        }
        self.from = from
        self.to = to
        start = Millis.from(first)
        end = Millis.from(Self.calendar.date(byAdding: .day, value: 1, to: last)!)
    }

    /// From `from` and `to` query parameters; neither gives the standard recent period, one alone is an error.
    public static func parse(from: String?, to: String?, now: Date = Date()) throws -> AnalyticsPeriod {
        let from = from?.trimmingCharacters(in: .whitespaces) ?? "", to = to?.trimmingCharacters(in: .whitespaces) ?? ""
        if from.isEmpty && to.isEmpty { return recent(now: now) }
        guard !from.isEmpty else { throw AppError.invalid("from", "Give the start date (YYYY-MM-DD) as well as the end date, or neither for the last \(standardDays) days.") }
        guard !to.isEmpty else { throw AppError.invalid("to", "Give the end date (YYYY-MM-DD) as well as the start date, or neither for the last \(standardDays) days.") }
        return try AnalyticsPeriod(from: from, to: to)
    }

    static func day(_ text: String, field: String, label: String) throws -> Date {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1970...2200).contains(y), (1...12).contains(m), (1...31).contains(d),
              let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m
        else {
            throw AppError.invalid(field, text.isEmpty ? "\(label) is empty; use YYYY-MM-DD." : "\(label) \"\(text.prefix(40))\" is not a date; use YYYY-MM-DD, e.g. 2026-03-31.")
        }
        return date
    }

    static func string(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    public var query: String { "from=\(from)&to=\(to)" }
    public var title: String { "\(from) to \(to)" }
}
