public import Foundation
public import Logging
import SQLKit
public import TandemStore

/// Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema, per test.
///
/// PostgreSQL comes from `TANDEM_TEST_POSTGRES_URL`. Without it the PostgreSQL cases are left
/// out and the "PostgreSQL is configured" test reports itself skipped; CI sets
/// `TANDEM_REQUIRE_POSTGRES=1`, which turns a missing URL into failures instead.
public enum TestDatabase {
    public static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }

    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["TANDEM_REQUIRE_POSTGRES"] == "1"
    }

    /// The engines every store test runs on.
    public static var kinds: [DatabaseKind] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    public static var logger: Logger {
        var logger = Logger(label: "test")
        // TANDEM_TEST_SQL_LOG=1 logs every statement, to find the one that fails.
        logger.logLevel = ProcessInfo.processInfo.environment["TANDEM_TEST_SQL_LOG"] == nil ? .warning : .debug
        return logger
    }

    /// Opens a fresh, migrated database of `kind`, runs `body`, then removes it.
    public static func with<T>(_ kind: DatabaseKind, migrator: Migrator?, _ body: (Database) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let database = try await Database.open(.sqlite(path: folder.appendingPathComponent("test.sqlite").path), logger: logger)
            return try await run(database, migrator: migrator, body)
        case .postgres:
            guard let url = postgresURL else {
                throw TestSetupError("TANDEM_TEST_POSTGRES_URL is not set but TANDEM_REQUIRE_POSTGRES=1; start one with scripts/pg-cluster.sh start")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let admin = try await Database.open(.postgres(url: url), logger: logger)
            try await admin.transaction { db in try await db.raw("CREATE SCHEMA \(ident: String(schema))").run() }
            let separator = url.contains("?") ? "&" : "?"
            do {
                let database = try await Database.open(.postgres(url: url + separator + "search_path=\(schema)"), logger: logger)
                let result = try await run(database, migrator: migrator, body)
                try await admin.transaction { db in try await db.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
                await admin.close()
                return result
            } catch {
                try? await admin.transaction { db in try await db.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
                await admin.close()
                throw error
            }
        }
    }

    private static func run<T>(_ database: Database, migrator: Migrator?, _ body: (Database) async throws -> T) async throws -> T {
        do {
            if let migrator { try await migrator.migrate(database) }
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
