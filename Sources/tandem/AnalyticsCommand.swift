import Analytics
import ArgumentParser
import Engagement
import Foundation
import TandemApp
import TandemCore
import TandemStore

struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics", abstract: "Engagement figures for scripts and reports, and pruning of raw events.",
        subcommands: [Posts.self, Post.self, Prune.self])

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
