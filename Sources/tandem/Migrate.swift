import ArgumentParser
import Foundation
import TandemApp
import TandemStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations, or list them with --status.")

    @OptionGroup var storage: StorageOptions
    @Flag(help: "List migrations and whether each is applied; change nothing.") var status = false

    func run() async throws {
        let configuration = try storage.configuration()
        try await withDatabase(configuration, migrate: false) { database in
            if status {
                let format = Date.ISO8601FormatStyle()
                for entry in try await Migrations.all.status(database) {
                    let state = entry.appliedAt.map { "applied \($0.formatted(format))" } ?? "pending"
                    print(String(format: "%4d  %@  %@", entry.version, entry.name.padding(toLength: 50, withPad: " ", startingAt: 0), state))
                }
                return
            }
            let applied = try await Migrations.all.migrate(database) { print("applied \($0.version): \($0.name)") }
            print(applied.isEmpty ? "The database is up to date (version \(Migrations.all.latestVersion))." : "Applied \(applied.count) migration(s).")
        }
    }
}
