import ArgumentParser
import Audiences
import Content
import Delivery
import Foundation
import TandemApp

struct DeliveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery", abstract: "Publish due posts, freeze audiences into deliveries, and show a post's delivery.",
        subcommands: [Run.self, Status.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One pass of what `serve` does every few seconds: publish due posts, freeze audiences, then send what is due.",
            discussion: "For cron or scripts when no server runs. Safe to run while servers run: walks are leased and idempotent.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let pass = try await services.delivery.scheduler.tick()
                for id in pass.published { print("published post \(id)") }
                for send in pass.resolved {
                    print("post \(send.postID): \(send.state.rawValue), \(send.people) people, \(send.deliveries) deliveries, \(send.unreachable) unreachable")
                }
                let cancelled = try await services.delivery.worker.cancelWithdrawn()
                if cancelled > 0 { print("cancelled \(cancelled) deliveries of withdrawn posts") }
                let sent = try await services.delivery.worker.drain()
                if sent.claimed > 0 { print("deliveries: \(sent.sent) sent, \(sent.retrying) to retry, \(sent.dead) dead") }
                if pass.published.isEmpty && pass.resolved.isEmpty && sent.claimed == 0 && cancelled == 0 { print("Nothing was due.") }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a post's frozen audience and its deliveries per channel and state (tab-separated).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The post's id.") var post: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let status = try await DeliveryStore(database: database).status(of: post)
                guard let send = status.send else {
                    throw ValidationError("Post \(post) has not been published (or does not exist); its audience is frozen when it is published.")
                }
                print("post \(post)\tv\(send.version)\t\(send.state.rawValue)\tpeople \(send.people)\tdeliveries \(send.deliveries)\tunreachable \(send.unreachable)")
                print("rule\t\(send.rule)")
                print((["channel"] + DeliveryState.allCases.map(\.rawValue) + ["total"]).joined(separator: "\t"))
                for line in status.channels {
                    print(([line.channel.rawValue] + DeliveryState.allCases.map { String(line.counts[$0.rawValue] ?? 0) } + [String(line.total)]).joined(separator: "\t"))
                }
            }
        }
    }
}
