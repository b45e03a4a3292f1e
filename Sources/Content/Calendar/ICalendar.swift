public import Foundation

/// Writes iCalendar (RFC 5545) text: CRLF line ends, lines folded at 75 octets without
/// splitting a UTF-8 character, TEXT values escaped (§3.3.11).
public struct ICalendarWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func begin(_ component: String) { line("BEGIN:" + component) }
    public mutating func end(_ component: String) { line("END:" + component) }

    /// A property whose value is TEXT (escaped).
    public mutating func text(_ name: String, _ value: String) { line(name + ":" + Self.escape(value)) }

    /// A property whose value is already in its typed form (DATE-TIME, URI, INTEGER, …).
    public mutating func raw(_ name: String, _ value: String) { line(name + ":" + Self.stripControls(value)) }

    /// A TEXT list such as CATEGORIES: each item escaped, joined by commas.
    public mutating func list(_ name: String, _ values: [String]) { line(name + ":" + values.map(Self.escape).joined(separator: ",")) }

    /// A date-time in UTC: 20261201T090000Z.
    public mutating func utc(_ name: String, _ date: Date) { line(name + ":" + Self.stamp(date, utc: true)) }

    /// A floating date-time (no zone): the same wall-clock time wherever the reader is, which is
    /// what "each employee's local time" means.
    public mutating func floating(_ name: String, _ wallClockAsUTC: Date) { line(name + ":" + Self.stamp(wallClockAsUTC, utc: false)) }

    mutating func line(_ content: String) {
        var octets = 0
        for character in content {
            let size = character.utf8.count
            if octets + size > 75 {
                text += "\r\n "
                octets = 1
            }
            text.append(character)
            octets += size
        }
        text += "\r\n"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": if !previousWasCR { out += "\\n" }
            case "\r": out += "\\n"
            default:
                // Other controls are not allowed in TEXT.
                if scalar.value < 0x20 || scalar.value == 0x7F { break }
                out.unicodeScalars.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        return out
    }

    static func stripControls(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    static func stamp(_ date: Date, utc: Bool) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let digits = String(p.year!).leftPadded(4) + String(p.month!).leftPadded(2) + String(p.day!).leftPadded(2) + "T"
            + String(p.hour!).leftPadded(2) + String(p.minute!).leftPadded(2) + String(p.second!).leftPadded(2)
        return utc ? digits + "Z" : digits
    }
}
