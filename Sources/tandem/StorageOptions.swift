import ArgumentParser
import Foundation
import Logging
import TandemApp
import TandemStore

/// Options every subcommand shares, so any command can run beside a live server.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder for the SQLite database (env TANDEM_DATA_DIR, default ./tandem-data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "postgres://user:pass@host:5432/db to use PostgreSQL (env TANDEM_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("config"), help: "A file of TANDEM_SETTING=value lines.")
    var configFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env TANDEM_LOG_LEVEL).")
    var logLevel: String?

    func flags() -> [String: String] {
        var flags: [String: String] = [:]
        flags["TANDEM_DATA_DIR"] = dataDirectory
        flags["TANDEM_DATABASE_URL"] = databaseURL
        flags["TANDEM_LOG_LEVEL"] = logLevel
        return flags
    }

    func configuration(extra: [String: String] = [:]) throws -> TandemConfiguration {
        do {
            return try TandemConfiguration.resolve(
                flags: flags().merging(extra) { $1 }, environment: ProcessInfo.processInfo.environment, configFile: configFile)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

func makeLogger(_ configuration: TandemConfiguration, label: String = "tandem") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}

/// Opens the configured database for a CLI command, printing one clear line if it cannot.
func withDatabase<T>(_ configuration: TandemConfiguration, migrate: Bool = true, _ body: (Database) async throws -> T) async throws -> T {
    var logger = makeLogger(configuration)
    if configuration.logLevel == "info" { logger.logLevel = .warning }
    let database: Database
    do {
        database = try await openDatabase(configuration, logger: logger, migrate: migrate)
    } catch let error as StoreError {
        throw CommandFailure(description: error.description)
    }
    do {
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        throw error
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
