public import Foundation
public import TandemCore

/// Turns a local date and time chosen by an author into the instant stored on the post.
/// `recipient` means each employee's own local time: the wall-clock time is stored as if in
/// UTC (so the calendar shows the chosen time) and delivery resolves it per recipient; it must
/// still lie ahead in the earliest zone on Earth (UTC+14), or someone would get it late.
public enum PostSchedule {
    public static let recipientZone = "recipient"

    public static func instant(local: String, zone rawZone: String, now: Date = Date()) throws -> (at: Date, zone: String) {
        let zone = rawZone.trimmed.isEmpty ? "UTC" : rawZone.trimmed
        let parts = local.trimmed.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" || $0 == " " }).map { Int($0) }
        guard (5...6).contains(parts.count), parts.allSatisfy({ $0 != nil }) else {
            throw AppError.invalid("publish_at", "Give the date and time as YYYY-MM-DDTHH:MM, e.g. 2026-12-01T09:00.")
        }
        let values = parts.map { $0! }
        let timeZone: TimeZone
        if zone == recipientZone {
            timeZone = TimeZone(identifier: "UTC")!
        } else {
            guard let named = TimeZone(identifier: zone) else {
                throw AppError.invalid("time_zone", "'\(zone.prefix(64))' is not an IANA time zone such as Europe/Berlin, or `recipient` for each employee's local time.")
            }
            timeZone = named
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: values[0], month: values[1], day: values[2], hour: values[3], minute: values[4], second: values.count > 5 ? values[5] : 0)
        guard components.isValidDate(in: calendar), let at = calendar.date(from: components) else {
            throw AppError.invalid("publish_at", "\(local.prefix(20)) is not a real date and time.")
        }
        if zone == recipientZone, at.addingTimeInterval(-14 * 3_600) <= now {
            throw AppError.invalid("publish_at", "In each employee's local time, \(local.prefix(20)) has already passed in the earliest time zone (UTC+14). Choose a later time.")
        }
        return (at, zone)
    }
}
