import ArgumentParser
import Audit
import Feed
import Foundation
import TandemApp
import TandemCore

struct SignageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signage", abstract: "Screens that show each site's posts (for rolling them out to many stores at once).",
        subcommands: [List.self, Create.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the screens: id, site, name, last seen (tab-separated).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                for screen in try await SignageStore(database: database).list() {
                    print([String(screen.id), screen.site, screen.name, screen.lastSeenAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a screen for a site and print its secret address (shown only now).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The site whose posts it shows, as in the employees' site field.") var site: String
        @Option(help: "What to call the screen, e.g. 'Canteen'.") var name: String

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    let (_, token) = try await SignageStore(database: database).create(name: name, site: site, by: AuditActor(userID: nil, label: "cli", channel: .cli))
                    print(configuration.baseURL + "/signage/screen/" + token)
                } catch let error as AppError {
                    throw ValidationError(error.message)
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a screen by id; its address stops working.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The screen's id (from 'tandem signage list').") var id: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                try await SignageStore(database: database).delete(id, by: AuditActor(userID: nil, label: "cli", channel: .cli))
                print("removed screen \(id)")
            }
        }
    }
}
