public import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SQLKit
public import TandemStore

/// Consistent online backups. SQLite: `VACUUM INTO` writes a compact, consistent copy while the
/// server keeps running. PostgreSQL: `pg_dump`/`pg_restore` in custom format.
public enum Backup {
    public static func backup(_ database: Database, to file: String) async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw ConfigurationError("\(file) already exists. Choose a new file name; backups never overwrite.")
        }
        switch database.location {
        case .sqlite:
            try await database.exclusive { db in
                try await db.raw("VACUUM INTO \(bind: file)").run()
            }
        case .postgres(let url):
            try run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--dbname", plainURL(url)])
        }
    }

    /// Replaces the database with the backup. Stop every `tandem serve` first.
    public static func restore(_ location: DatabaseLocation, from file: String, migrator: Migrator) async throws {
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigurationError("\(file) does not exist.")
        }
        switch location {
        case .sqlite(let path):
            // Work on a copy so the backup file itself is never modified, and check the copy is
            // a Tandem database this binary can run before replacing anything.
            let manager = FileManager.default
            try manager.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            let staging = path + ".restoring"
            for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(atPath: staging + suffix) }
            try manager.copyItem(atPath: file, toPath: staging)
            do {
                try await check(staging, file: file, migrator: migrator)
            } catch {
                for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(atPath: staging + suffix) }
                throw error
            }
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
            // rename(2) replaces the old file atomically: a crash leaves the old or the new one.
            guard rename(staging, path) == 0 else {
                throw ConfigurationError("Could not move the restored database into place at \(path) (errno \(errno)).")
            }
        case .postgres(let url):
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--dbname", plainURL(url), file])
        }
    }

    private static func check(_ staging: String, file: String, migrator: Migrator) async throws {
        let probe = try await Database.open(.sqlite(path: staging), logger: .init(label: "restore"), readConnections: 1)
        do {
            let known = try await probe.reader.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").first()
            guard known != nil else { throw ConfigurationError("\(file) is not a Tandem backup (it has no schema_migrations table).") }
            let newest = try await probe.reader.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int64?.self) ?? 0
            if newest > migrator.latestVersion {
                throw StoreError.schemaNewerThanBinary(database: Int(newest), binary: migrator.latestVersion)
            }
            // Fold the WAL back into the file so the staged copy stands alone.
            try await probe.exclusive { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
            await probe.close()
        } catch {
            await probe.close()
            throw error
        }
    }

    static func plainURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        let kept = components.queryItems?.filter { $0.name != "search_path" } ?? []
        components.queryItems = kept.isEmpty ? nil : kept
        return components.string ?? url
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw ConfigurationError("Could not run \(tool): \(error). Install the PostgreSQL client tools (apt-get install postgresql-client).")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ConfigurationError("\(tool) failed (exit \(process.terminationStatus)): \(message.prefix(500))")
        }
    }
}
