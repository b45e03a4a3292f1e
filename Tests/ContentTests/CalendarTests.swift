@testable import Content
import Foundation
import TandemCore
import Testing

@Suite("Calendar: ranges, days, load and iCalendar text")
struct CalendarTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let utc = TimeZone(identifier: "UTC")!

    func instant(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    @Test("a month shows whole weeks, Monday first: November 2026 runs from 26 October to 6 December")
    func month() {
        let range = CalendarRange(view: .month, containing: CalendarDay(year: 2026, month: 11, day: 17), zone: utc)
        #expect(range.anchor == CalendarDay(year: 2026, month: 11, day: 1))
        #expect(range.days.count == 42)
        #expect(range.days.first == CalendarDay(year: 2026, month: 10, day: 26))
        #expect(range.days.last == CalendarDay(year: 2026, month: 12, day: 6))
        #expect(range.start == instant("2026-10-26T00:00:00Z") && range.end == instant("2026-12-07T00:00:00Z"))
        #expect(range.step(1).anchor == CalendarDay(year: 2026, month: 12, day: 1))
        #expect(range.step(-1).anchor == CalendarDay(year: 2026, month: 10, day: 1))
        #expect(range.title == "November 2026")
    }

    @Test("a week runs Monday to Sunday, across a year's end")
    func week() {
        let range = CalendarRange(view: .week, containing: CalendarDay(year: 2026, month: 11, day: 25), zone: utc)
        #expect(range.days.map(\.day) == Array(23...29))
        let newYear = CalendarRange(view: .week, containing: CalendarDay(year: 2027, month: 1, day: 1), zone: utc)
        #expect(newYear.days.first == CalendarDay(year: 2026, month: 12, day: 28) && newYear.days.last == CalendarDay(year: 2027, month: 1, day: 3))
        #expect(newYear.step(1).days.first == CalendarDay(year: 2027, month: 1, day: 4))
    }

    @Test("days are cut in the viewer's zone, through a daylight-saving change")
    func zones() {
        // Berlin leaves summer time on 25 October 2026: that day has 25 hours.
        let october = CalendarRange(view: .month, containing: CalendarDay(year: 2026, month: 10, day: 1), zone: berlin)
        #expect(october.days.count == 35 && Set(october.days).count == 35)
        #expect(october.start == instant("2026-09-27T22:00:00Z"), "28 September starts at midnight summer time")
        #expect(october.end == instant("2026-11-01T23:00:00Z"), "2 November starts at midnight winter time")
        // 23:30 UTC on 10 November is already 11 November in Berlin; a post sent at each
        // employee's local time keeps the wall-clock day it was given.
        let late = instant("2026-11-10T23:30:00Z")
        #expect(october.day(of: late, scheduleZone: "Europe/Berlin") == CalendarDay(year: 2026, month: 11, day: 11))
        #expect(october.day(of: late, scheduleZone: PostSchedule.recipientZone) == CalendarDay(year: 2026, month: 11, day: 10))
        let window = october.queryWindow
        #expect(window.from < october.start && window.to > october.end)
    }

    @Test("finding a post's day by binary search agrees with the calendar, in every zone and across DST", arguments: ["Europe/Berlin", "America/Sao_Paulo", "Pacific/Kiritimati", "America/St_Johns", "UTC"])
    func dayIndex(zoneName: String) {
        let zone = TimeZone(identifier: zoneName)!
        var generator = SystemRandomNumberGenerator()
        for (view, day) in [(CalendarRange.View.month, CalendarDay(year: 2026, month: 10, day: 1)), (.month, CalendarDay(year: 2027, month: 3, day: 1)), (.week, CalendarDay(year: 2026, month: 10, day: 25))] {
            let range = CalendarRange(view: view, containing: day, zone: zone)
            let window = range.queryWindow
            var checked = 0
            for _ in 0..<2_000 {
                let instant = Date(timeIntervalSince1970: Double.random(in: window.from.timeIntervalSince1970..<window.to.timeIntervalSince1970, using: &generator).rounded())
                for scheduleZone in ["Europe/Berlin", PostSchedule.recipientZone] {
                    let expected = range.days.firstIndex(of: range.day(of: instant, scheduleZone: scheduleZone))
                    #expect(range.dayIndex(of: instant, scheduleZone: scheduleZone) == expected, "\(instant) \(scheduleZone) in \(zoneName)")
                    if expected != nil { checked += 1 }
                }
            }
            #expect(checked > 2_000, "most instants land on a shown day")
            // The first and last instants of the range.
            #expect(range.dayIndex(of: range.start, scheduleZone: "UTC") == 0)
            #expect(range.dayIndex(of: range.end.addingTimeInterval(-0.001), scheduleZone: "UTC") == range.days.count - 1)
            #expect(range.dayIndex(of: range.end, scheduleZone: "UTC") == nil)
        }
    }

    @Test("times of day come from the zone's offset at that instant")
    func clock() {
        let summer = instant("2026-07-01T07:05:00Z"), winter = instant("2026-12-01T07:05:00Z")
        #expect(CalendarEntry.clock(summer, in: berlin) == "09:05" && CalendarEntry.clock(winter, in: berlin) == "08:05")
        #expect(CalendarEntry.clock(winter, in: TimeZone(identifier: "America/St_Johns")!) == "03:35")
        #expect(CalendarEntry.clock(instant("1969-12-31T23:59:00Z"), in: utc) == "23:59")
    }

    @Test("dates are parsed strictly", arguments: ["2026-02-30", "2026-13", "abc", "2026-1-1-1", "", "0999-01-01", "2026-11-25T10:00"])
    func badDates(raw: String) {
        #expect(throws: AppError.self) { try CalendarDay(parsing: raw, field: "date") }
    }

    @Test("a month alone means its first day")
    func monthOnly() throws {
        #expect(try CalendarDay(parsing: "2026-11", field: "date") == CalendarDay(year: 2026, month: 11, day: 1))
        #expect(try CalendarDay(parsing: " 2024-02-29 ", field: "date").iso == "2024-02-29")
    }

    func entry(_ id: Int64, at: Date, zone: String = "UTC", channels: [Channel] = [.feed, .email], state: PostState = .scheduled, title: String = "Enrol now",
               priority: PostPriority = .normal) -> CalendarEntry {
        CalendarEntry(postID: id, title: title, summary: "Benefits, 2027; act now", state: state, publishAt: at, scheduleZone: zone, priority: priority, version: 3,
                      authorName: "Ana", campaignID: nil, campaignName: "Welcome to the show", topicNames: ["Benefits", "Pay, bonus"], channels: channels,
                      updatedAt: instant("2026-11-01T08:00:00Z"))
    }

    @Test("load per day: light, busy from 3 posts, heavy from 5, with counts per channel")
    func load() {
        let at = instant("2026-11-12T09:00:00Z")
        #expect(CalendarLoad([]).level == .none)
        #expect(CalendarLoad([entry(1, at: at)]).level == .light)
        #expect(CalendarLoad((1...3).map { entry($0, at: at) }).level == .busy)
        let heavy = CalendarLoad((1...5).map { entry($0, at: at, channels: $0 == 1 ? [.sms] : [.feed, .email]) })
        #expect(heavy.level == .heavy && heavy.posts == 5)
        #expect(heavy.perChannel == [.feed: 4, .email: 4, .sms: 1])
        #expect(heavy.summary == "5 posts: 4 feed, 4 email, 1 sms")
    }

    @Test("a plan puts each post on its day and leaves empty days empty")
    func plan() {
        let range = CalendarRange(view: .week, containing: CalendarDay(year: 2026, month: 11, day: 25), zone: berlin)
        let plan = CalendarPlan(range: range, filter: CalendarFilter(), entries: [
            entry(1, at: instant("2026-11-23T22:59:00Z")), // 23:59 Monday in Berlin
            entry(2, at: instant("2026-11-23T23:00:00Z")), // 00:00 Tuesday in Berlin
            entry(3, at: instant("2026-11-23T23:00:00Z"), zone: PostSchedule.recipientZone), // 23:00 Monday wherever
        ], truncated: false)
        #expect(plan.days.count == 7 && plan.total == 3)
        #expect(plan.days[0].entries.map(\.postID) == [1, 3])
        #expect(plan.days[1].entries.map(\.postID) == [2])
        #expect(plan.days[2...].allSatisfy { $0.entries.isEmpty })
    }

    // MARK: iCalendar

    func unfold(_ text: String) -> String { text.replacingOccurrences(of: "\r\n ", with: "") }

    @Test("TEXT values escape backslash, semicolon, comma and newlines; controls are dropped")
    func escaping() {
        #expect(ICalendarWriter.escape("a,b;c\\d\nE\r\nF\u{07}") == "a\\,b\\;c\\\\d\\nE\\nF")
        var writer = ICalendarWriter()
        writer.list("CATEGORIES", ["Pay, bonus", "Safety"])
        #expect(writer.text == "CATEGORIES:Pay\\, bonus,Safety\r\n")
    }

    @Test("long lines fold at 75 octets without splitting a character, and unfold to the original")
    func folding() {
        let value = String(repeating: "Öffnungszeiten 🚀 ", count: 20)
        var writer = ICalendarWriter()
        writer.text("SUMMARY", value)
        let physical = writer.text.components(separatedBy: "\r\n").dropLast()
        #expect(physical.count > 3)
        #expect(physical.allSatisfy { $0.utf8.count <= 75 }, "no physical line exceeds 75 octets")
        #expect(physical.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(unfold(writer.text) == "SUMMARY:" + value + "\r\n")
        let bare = writer.text.replacingOccurrences(of: "\r\n", with: "")
        #expect(!bare.contains("\n") && !bare.contains("\r"), "only CRLF line ends")
    }

    @Test("the feed: a zoned post is a UTC time, a local-time post is floating, each with a stable UID")
    func feed() {
        let ics = CalendarICS.render([
            entry(7, at: instant("2026-12-01T08:00:00Z"), zone: "Europe/Berlin", title: "Open; enrolment, now"),
            entry(8, at: instant("2026-12-02T09:30:00Z"), zone: PostSchedule.recipientZone, state: .published, priority: .critical),
        ], name: "HR plan", baseURL: "https://tandem.example.com", host: "tandem.example.com", now: instant("2026-11-25T10:00:00Z"))
        let text = unfold(ics)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 3)
        #expect(text.contains("UID:post-7@tandem.example.com\r\n") && text.contains("UID:post-8@tandem.example.com\r\n"))
        #expect(text.contains("DTSTART:20261201T080000Z\r\n"))
        #expect(text.contains("DTSTART:20261202T093000\r\n"), "floating: no Z")
        #expect(text.contains("SUMMARY:Open\\; enrolment\\, now\r\n"))
        #expect(text.contains("SUMMARY:[Critical] Enrol now\r\n"))
        #expect(text.contains("STATUS:TENTATIVE") && text.contains("STATUS:CONFIRMED"))
        #expect(text.contains("CATEGORIES:Benefits,Pay\\, bonus\r\n"))
        #expect(text.contains("URL:https://tandem.example.com/posts/7\r\n"))
        #expect(text.contains("DTSTAMP:20261125T100000Z\r\n"))
    }
}
