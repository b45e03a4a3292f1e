import Foundation
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Backup and restore")
struct BackupTests {
    @Test("an online SQLite backup restores to the state it was taken in")
    func roundTrip() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = TandemConfiguration()
        configuration.dataDirectory = folder.appendingPathComponent("data").path
        configuration.bcryptCost = 4
        let backupFile = folder.appendingPathComponent("backup.sqlite").path

        let database = try await openDatabase(configuration, logger: TestDatabase.logger)
        let services = TandemServices(configuration: configuration, database: database)
        try await services.user("kept@example.com", [.hr])
        try await Backup.backup(database, to: backupFile)
        await #expect(throws: ConfigurationError.self) { try await Backup.backup(database, to: backupFile) }
        try await services.user("after-backup@example.com", [.hr])
        await database.close()

        try await Backup.restore(configuration.databaseLocation, from: backupFile, migrator: Migrations.all)
        let restored = try await openDatabase(configuration, logger: TestDatabase.logger)
        let users = TandemServices(configuration: configuration, database: restored).accounts.users
        #expect(try await users.find(email: "kept@example.com") != nil)
        #expect(try await users.find(email: "after-backup@example.com") == nil)
        let check = try await restored.reader.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
        #expect(check == "ok")
        await restored.close()
    }

    @Test("restore refuses a file that is not a Tandem database")
    func refusesForeignFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let foreign = folder.appendingPathComponent("other.sqlite").path
        let other = try await Database.open(.sqlite(path: foreign), logger: TestDatabase.logger)
        try await other.transaction { db in try await db.raw("CREATE TABLE notes (body TEXT)").run() }
        await other.close()
        let target = DatabaseLocation.sqlite(path: folder.appendingPathComponent("data/tandem.sqlite").path)
        await #expect(throws: (any Error).self) { try await Backup.restore(target, from: foreign, migrator: Migrations.all) }
        await #expect(throws: ConfigurationError.self) { try await Backup.restore(target, from: "/nonexistent.sqlite", migrator: Migrations.all) }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/tandem.sqlite").path))
    }
}
