import Analytics
import ArgumentParser
import Engagement
import Foundation
import Listening
import TandemApp
import TandemCore
import TandemStore

struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics", abstract: "Engagement figures for scripts and reports, and pruning of raw events.",
        subcommands: [Posts.self, Post.self, Campaign.self, Channels.self, KPIs.self, Scorecard.self, Prune.self])

    struct Posts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print published posts: id, title, recipients, reached, read, acknowledged (tab-separated; groups under the privacy threshold show '-').")
        @OptionGroup var storage: StorageOptions
        @Option(help: "How many posts, newest first.") var limit = 50

        func run() async throws {
            let configuration = try storage.configuration()
            guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be 1 to 1000.") }
            let rule = Suppression(threshold: configuration.privacyMinimumGroup)
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                print(["post", "title", "recipients", "reached", "read", "acknowledged"].joined(separator: "\t"))
                for post in try await PostMetricsStore(database: database).recent(limit: limit) {
                    let shown = rule.allows(post.recipients)
                    let figures = [post.recipients, post.reached, post.read, post.acknowledged].map { shown ? String($0) : "-" }
                    print(([String(post.postId), post.title.replacingOccurrences(of: "\t", with: " ")] + figures).joined(separator: "\t"))
                }
            }
        }
    }

    struct Post: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one post's dashboard as JSON (the same as GET /api/v1/analytics/posts/{id}).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The post's id.") var id: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                guard let dashboard = try await PostMetricsStore(database: database).dashboard(post: id, suppression: Suppression(threshold: configuration.privacyMinimumGroup)) else {
                    throw ValidationError("There is no post \(id). 'tandem analytics posts' lists the published ones.")
                }
                print(String(decoding: try JSONCoding.encoder.encode(PostDashboardExport.json(dashboard)), as: UTF8.self))
            }
        }
    }

    struct Campaign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one campaign's dashboard as JSON (the same as GET /api/v1/analytics/campaigns/{id}).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The campaign's id.") var id: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                guard let dashboard = try await PostMetricsStore(database: database).dashboard(.campaign(id), suppression: Suppression(threshold: configuration.privacyMinimumGroup)) else {
                    throw ValidationError("There is no campaign \(id). The campaigns are listed at /campaigns.")
                }
                print(String(decoding: try JSONCoding.encoder.encode(PostDashboardExport.json(dashboard)), as: UTF8.self))
            }
        }
    }

    struct Channels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the channel effectiveness matrix as CSV (the same as /analytics/channels.csv).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Breakdown: country, department, site, worker_type or language.") var dimension = "country"
        @Option(help: "First day, YYYY-MM-DD (with --to; neither means the last 90 days).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?

        func run() async throws {
            let configuration = try storage.configuration()
            let dimension: SegmentDimension
            let period: AnalyticsPeriod
            do {
                dimension = try ChannelMatrixCLI.dimension(self.dimension)
                period = try AnalyticsPeriod.parse(from: from, to: to)
            } catch let error as AppError {
                throw ValidationError(error.message)
            }
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                let metrics = PostMetricsStore(database: database)
                let matrix = try await ChannelMatrixStore(database: database, metrics: metrics).matrix(dimension, period: period,
                                                                                                       suppression: Suppression(threshold: configuration.privacyMinimumGroup))
                print(ChannelMatrixCLI.csv(matrix), terminator: "")
            }
        }
    }

    struct KPIs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "kpis", abstract: "Print every KPI with its value this period and last (tab-separated).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                let store = KPIStore(database: database, metrics: PostMetricsStore(database: database), sources: [SurveyKPIMetrics(database: database)])
                print(["kpi", "owner", "period", "value", "target", "met", "previous", "note"].joined(separator: "\t"))
                for row in try await store.scorecardRows(suppression: Suppression(threshold: configuration.privacyMinimumGroup)) {
                    let cells = [String(row.kpi.id) + " " + row.kpi.name, row.kpi.ownerTeam.rawValue, row.current.label, row.current.value.map { String(format: "%.2f", $0) } ?? "-",
                                 (row.kpi.direction == .higher ? ">=" : "<=") + String(row.kpi.target), row.current.met(row.kpi).map { $0 ? "yes" : "no" } ?? "-",
                                 row.previous.value.map { String(format: "%.2f", $0) } ?? "-", row.current.note ?? ""]
                    print(cells.map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t"))
                }
            }
        }
    }

    struct Scorecard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the team scorecards as CSV (the same as /analytics/scorecards.csv), e.g. for KPI-linked recognition.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Only this team: hr, ic or marketing.") var team: String?

        func run() async throws {
            let configuration = try storage.configuration()
            if let team, !["hr", "ic", "marketing"].contains(team) { throw ValidationError("--team is hr, ic or marketing.") }
            try await withDatabase(configuration) { database in
                try await RollupBuilder(database: database).catchUp()
                let store = KPIStore(database: database, metrics: PostMetricsStore(database: database), sources: [SurveyKPIMetrics(database: database)])
                let cards = Analytics.Scorecard.cards(try await store.scorecardRows(suppression: Suppression(threshold: configuration.privacyMinimumGroup)))
                print(ChannelMatrixCLI.scorecards(cards.filter { team == nil || $0.team.rawValue == team }), terminator: "")
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete raw engagement events older than the retention now (the server also does it hourly); dashboards do not change.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Keep this many days (at least 61; default TANDEM_EVENT_RETENTION_DAYS).") var days: Int?

        func run() async throws {
            let configuration = try storage.configuration()
            let keep = days ?? configuration.eventRetentionDays
            guard keep >= 61 else { throw ValidationError("--days must be at least 61: tracking links stay valid for 60 days, and their retries must still be recognised.") }
            try await withDatabase(configuration) { database in
                let feature = EngagementFeature(database: database, signer: LinkSigner(database: database))
                try await feature.rollUp()
                print("pruned \(try await feature.prune(olderThanDays: keep)) raw events older than \(keep) days")
            }
        }
    }
}
