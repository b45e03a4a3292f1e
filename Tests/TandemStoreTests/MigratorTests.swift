import Foundation
import SQLKit
import TandemStore
import TandemTesting
import Testing

@Suite("Migrator")
struct MigratorTests {
    static let migrator = Migrator([
        Migration(1, "widgets") { d in ["CREATE TABLE widgets (id \(d.idColumn), name \(d.text) NOT NULL UNIQUE, made_at \(d.bigint) NOT NULL)"] },
        Migration(2, "widget colour") { d in ["ALTER TABLE widgets ADD COLUMN colour \(d.text)"] },
    ])

    @Test("PostgreSQL is configured for store tests", .enabled(if: TestDatabase.postgresURL != nil, "set TANDEM_TEST_POSTGRES_URL (scripts/pg-cluster.sh start) to run every store test on PostgreSQL too"))
    func postgresConfigured() async throws {
        try await TestDatabase.with(.postgres, migrator: nil) { (database: Database) async throws in
            try await database.ping()
            #expect(database.kind == .postgres)
        }
    }

    @Test("applies every migration once, in order, and records it", arguments: TestDatabase.kinds)
    func appliesOnce(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: nil) { (database: Database) async throws in
            let first = try await Self.migrator.migrate(database)
            #expect(first.map(\.version) == [1, 2])
            let second = try await Self.migrator.migrate(database)
            #expect(second.isEmpty)
            let status = try await Self.migrator.status(database)
            #expect(status.allSatisfy { $0.appliedAt != nil })
            #expect(try await Self.migrator.pendingCount(database) == 0)
            try await database.transaction { db in
                try await db.raw("INSERT INTO widgets (name, made_at, colour) VALUES (\(bind: "a"), \(bind: Int64(1)), \(bind: "red"))").run()
            }
        }
    }

    @Test("refuses a database whose schema is newer than the binary", arguments: TestDatabase.kinds)
    func refusesNewerSchema(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            try await database.transaction { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: Int64(99)), \(bind: "from the future"), \(bind: Int64(0)))").run()
            }
            await #expect(throws: StoreError.self) { try await Self.migrator.pendingCount(database) }
            do {
                try await Self.migrator.migrate(database)
                Issue.record("migrate should refuse")
            } catch let error as StoreError {
                #expect(error.description.contains("version 99"))
                #expect(error.description.contains("only knows up to 2"))
            }
        }
    }

    @Test("a failing migration leaves nothing behind", arguments: TestDatabase.kinds)
    func failingMigrationRollsBack(kind: DatabaseKind) async throws {
        let broken = Migrator([
            Migration(1, "half") { d in ["CREATE TABLE half (id \(d.idColumn))", "CREATE TABLE half (id \(d.idColumn))"] }
        ])
        try await TestDatabase.with(kind, migrator: nil) { (database: Database) async throws in
            await #expect(throws: StoreError.self) { try await broken.migrate(database) }
            #expect(try await broken.pendingCount(database) == 1)
            // The first statement was rolled back with the second, so a fixed retry can succeed.
            let fixed = Migrator([Migration(1, "half") { d in ["CREATE TABLE half (id \(d.idColumn))"] }])
            #expect(try await fixed.migrate(database).count == 1)
        }
    }
}
