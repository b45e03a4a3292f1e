import Foundation
import SQLKit
import TandemStore
import TandemTesting
import Testing

@Suite("Database")
struct DatabaseTests {
    static let migrator = Migrator([
        Migration(1, "counters") { d in ["CREATE TABLE counters (id \(d.idColumn), label \(d.text) NOT NULL UNIQUE, flag \(d.boolean) NOT NULL, at \(d.bigint) NOT NULL)"] }
    ])

    static func count(_ database: Database) async throws -> Int64 {
        try await database.reader.raw("SELECT COUNT(*) AS n FROM counters").first()!.decode(column: "n", as: Int64.self)
    }

    @Test("a transaction that throws writes nothing", arguments: TestDatabase.kinds)
    func rollback(kind: DatabaseKind) async throws {
        struct Boom: Error {}
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            await #expect(throws: Boom.self) {
                try await database.transaction { db in
                    try await db.raw("INSERT INTO counters (label, flag, at) VALUES (\(bind: "x"), \(bind: true), \(bind: Int64(1)))").run()
                    throw Boom()
                }
            }
            #expect(try await Self.count(database) == 0)
        }
    }

    @Test("a constraint violation mid-transaction rolls back the earlier rows", arguments: TestDatabase.kinds)
    func constraintRollback(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in
                    try await db.raw("INSERT INTO counters (label, flag, at) VALUES (\(bind: "a"), \(bind: true), \(bind: Int64(1)))").run()
                    try await db.raw("INSERT INTO counters (label, flag, at) VALUES (\(bind: "a"), \(bind: true), \(bind: Int64(2)))").run()
                }
            }
            #expect(try await Self.count(database) == 0)
        }
    }

    @Test("concurrent transactions all land exactly once", arguments: TestDatabase.kinds)
    func concurrentWrites(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: Self.migrator) { (database: Database) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await database.transaction { db in
                            try await db.raw("INSERT INTO counters (label, flag, at) VALUES (\(bind: "n\(index)"), \(bind: index % 2 == 0), \(bind: Int64(index)))").run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.count(database) == 40)
            let flagged = try await database.reader.raw("SELECT COUNT(*) AS n FROM counters WHERE flag = \(bind: true)").first()!.decode(column: "n", as: Int64.self)
            #expect(flagged == 20)
        }
    }

    @Test("SQLite readers are read-only and see committed writes")
    func sqliteReaders() async throws {
        try await TestDatabase.with(.sqlite, migrator: Self.migrator) { (database: Database) async throws in
            await #expect(throws: (any Error).self) {
                try await database.reader.raw("INSERT INTO counters (label, flag, at) VALUES ('r', 1, 1)").run()
            }
            try await database.transaction { db in
                try await db.raw("INSERT INTO counters (label, flag, at) VALUES (\(bind: "w"), \(bind: false), \(bind: Int64(1)))").run()
            }
            for _ in 0..<8 { #expect(try await Self.count(database) == 1) }
            let mode = try await database.reader.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
        }
    }

    @Test("an unreachable PostgreSQL URL fails fast with a clear message")
    func unreachablePostgres() async throws {
        do {
            _ = try await Database.open(.postgres(url: "postgres://nobody:secret@127.0.0.1:1/none"), logger: TestDatabase.logger)
            Issue.record("open should fail")
        } catch let error as StoreError {
            #expect(error.description.contains("Cannot reach the database"))
            #expect(!error.description.contains("secret"), "the password must not appear in errors")
        }
    }

    @Test("a malformed database URL is rejected")
    func malformedURL() async throws {
        await #expect(throws: StoreError.self) {
            _ = try await Database.open(.postgres(url: "postgres://"), logger: TestDatabase.logger)
        }
    }

    @Test("locations redact passwords")
    func redaction() {
        #expect(DatabaseLocation.postgres(url: "postgres://u:pw@h:5432/d").redacted == "postgres://u:***@h:5432/d")
        #expect(DatabaseLocation.sqlite(path: "/x/t.sqlite").redacted == "sqlite:/x/t.sqlite")
    }
}
