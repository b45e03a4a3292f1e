public import Foundation
public import SQLKit

/// One versioned schema change. Each feature keeps its migrations next to its store; the app
/// joins them into one ordered list. The same statements serve both engines through `Dialect`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: @Sendable (Dialect) -> [String]

    public init(_ version: Int, _ name: String, _ statements: @escaping @Sendable (Dialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

public struct MigrationStatus: Sendable {
    public let version: Int
    public let name: String
    public let appliedAt: Date?
}

/// Applies migrations in order, each in its own transaction, and refuses a database whose
/// schema is newer than this binary.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        let versions = migrations.map(\.version)
        precondition(versions == versions.sorted() && Set(versions).count == versions.count, "migration versions must be unique and ascending")
        self.migrations = migrations
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    private func ensureTable(_ database: Database) async throws {
        let d = database.dialect
        try await database.transaction { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version \(unsafeRaw: d.bigint) PRIMARY KEY,
                    name \(unsafeRaw: d.text) NOT NULL,
                    applied_at \(unsafeRaw: d.bigint) NOT NULL)
                """).run()
        }
    }

    public func appliedVersions(_ database: Database) async throws -> [Int: Int64] {
        try await ensureTable(database)
        let rows = try await database.reader.raw("SELECT version, applied_at FROM schema_migrations").all()
        var applied: [Int: Int64] = [:]
        for row in rows {
            applied[Int(try row.decode(column: "version", as: Int64.self))] = try row.decode(column: "applied_at", as: Int64.self)
        }
        return applied
    }

    public func status(_ database: Database) async throws -> [MigrationStatus] {
        let applied = try await appliedVersions(database)
        return migrations.map { MigrationStatus(version: $0.version, name: $0.name, appliedAt: applied[$0.version].map(Millis.date)) }
    }

    /// Throws when the database is ahead of the binary; returns how many migrations are pending.
    public func pendingCount(_ database: Database) async throws -> Int {
        let applied = try await appliedVersions(database)
        if let newest = applied.keys.max(), newest > latestVersion {
            throw StoreError.schemaNewerThanBinary(database: newest, binary: latestVersion)
        }
        return migrations.filter { applied[$0.version] == nil }.count
    }

    /// Applies what is pending and returns what it applied.
    @discardableResult
    public func migrate(_ database: Database, progress: @Sendable (Migration) -> Void = { _ in }) async throws -> [Migration] {
        _ = try await pendingCount(database)
        var done: [Migration] = []
        for migration in migrations {
            let dialect = database.dialect
            let applied = try await database.transaction { db -> Bool in
                if dialect.kind == .postgres {
                    // Several nodes may start at once; one migrates, the others wait, then skip.
                    try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Int64(727_363_001)))").run()
                }
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: Int64(migration.version))").first()
                if existing != nil { return false }
                do {
                    for statement in migration.statements(dialect) {
                        try await db.execute(sql: SQLRaw(statement)) { _ in }
                    }
                } catch {
                    throw StoreError.migrationFailed(version: migration.version, name: migration.name, reason: StoreError.reason(error))
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: Int64(migration.version)), \(bind: migration.name), \(bind: Millis.from(Date())))
                    """).run()
                return true
            }
            if applied {
                progress(migration)
                done.append(migration)
            }
        }
        return done
    }
}
