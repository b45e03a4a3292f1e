import Foundation
import Logging
import SQLKit
import TandemApp
import TandemStore

/// Where a benchmark measures: a fresh SQLite file in a temporary folder, and/or a scratch
/// schema on a PostgreSQL (created first and dropped after), each opened for `measure`.
enum BenchDatabase {
    /// With `postgresURL`, measures on PostgreSQL, and on SQLite first only when `sqliteToo`;
    /// without it, on SQLite.
    static func run(postgresURL: String?, sqliteToo: Bool = false,
                    _ measure: (Database, _ engine: String, TandemConfiguration) async throws -> Void) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = TandemConfiguration()
        configuration.dataDirectory = folder.path
        if postgresURL == nil || sqliteToo {
            let database = try await Database.open(configuration.databaseLocation, logger: logger)
            try await measure(database, "SQLite", configuration)
            await database.close()
        }
        guard let postgresURL else { return }
        let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try await Database.open(.postgres(url: postgresURL), logger: logger)
        try await admin.transaction { db in try await db.raw("CREATE SCHEMA \(ident: schema)").run() }
        let url = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "search_path=\(schema)"
        configuration.databaseURL = url
        let database = try await Database.open(.postgres(url: url), logger: logger)
        do { try await measure(database, "PostgreSQL", configuration) } catch { say("PostgreSQL run failed: \(error)") }
        await database.close()
        try await admin.transaction { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        await admin.close()
    }
}
