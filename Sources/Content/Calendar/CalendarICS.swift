public import Foundation

/// The plan as an iCalendar feed: one event per post, at its publish time. Posts sent at each
/// employee's local time are floating events (RFC 5545 §3.3.5, form 1), so every subscriber
/// sees them at the chosen wall-clock time.
public enum CalendarICS {
    /// How long each event lasts in the calendar (a publish is a moment; a block is readable).
    static let duration = "PT15M"

    public static func render(_ entries: [CalendarEntry], name: String, baseURL: String, host: String, now: Date = Date()) -> String {
        var ics = ICalendarWriter()
        ics.begin("VCALENDAR")
        ics.raw("VERSION", "2.0")
        ics.raw("PRODID", "-//Tandem//Editorial calendar//EN")
        ics.raw("CALSCALE", "GREGORIAN")
        ics.raw("METHOD", "PUBLISH")
        ics.text("NAME", name)
        ics.text("X-WR-CALNAME", name)
        ics.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
        ics.raw("X-PUBLISHED-TTL", "PT1H")
        for entry in entries {
            ics.begin("VEVENT")
            ics.raw("UID", "post-\(entry.postID)@\(host)")
            ics.utc("DTSTAMP", now)
            if entry.scheduleZone == PostSchedule.recipientZone {
                ics.floating("DTSTART", entry.publishAt)
            } else {
                ics.utc("DTSTART", entry.publishAt)
            }
            ics.raw("DURATION", duration)
            ics.text("SUMMARY", (entry.priority == .critical ? "[Critical] " : "") + entry.title)
            ics.text("DESCRIPTION", description(entry, baseURL: baseURL))
            ics.raw("URL", "\(baseURL)/posts/\(entry.postID)")
            if !entry.topicNames.isEmpty { ics.list("CATEGORIES", entry.topicNames) }
            // A scheduled post can still move; a published one has gone out.
            ics.raw("STATUS", entry.state == .scheduled ? "TENTATIVE" : "CONFIRMED")
            ics.raw("SEQUENCE", String(entry.version))
            ics.utc("LAST-MODIFIED", entry.updatedAt)
            ics.raw("TRANSP", "TRANSPARENT")
            ics.end("VEVENT")
        }
        ics.end("VCALENDAR")
        return ics.text
    }

    static func description(_ entry: CalendarEntry, baseURL: String) -> String {
        var lines: [String] = []
        if !entry.summary.isEmpty { lines.append(entry.summary) }
        lines.append("State: \(entry.state.title)")
        if entry.scheduleZone == PostSchedule.recipientZone {
            lines.append("Goes out at this time in each employee's own time zone.")
        } else {
            lines.append("Time zone chosen: \(entry.scheduleZone)")
        }
        if !entry.channels.isEmpty { lines.append("Channels: " + entry.channels.map(\.title).joined(separator: ", ")) }
        if let campaign = entry.campaignName { lines.append("Campaign: \(campaign)") }
        if !entry.topicNames.isEmpty { lines.append("Topics: " + entry.topicNames.joined(separator: ", ")) }
        if !entry.authorName.isEmpty { lines.append("Author: \(entry.authorName)") }
        lines.append("\(baseURL)/posts/\(entry.postID)")
        return lines.joined(separator: "\n")
    }
}
