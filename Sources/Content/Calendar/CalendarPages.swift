import Foundation
import TandemCore
import TandemUI

/// The calendar pages. The grid is assembled as a string (a month can hold thousands of posts
/// and must render in well under 100 ms); every value in it goes through `Escape.html`.
enum CalendarPages {
    /// Posts listed per day in the month grid; the rest are a link to the week.
    static let perDayInMonth = 6
    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    struct Choices {
        let teams: [(id: Int64, name: String)]
        let topics: [(id: Int64, name: String)]
        let campaigns: [(id: Int64, name: String)]
    }

    /// The query string for a view of the calendar with the current filters.
    static func query(_ range: CalendarRange, view: CalendarRange.View? = nil, date: CalendarDay? = nil, filter: CalendarFilter) -> String {
        var pairs = [("view", (view ?? range.view).rawValue), ("date", (date ?? range.anchor).iso)]
        if range.zone.identifier != "UTC" { pairs.append(("time_zone", range.zone.identifier)) }
        if let team = filter.teamID { pairs.append(("team_id", String(team))) }
        if let topic = filter.topicID { pairs.append(("topic_id", String(topic))) }
        if let campaign = filter.campaignID { pairs.append(("campaign_id", String(campaign))) }
        if let channel = filter.channel { pairs.append(("channel", channel.rawValue)) }
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    static func header(_ page: PageContext, plan: CalendarPlan, choices: Choices, canSchedule: Bool) -> [HTMLNode] {
        let range = plan.range, filter = plan.filter
        let today = CalendarDay.today(in: range.zone)
        func options(_ list: [(id: Int64, name: String)]) -> [(value: String, title: String)] {
            [(value: "", title: "All")] + list.map { (String($0.id), $0.name) }
        }
        var nodes: [HTMLNode] = [
            UI.heading("Calendar", subtitle: "Scheduled and published posts across HR, Internal Communications and Marketing. Busy days are marked so nobody floods employees."),
            el("form", [("method", "get"), ("action", "/calendar"), ("class", "filters")], [
                UI.select("View", name: "view", options: [("month", "Month"), ("week", "Week")], selected: range.view.rawValue),
                UI.field("Date", name: "date", type: "date", value: range.view == .month ? range.anchor.iso : range.days.first!.iso),
                UI.field("Time zone", name: "time_zone", value: range.zone.identifier, hint: "IANA, e.g. Europe/Berlin"),
                UI.select("Team", name: "team_id", options: options(choices.teams), selected: filter.teamID.map(String.init) ?? ""),
                UI.select("Topic", name: "topic_id", options: options(choices.topics), selected: filter.topicID.map(String.init) ?? ""),
                UI.select("Campaign", name: "campaign_id", options: options(choices.campaigns), selected: filter.campaignID.map(String.init) ?? ""),
                UI.select("Channel", name: "channel", options: [(value: "", title: "All")] + Channel.allCases.map { ($0.rawValue, $0.title) },
                          selected: filter.channel?.rawValue ?? ""),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Show")]),
            ]),
            el("p", [("class", "calendar-nav")], [
                link("← Previous", "/calendar?" + query(range.step(-1), filter: filter)), text(" · "),
                link("Today", "/calendar?" + query(range, date: today, filter: filter)), text(" · "),
                link("Next →", "/calendar?" + query(range.step(1), filter: filter)), text(" · "),
                link(range.view == .month ? "Week view" : "Month view", "/calendar?" + query(range, view: range.view == .month ? .week : .month, date: range.view == .month ? max(range.anchor, today).clamped(to: range) : range.days.first!, filter: filter)),
                text(" · "), link("Calendar feeds (iCalendar)", "/calendar/feeds"),
            ]),
            el("h2", [("id", "calendar-title")], text: range.title + " — \(plan.total) post\(plan.total == 1 ? "" : "s")"),
            el("p", [("class", "hint")], text: "Load: busy from \(CalendarLoad.busyFrom) posts a day, heavy from \(CalendarLoad.heavyFrom). Times in \(range.zone.identifier); posts sent at each employee's local time show their chosen time."
                + (canSchedule ? " Drag a scheduled post to another day to move it (same time of day), or use the week view's form." : "")),
        ]
        if plan.truncated {
            nodes.append(el("p", [("class", "flash info")], text: "This view holds more than \(CalendarStore.maximumEntries) posts; the first \(CalendarStore.maximumEntries) are shown. Narrow it with a filter."))
        }
        if canSchedule {
            // One form for drag and drop: the script fills it and submits it.
            nodes.append(el("form", [("method", "post"), ("action", "/calendar/reschedule"), ("id", "calendar-move"), ("hidden", "hidden")], [
                Layout.csrfField(page.csrfToken),
                void("input", [("type", "hidden"), ("name", "post_id"), ("value", "")]), void("input", [("type", "hidden"), ("name", "version"), ("value", "")]),
                void("input", [("type", "hidden"), ("name", "publish_at"), ("value", "")]), void("input", [("type", "hidden"), ("name", "time_zone"), ("value", "")]),
                void("input", [("type", "hidden"), ("name", "return"), ("value", "/calendar?" + query(range, filter: filter))]),
            ]))
        }
        return nodes
    }

    static func entryHTML(_ entry: CalendarEntry, zone: TimeZone, draggable: Bool, into html: inout String) {
        html += "<li class=\"entry state-" + entry.state.rawValue + (entry.priority == .normal ? "" : " priority-" + entry.priority.rawValue) + "\""
        if draggable {
            html += " draggable=\"true\" data-post=\"" + String(entry.postID) + "\" data-version=\"" + String(entry.version)
            html += "\" data-time=\"" + entry.localTime + "\" data-zone=\"" + Escape.html(entry.scheduleZone) + "\""
        }
        html += "><time>" + entry.shownTime(in: zone) + "</time> <a href=\"/posts/" + String(entry.postID) + "\">" + Escape.html(entry.title) + "</a>"
        html += " <span class=\"entry-meta\">" + Escape.html(entry.state.title.lowercased())
        if !entry.channels.isEmpty { html += " · " + Escape.html(entry.channels.map(\.rawValue).joined(separator: ", ")) }
        html += "</span></li>"
    }

    static func loadHTML(_ load: CalendarLoad) -> String {
        "<span class=\"load load-" + load.level.rawValue + "\" title=\"" + Escape.html(load.summary) + "\">"
            + (load.posts == 0 ? "" : String(load.posts) + (load.posts == 1 ? " post" : " posts") + (load.level == .heavy ? " — heavy" : load.level == .busy ? " — busy" : ""))
            + "</span>"
    }

    static func month(_ plan: CalendarPlan, canSchedule: Bool) -> String {
        let range = plan.range
        var html = "<div class=\"table-wrap\"><table class=\"calendar month\" aria-labelledby=\"calendar-title\"><thead><tr>"
        for day in weekdays { html += "<th scope=\"col\">" + day + "</th>" }
        html += "</tr></thead><tbody>"
        let today = CalendarDay.today(in: range.zone)
        for (index, (day, entries)) in plan.days.enumerated() {
            if index % 7 == 0 { html += "<tr>" }
            let load = CalendarLoad(entries)
            var classes = "day load-" + load.level.rawValue
            if day.month != range.anchor.month { classes += " other-month" }
            if day == today { classes += " today" }
            html += "<td class=\"" + classes + "\" data-date=\"" + day.iso + "\"><div class=\"day-head\"><span class=\"num\">" + String(day.day) + "</span>"
            html += loadHTML(load) + "</div>"
            if !entries.isEmpty {
                html += "<ul>"
                for entry in entries.prefix(perDayInMonth) { entryHTML(entry, zone: range.zone, draggable: canSchedule && entry.state == .scheduled, into: &html) }
                html += "</ul>"
                if entries.count > perDayInMonth {
                    html += "<a class=\"more\" href=\"/calendar?" + Escape.html(query(range, view: .week, date: day, filter: plan.filter)) + "\">+"
                    html += String(entries.count - perDayInMonth) + " more</a>"
                }
            }
            html += "</td>"
            if index % 7 == 6 { html += "</tr>" }
        }
        html += "</tbody></table></div>"
        return html
    }

    static func week(_ plan: CalendarPlan, page: PageContext, canSchedule: Bool) -> String {
        let range = plan.range
        let back = "/calendar?" + query(range, filter: plan.filter)
        var html = "<div class=\"calendar week\">"
        for (index, (day, entries)) in plan.days.enumerated() {
            let load = CalendarLoad(entries)
            html += "<section class=\"day load-" + load.level.rawValue + "\" data-date=\"" + day.iso + "\"><h3>" + weekdays[index % 7] + " " + day.iso
            html += " " + loadHTML(load) + "</h3>"
            if entries.isEmpty {
                html += "<p class=\"empty\">Nothing planned.</p>"
            } else {
                html += "<p class=\"hint\">" + Escape.html(load.summary) + "</p><ul>"
                for entry in entries {
                    entryHTML(entry, zone: range.zone, draggable: canSchedule && entry.state == .scheduled, into: &html)
                    if canSchedule && entry.state == .scheduled {
                        html.removeLast(5) // reopen the <li> to hold the form
                        html += "<form method=\"post\" action=\"/calendar/reschedule\" class=\"reschedule\">"
                        html += "<input type=\"hidden\" name=\"_csrf\" value=\"" + Escape.html(page.csrfToken) + "\"/>"
                        html += "<input type=\"hidden\" name=\"post_id\" value=\"" + String(entry.postID) + "\"/>"
                        html += "<input type=\"hidden\" name=\"version\" value=\"" + String(entry.version) + "\"/>"
                        html += "<input type=\"hidden\" name=\"time_zone\" value=\"" + Escape.html(entry.scheduleZone) + "\"/>"
                        html += "<input type=\"hidden\" name=\"return\" value=\"" + Escape.html(back) + "\"/>"
                        let label = "New time for " + entry.title
                        html += "<label class=\"visually-hidden\" for=\"move-" + String(entry.postID) + "\">" + Escape.html(label) + "</label>"
                        html += "<input type=\"datetime-local\" id=\"move-" + String(entry.postID) + "\" name=\"publish_at\" value=\"" + entry.localDateTime + "\" required=\"required\"/>"
                        html += " <span class=\"hint\">" + Escape.html(entry.scheduleZone == PostSchedule.recipientZone ? "each employee's local time" : entry.scheduleZone) + "</span>"
                        html += " <button type=\"submit\" class=\"secondary\">Move</button></form></li>"
                    }
                }
                html += "</ul>"
            }
            html += "</section>"
        }
        html += "</div>"
        return html
    }

    // MARK: feeds

    static func feeds(_ page: PageContext, feeds: [CalendarFeed], choices: Choices, created: (CalendarFeed, url: String)?, error: AppError?) -> [HTMLNode] {
        func name(_ list: [(id: Int64, name: String)], _ id: Int64?) -> String? { id.flatMap { id in list.first { $0.id == id }?.name ?? "#\(id)" } }
        func describe(_ filter: CalendarFilter) -> String {
            var parts: [String] = []
            if let team = name(choices.teams, filter.teamID) { parts.append("team \(team)") }
            if let topic = name(choices.topics, filter.topicID) { parts.append("topic \(topic)") }
            if let campaign = name(choices.campaigns, filter.campaignID) { parts.append("campaign \(campaign)") }
            if let channel = filter.channel { parts.append("channel \(channel.title)") }
            return parts.isEmpty ? "Everything" : parts.joined(separator: ", ")
        }
        func options(_ list: [(id: Int64, name: String)]) -> [(value: String, title: String)] {
            [(value: "", title: "Any")] + list.map { (String($0.id), $0.name) }
        }
        var nodes: [HTMLNode] = [
            UI.heading("Calendar feeds", subtitle: "Subscribe to the plan in Outlook, Google Calendar or Apple Calendar. Each feed has a secret address: anyone with it can read the plan, so treat it like a password."),
        ]
        if let (feed, url) = created {
            nodes.append(el("div", [("class", "secret"), ("role", "status")], [
                el("p", [], text: "Your new feed \"\(feed.name)\" is at this address. Copy it now: it is not shown again."),
                el("code", [("id", "feed-url")], text: url),
                el("p", [("class", "hint")], text: "Outlook: Add calendar → Subscribe from web. Google Calendar: Other calendars → From URL. Calendar apps refresh it every few hours."),
            ]))
        }
        nodes.append(UI.table(caption: "Your feeds", headers: ["Name", "Shows", "Address", "Created", "Last read", ""], rows: feeds.map { feed in
            [text(feed.name), text(describe(feed.filter)), el("code", text: feed.prefix + "…"), text(feed.createdAt.formatted(date: .abbreviated, time: .shortened)),
             text(feed.lastUsedAt.map { $0.formatted(date: .abbreviated, time: .shortened) } ?? "never"),
             el("form", [("method", "post"), ("action", "/calendar/feeds/\(feed.id)/delete"), ("data-confirm", "Delete this feed? Calendars subscribed to it stop updating.")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete"),
             ])]
        }, empty: "No feeds yet."))
        var fields: [HTMLNode] = []
        if let error { fields.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        fields += [
            UI.field("Name", name: "name", value: "", hint: "What you will see in your calendar app, e.g. \"HR plan\".", attributes: [("maxlength", "80")]),
            UI.select("Team", name: "team_id", options: options(choices.teams), selected: ""),
            UI.select("Topic", name: "topic_id", options: options(choices.topics), selected: ""),
            UI.select("Campaign", name: "campaign_id", options: options(choices.campaigns), selected: ""),
            UI.select("Channel", name: "channel", options: [(value: "", title: "Any")] + Channel.allCases.map { ($0.rawValue, $0.title) }, selected: ""),
        ]
        nodes.append(UI.card("New feed", [UI.form(action: "/calendar/feeds", csrf: page.csrfToken, submit: "Create feed", fields)]))
        nodes.append(el("p", [], [link("← Calendar", "/calendar")]))
        return nodes
    }
}

extension CalendarDay {
    /// This day if it lies in the range, else the range's first day.
    func clamped(to range: CalendarRange) -> CalendarDay {
        range.days.contains(self) ? self : range.days.first!
    }
}
