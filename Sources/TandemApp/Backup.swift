public import Foundation
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
            // Check the file is a Tandem database this binary can run before touching anything.
            let probe = try await Database.open(.sqlite(path: file), logger: .init(label: "restore"), readConnections: 1)
            defer { Task { await probe.close() } }
            let applied = try await migrator.appliedVersions(probe)
            guard !applied.isEmpty else { throw ConfigurationError("\(file) is not a Tandem backup (it has no schema_migrations).") }
            if let newest = applied.keys.max(), newest > migrator.latestVersion {
                throw StoreError.schemaNewerThanBinary(database: newest, binary: migrator.latestVersion)
            }
            let manager = FileManager.default
            try manager.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            let staging = path + ".restoring"
            try? manager.removeItem(atPath: staging)
            try manager.copyItem(atPath: file, toPath: staging)
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
            if manager.fileExists(atPath: path) {
                _ = try manager.replaceItemAt(URL(fileURLWithPath: path), withItemAt: URL(fileURLWithPath: staging))
            } else {
                try manager.moveItem(atPath: staging, toPath: path)
            }
        case .postgres(let url):
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--dbname", plainURL(url), file])
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
