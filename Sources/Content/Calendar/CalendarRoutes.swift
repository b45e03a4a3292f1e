import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The calendar: month and week pages, drag-or-form rescheduling, the API, and iCalendar feeds.
struct CalendarRoutes {
    let feature: ContentFeature
    var calendar: CalendarStore { feature.calendar }
    var feeds: CalendarFeedStore { feature.calendarFeeds }

    static let entrySchema = Schema.object([
        Schema.Property("id", .id), Schema.Property("title", .text), Schema.Property("state", .enumeration(CalendarStore.shownStates.map(\.rawValue))),
        Schema.Property("publish_at", .dateTime), Schema.Property("schedule_zone", .text),
        Schema.Property("local_time", .text, description: "HH:MM in the zone the post was scheduled in."),
        Schema.Property("priority", .enumeration(PostPriority.allCases.map(\.rawValue))), Schema.Property("version", .integer(minimum: 1)),
        Schema.Property("channels", .array(.enumeration(Channel.allCases.map(\.rawValue)))), Schema.Property("topics", .array(.text)),
        Schema.Property("campaign_id", .nullable(.id), required: false), Schema.Property("campaign_name", .nullable(.text), required: false),
    ])
    static let daySchema = Schema.object([
        Schema.Property("date", .string(format: "date")),
        Schema.Property("load", .object([
            Schema.Property("posts", .integer(minimum: 0)), Schema.Property("level", .enumeration(["none", "light", "busy", "heavy"])),
            Schema.Property("channels", .map(.integer(minimum: 0))),
        ])),
        Schema.Property("posts", .array(entrySchema)),
    ])
    static let planSchema = Schema.object([
        Schema.Property("view", .enumeration(CalendarRange.View.allCases.map(\.rawValue))), Schema.Property("time_zone", .text),
        Schema.Property("start_date", .string(format: "date")), Schema.Property("end_date", .string(format: "date")),
        Schema.Property("total", .integer(minimum: 0)), Schema.Property("truncated", .boolean),
        Schema.Property("days", .array(daySchema)),
    ])
    static let feedSchema = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("prefix", .text),
        Schema.Property("team_id", .nullable(.id), required: false), Schema.Property("topic_id", .nullable(.id), required: false),
        Schema.Property("campaign_id", .nullable(.id), required: false), Schema.Property("channel", .nullable(.text), required: false),
        Schema.Property("created_at", .dateTime), Schema.Property("last_used_at", .nullable(.dateTime), required: false),
    ])
    static let feedInput = Schema.object([
        Schema.Property("name", .line(1...80)),
        Schema.Property("team_id", .nullable(.id), required: false), Schema.Property("topic_id", .nullable(.id), required: false),
        Schema.Property("campaign_id", .nullable(.id), required: false),
        Schema.Property("channel", .nullable(.enumeration(Channel.allCases.map(\.rawValue))), required: false),
    ])

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors
        table.component("CalendarFeed", Self.feedSchema)

        table.page(.get, "/calendar", readers) { request, context in
            let (range, filter) = try Self.parse(request, strict: false)
            let plan = try await calendar.plan(range, filter: filter)
            let choices = try await choices()
            let canSchedule = editors.allows(context.identity)
            let (page, cookies) = Pages.context(request, context)
            let header = HTMLNode.group(CalendarPages.header(page, plan: plan, choices: choices, canSchedule: canSchedule)).render()
            let grid = range.view == .month ? CalendarPages.month(plan, canSchedule: canSchedule) : CalendarPages.week(plan, page: page, canSchedule: canSchedule)
            var response = Reply.html(Layout.render(title: "Calendar — \(range.title)", context: page, html: header + grid))
            for cookie in cookies { response.setCookie(cookie) }
            response.headers[.cacheControl] = "no-store"
            return response
        }

        table.page(.post, "/calendar/reschedule", editors) { request, context in
            let form = try await request.form(context: context)
            let back = Self.safeReturn(form["return"])
            do {
                guard let id = form.text("post_id").flatMap({ Int64($0) }), id > 0 else { throw AppError.invalid("post_id", "Pick a post on the calendar to move.") }
                let (action, zone) = try PostAPIRoutes.action("schedule", publishAt: form["publish_at"], timeZone: form["time_zone"], note: nil)
                let post = try await feature.posts.transition(id, action, expectedVersion: form.text("version").flatMap { Int($0) },
                                                              note: "rescheduled from the calendar", scheduleZone: zone, by: try ContentFeature.actor(context))
                let when = post.publishAt.map { PostPages.when($0, zone: post.scheduleZone) } ?? ""
                return Pages.redirect(back, flash: Flash(.success, "Moved \"\(post.title)\" to \(when)."), context: context)
            } catch let error as AppError where error.status != .unauthorized {
                return Pages.redirect(back, flash: Flash(.error, error.message), context: context)
            }
        }

        table.api(.get, "/api/v1/calendar", readers,
                  APIOperation(id: "getCalendar", summary: "Scheduled and published posts by day, with each day's load", tag: "Content",
                               parameters: [
                                APIParameter("view", in: .query, .enumeration(CalendarRange.View.allCases.map(\.rawValue)), description: "month (default) or week."),
                                APIParameter("date", in: .query, .string(minLength: 7, maxLength: 10, pattern: "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"), description: "A day in the month or week (default today)."),
                                APIParameter("time_zone", in: .query, .string(minLength: 1, maxLength: 64), description: "IANA zone the days are cut in (default UTC)."),
                                APIParameter("team_id", in: .query, .integer(minimum: 1), description: "Posts by the team's members or on topics it owns."),
                                APIParameter("topic_id", in: .query, .integer(minimum: 1), description: "Posts on this topic."),
                                APIParameter("campaign_id", in: .query, .integer(minimum: 1), description: "Posts in this campaign."),
                                APIParameter("channel", in: .query, .enumeration(Channel.allCases.map(\.rawValue)), description: "Posts going out on this channel."),
                               ],
                               success: APIOperation.ok(Self.planSchema), errors: [400])) { request, context in
            let (range, filter) = try Self.parse(request, strict: true)
            return try Reply.json(PlanJSON(try await calendar.plan(range, filter: filter)))
        }

        table.api(.get, "/api/v1/calendar/feeds", readers,
                  APIOperation(id: "listCalendarFeeds", summary: "Your iCalendar feeds (addresses are shown only when created)", tag: "Content",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("CalendarFeed")))])))) { _, context in
            struct Feeds: Encodable { let data: [FeedJSON] }
            return try Reply.json(Feeds(data: try await feeds.list(userID: try context.requireIdentity().userID).map(FeedJSON.init)))
        }

        table.api(.post, "/api/v1/calendar/feeds", readers,
                  APIOperation(id: "createCalendarFeed", summary: "Create an iCalendar feed; the response holds its secret address, shown once", tag: "Content",
                               requestBody: Self.feedInput,
                               success: APIOperation.created(.object([Schema.Property("feed", .ref("CalendarFeed")), Schema.Property("url", .text)])),
                               errors: [400, 409, 415, 422])) { request, context in
            struct Input: Decodable { let name: String; let teamId: Int64?; let topicId: Int64?; let campaignId: Int64?; let channel: String? }
            struct Created: Encodable { let feed: FeedJSON; let url: String }
            let input = try await request.json(Input.self, context: context)
            let channel = try input.channel.map { raw in
                guard let channel = Channel(rawValue: raw) else { throw AppError.invalid("channel", "channel is one of \(Channel.allCases.map(\.rawValue).joined(separator: ", ")).") }
                return channel
            }
            let (feed, token) = try await feeds.create(userID: try context.requireIdentity().userID, name: input.name,
                                                        filter: CalendarFilter(teamID: input.teamId, topicID: input.topicId, campaignID: input.campaignId, channel: channel),
                                                        by: try ContentFeature.actor(context).audit)
            return try Reply.json(Created(feed: FeedJSON(feed), url: feature.baseURL + CalendarFeed.path(token: token)), status: .created)
        }

        table.api(.delete, "/api/v1/calendar/feeds/{id}", readers,
                  APIOperation(id: "deleteCalendarFeed", summary: "Delete one of your feeds; its address stops working", tag: "Content",
                               parameters: [.pathID()], success: APIOperation.noContent, errors: [404])) { _, context in
            try await feeds.delete(id: try context.pathID(what: "Calendar feed"), userID: try context.requireIdentity().userID, by: try ContentFeature.actor(context).audit)
            return Reply.noContent()
        }

        table.page(.get, "/calendar/feeds", readers) { request, context in
            try await feedsPage(request, context, created: nil, error: nil)
        }

        table.page(.post, "/calendar/feeds", readers) { request, context in
            let form = try await request.form(context: context)
            do {
                func id(_ name: String) throws -> Int64? {
                    guard let raw = form.text(name) else { return nil }
                    guard let id = Int64(raw), id > 0 else { throw AppError.invalid(name, "Pick from the list.") }
                    return id
                }
                let channel = try form.text("channel").map { raw in
                    guard let channel = Channel(rawValue: raw) else { throw AppError.invalid("channel", "Pick a channel from the list.") }
                    return channel
                }
                let filter = CalendarFilter(teamID: try id("team_id"), topicID: try id("topic_id"), campaignID: try id("campaign_id"), channel: channel)
                let (feed, token) = try await feeds.create(userID: try context.requireIdentity().userID, name: form["name"] ?? "", filter: filter,
                                                            by: try ContentFeature.actor(context).audit)
                return try await feedsPage(request, context, created: (feed, feature.baseURL + CalendarFeed.path(token: token)), error: nil)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await feedsPage(request, context, created: nil, error: error)
            }
        }

        table.page(.post, "/calendar/feeds/{id}/delete", readers) { request, context in
            _ = try await request.form(context: context)
            try await feeds.delete(id: try context.pathID(what: "Calendar feed"), userID: try context.requireIdentity().userID, by: try ContentFeature.actor(context).audit)
            return Pages.redirect("/calendar/feeds", flash: Flash(.success, "Deleted the feed. Calendars subscribed to it stop updating."), context: context)
        }

        // The token in the address is the credential: calendar apps cannot sign in.
        table.ops(.get, "/calendar/feed/{token}", .anyone) { request, context in
            var token = context.parameters.get("token") ?? ""
            if token.hasSuffix(".ics") { token.removeLast(4) }
            guard let feed = try await feeds.feed(forToken: token) else {
                return Reply.text("This calendar address is not valid: it was deleted, its owner left, or it was mistyped. Create a new one in Tandem under Calendar → Calendar feeds.\n",
                                  status: .notFound)
            }
            let now = Date()
            let (entries, _) = try await calendar.entries(from: now.addingTimeInterval(-Double(CalendarFeed.pastDays) * 86_400),
                                                          to: now.addingTimeInterval(Double(CalendarFeed.futureDays) * 86_400),
                                                          filter: feed.filter, limit: CalendarFeed.maximumEvents)
            try await feeds.markUsed(feed, now: now)
            let host = URL(string: feature.baseURL)?.host ?? "tandem"
            var response = Reply.text(CalendarICS.render(entries, name: "Tandem: \(feed.name)", baseURL: feature.baseURL, host: host, now: now),
                                      contentType: "text/calendar; charset=utf-8")
            response.headers[.cacheControl] = "private, no-store"
            response.headers[.contentDisposition] = "inline; filename=\"tandem.ics\""
            return response
        }
    }

    func choices() async throws -> CalendarPages.Choices {
        let c = try await calendar.filterChoices()
        return CalendarPages.Choices(teams: c.teams, topics: c.topics, campaigns: c.campaigns)
    }

    func feedsPage(_ request: Request, _ context: TandemContext, created: (CalendarFeed, url: String)?, error: AppError?) async throws -> Response {
        let list = try await feeds.list(userID: try context.requireIdentity().userID)
        let choices = try await choices()
        var response = Pages.render(request, context, title: "Calendar feeds", status: error?.status ?? (created == nil ? .ok : .created)) {
            CalendarPages.feeds($0, feeds: list, choices: choices, created: created, error: error)
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Where to go back to after a move: only a calendar page of this site.
    static func safeReturn(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/calendar"), !raw.hasPrefix("//"), !raw.contains("\\"), raw.count < 500,
              !raw.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/calendar" }
        return raw
    }

    static func parse(_ request: Request, strict: Bool) throws -> (CalendarRange, CalendarFilter) {
        var view = CalendarRange.View.month
        if let raw = try request.queryText("view", max: 10, strict: strict) {
            guard let value = CalendarRange.View(rawValue: raw) else { throw AppError(.badRequest, code: "invalid_parameter", message: "'view' is month or week.", field: "view") }
            view = value
        }
        var zone = TimeZone(identifier: "UTC")!
        if let raw = try request.queryText("time_zone", max: 64, strict: strict) {
            guard raw != PostSchedule.recipientZone, let value = TimeZone(identifier: raw) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'time_zone' is an IANA time zone such as Europe/Berlin.", field: "time_zone")
            }
            zone = value
        }
        var day = CalendarDay.today(in: zone)
        if let raw = try request.queryText("date", max: 10, strict: strict) {
            do {
                day = try CalendarDay(parsing: raw, field: "date")
            } catch let error as AppError {
                throw AppError(.badRequest, code: "invalid_parameter", message: error.message, field: "date")
            }
        }
        func id(_ name: String) throws -> Int64? {
            guard let raw = try request.queryText(name, max: 20, strict: strict) else { return nil }
            guard let id = Int64(raw), id > 0 else { throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' is a positive id.", field: name) }
            return id
        }
        var filter = CalendarFilter(teamID: try id("team_id"), topicID: try id("topic_id"), campaignID: try id("campaign_id"))
        if let raw = try request.queryText("channel", max: 20, strict: strict) {
            guard let channel = Channel(rawValue: raw) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'channel' is one of \(Channel.allCases.map(\.rawValue).joined(separator: ", ")).", field: "channel")
            }
            filter.channel = channel
        }
        return (CalendarRange(view: view, containing: day, zone: zone), filter)
    }

    struct EntryJSON: Encodable {
        let id: Int64
        let title: String
        let state: PostState
        let publishAt: Date
        let scheduleZone: String
        let localTime: String
        let priority: PostPriority
        let version: Int
        let channels: [Channel]
        let topics: [String]
        let campaignId: Int64?
        let campaignName: String?
    }

    struct LoadJSON: Encodable { let posts: Int; let level: String; let channels: [String: Int] }
    struct DayJSON: Encodable { let date: String; let load: LoadJSON; let posts: [EntryJSON] }

    struct PlanJSON: Encodable {
        let view: String
        let timeZone: String
        let startDate: String
        let endDate: String
        let total: Int
        let truncated: Bool
        let days: [DayJSON]

        init(_ plan: CalendarPlan) {
            view = plan.range.view.rawValue
            timeZone = plan.range.zone.identifier
            startDate = plan.range.days.first!.iso
            endDate = plan.range.days.last!.iso
            total = plan.total
            truncated = plan.truncated
            days = plan.days.map { day, entries in
                let load = CalendarLoad(entries)
                return DayJSON(date: day.iso, load: LoadJSON(posts: load.posts, level: load.level.rawValue,
                                                             channels: Dictionary(uniqueKeysWithValues: load.perChannel.map { ($0.key.rawValue, $0.value) })),
                               posts: entries.map { e in
                                   EntryJSON(id: e.postID, title: e.title, state: e.state, publishAt: e.publishAt, scheduleZone: e.scheduleZone,
                                             localTime: e.localTime, priority: e.priority, version: e.version, channels: e.channels,
                                             topics: e.topicNames, campaignId: e.campaignID, campaignName: e.campaignName)
                               })
            }
        }
    }

    struct FeedJSON: Encodable {
        let id: Int64
        let name: String
        let prefix: String
        let teamId: Int64?
        let topicId: Int64?
        let campaignId: Int64?
        let channel: Channel?
        let createdAt: Date
        let lastUsedAt: Date?

        init(_ feed: CalendarFeed) {
            id = feed.id
            name = feed.name
            prefix = feed.prefix
            teamId = feed.filter.teamID
            topicId = feed.filter.topicID
            campaignId = feed.filter.campaignID
            channel = feed.filter.channel
            createdAt = feed.createdAt
            lastUsedAt = feed.lastUsedAt
        }
    }
}
