import ArgumentParser
import Foundation
import TandemApp

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo organisation (safe to run again).")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let configuration = try storage.configuration()
        try await withDatabase(configuration) { database in
            let services = TandemServices(configuration: configuration, database: database)
            Swift.print("Loading the demo organisation…")
            let credentials = try await DemoLoader(services).load(
                password: ProcessInfo.processInfo.environment["TANDEM_DEMO_PASSWORD"]) { Swift.print("  added \($0)") }
            Self.printCredentials(credentials, baseURL: configuration.baseURL)
            try await Self.printEmployeeLink(DemoLoader(services), baseURL: configuration.baseURL)
        }
    }

    static func printEmployeeLink(_ loader: DemoLoader, baseURL: String) async throws {
        guard let link = try await loader.employeeLink(baseURL: baseURL) else { return }
        Swift.print("Employee view: sign in as \(link.name) with this link (works once, for 24 hours; `tandem demo` prints a new one):")
        Swift.print("  \(link.url)")
        if let screen = try await loader.signageLink(baseURL: baseURL) {
            Swift.print("Signage: a screen for \(screen.site) (open it full-screen; manage screens at \(baseURL)/signage):")
            Swift.print("  \(screen.url)")
        }
        fflush(nil)  // all streams: stdout is block-buffered when sent to a file or pipe
    }

    static func printCredentials(_ credentials: [DemoLoader.Credential], baseURL: String) {
        guard !credentials.isEmpty else {
            Swift.print("The demo organisation is already loaded; its users keep the passwords printed when it was first loaded.")
            return
        }
        Swift.print("Demo staff users (sign in at \(baseURL)/login):")
        for credential in credentials {
            Swift.print("  \(credential.email.padding(toLength: 30, withPad: " ", startingAt: 0)) \(credential.password)   roles: \(credential.roles.map(\.rawValue).joined(separator: ", "))")
        }
        fflush(nil)  // all streams: stdout is block-buffered when sent to a file or pipe
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write a consistent backup while Tandem keeps running.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "File to write (must not exist).") var to: String

    func run() async throws {
        let configuration = try storage.configuration()
        try await withDatabase(configuration, migrate: false) { database in
            do {
                try await Backup.backup(database, to: to)
            } catch let error as ConfigurationError {
                throw CommandFailure(description: "\(error.description)")
            }
            print("Backup written to \(to)")
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Replace the database with a backup. Stop every tandem serve first.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Backup file made by 'tandem backup'.") var from: String
    @Flag(help: "Confirm that the current data may be replaced.") var yes = false

    func run() async throws {
        let configuration = try storage.configuration()
        guard yes else {
            throw CommandFailure(description: "restoring replaces all current data in \(configuration.databaseLocation.redacted). Stop every tandem serve, then run again with --yes.")
        }
        do {
            try await Backup.restore(configuration.databaseLocation, from: from, migrator: Migrations.all)
        } catch let error as ConfigurationError {
            throw CommandFailure(description: "\(error.description)")
        }
        print("Restored \(from). Start tandem serve; pending migrations are applied on start.")
    }
}
