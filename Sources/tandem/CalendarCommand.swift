import Accounts
import ArgumentParser
import Audit
import Content
import Foundation
import TandemApp
import TandemCore

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "The editorial calendar: each day's posts and load, and iCalendar feeds.",
        subcommands: [Show.self, Feed.self])

    /// Filters named the way people say them (team, topic and campaign names).
    struct Filters: ParsableArguments {
        @Option(help: "Only posts by this team's members or on topics it owns (team name).") var team: String?
        @Option(help: "Only posts on this topic (topic name).") var topic: String?
        @Option(help: "Only posts in this campaign (campaign name).") var campaign: String?
        @Option(help: "Only posts going out on this channel: feed, email, chat, sms or social.") var channel: String?

        func resolve(_ store: CalendarStore) async throws -> CalendarFilter {
            let choices = try await store.filterChoices()
            func id(_ name: String?, in list: [(id: Int64, name: String)], what: String) throws -> Int64? {
                guard let name else { return nil }
                guard let match = list.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw ValidationError("No \(what) named '\(name)'. \(what.capitalized)s: \(list.map(\.name).joined(separator: ", ")).")
                }
                return match.id
            }
            var filter = CalendarFilter(teamID: try id(team, in: choices.teams, what: "team"), topicID: try id(topic, in: choices.topics, what: "topic"),
                                        campaignID: try id(campaign, in: choices.campaigns, what: "campaign"))
            if let channel {
                guard let value = Channel(rawValue: channel) else { throw ValidationError("--channel is one of \(Channel.allCases.map(\.rawValue).joined(separator: ", ")).") }
                filter.channel = value
            }
            return filter
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a month or week: one line per day (date, posts, load, channels), then its posts (time, state, title).",
            discussion: "Example: tandem calendar show --month 2026-12 --time-zone Europe/Berlin --channel sms")
        @OptionGroup var storage: StorageOptions
        @OptionGroup var filters: Filters
        @Option(help: "The month, YYYY-MM (default this month).") var month: String?
        @Option(help: "A day of the week to show instead of a month, YYYY-MM-DD.") var week: String?
        @Option(name: .customLong("time-zone"), help: "IANA zone the days are cut in (default UTC).") var timeZone = "UTC"

        func run() async throws {
            guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("--time-zone must be an IANA zone such as Europe/Berlin.") }
            let range: CalendarRange
            do {
                if let week {
                    range = CalendarRange(view: .week, containing: try CalendarDay(parsing: week, field: "week"), zone: zone)
                } else {
                    range = CalendarRange(view: .month, containing: try month.map { try CalendarDay(parsing: $0, field: "month") } ?? CalendarDay.today(in: zone), zone: zone)
                }
            } catch let error as AppError {
                throw ValidationError(error.message)
            }
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let store = CalendarStore(database: database)
                let plan = try await store.plan(range, filter: try await filters.resolve(store))
                print("\(range.title): \(plan.total) posts (times in \(zone.identifier); * = each employee's local time)")
                for (day, entries) in plan.days where !entries.isEmpty || range.view == .week {
                    let load = CalendarLoad(entries)
                    print("\(day.iso)\t\(load.posts)\t\(load.level.rawValue)\t\(load.summary)")
                    for entry in entries {
                        print("  \(entry.shownTime(in: zone))\t\(entry.state.rawValue)\t#\(entry.postID)\t\(entry.title)")
                    }
                }
                if plan.truncated { FileHandle.standardError.write(Data("Only the first \(CalendarStore.maximumEntries) posts are shown; narrow it with a filter.\n".utf8)) }
            }
        }
    }

    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "iCalendar feeds: secret addresses that show the plan in Outlook or Google Calendar.",
                                                        subcommands: [Create.self, List.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a feed for a staff user and print its address once.",
                                                            discussion: "Example: tandem calendar feed create --user hr@example.com --name 'HR plan' --team HR")
            @OptionGroup var storage: StorageOptions
            @OptionGroup var filters: Filters
            @Option(help: "The owner's email; the feed works while they may read the plan.") var user: String
            @Option(help: "The name the calendar app shows.") var name: String
            @Option(name: .customLong("public-url"), help: "URL users reach Tandem at (env TANDEM_PUBLIC_URL), used in the address.") var publicURL: String?

            func run() async throws {
                let configuration = try storage.configuration(extra: publicURL.map { ["TANDEM_PUBLIC_URL": $0] } ?? [:])
                try await withDatabase(configuration) { database in
                    guard let owner = try await UserStore(database: database).find(email: user) else {
                        throw ValidationError("No staff user with the email \(user). List them with: tandem user list")
                    }
                    do {
                        let (feed, token) = try await CalendarFeedStore(database: database).create(
                            userID: owner.id, name: name, filter: try await filters.resolve(CalendarStore(database: database)), by: AuditActor.cli("cli:" + NSUserName()))
                        print(configuration.baseURL + CalendarFeed.path(token: token))
                        FileHandle.standardError.write(Data("Created feed '\(feed.name)' for \(owner.email). The address is shown only now; anyone with it can read the plan.\n".utf8))
                    } catch let error as AppError {
                        throw CommandFailure(description: error.message)
                    }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a user's feeds: id, name, address prefix, created, last read.")
            @OptionGroup var storage: StorageOptions
            @Option(help: "The owner's email.") var user: String

            func run() async throws {
                let configuration = try storage.configuration()
                try await withDatabase(configuration) { database in
                    guard let owner = try await UserStore(database: database).find(email: user) else {
                        throw ValidationError("No staff user with the email \(user). List them with: tandem user list")
                    }
                    for feed in try await CalendarFeedStore(database: database).list(userID: owner.id) {
                        print([String(feed.id), feed.name, feed.prefix + "…", feed.createdAt.ISO8601Format(), feed.lastUsedAt?.ISO8601Format() ?? "never"].joined(separator: "\t"))
                    }
                }
            }
        }
    }
}
