import Foundation
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// One writer and N read-only connections on one SQLite file in WAL mode.
final class SQLiteEngine: Sendable {
    let writer: SQLiteConnection
    let readers: [SQLiteConnection]
    let lock = AsyncLock()
    private let nextReader = Atomic<Int>(0)

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readers readerCount: Int, logger: Logger) async throws -> SQLiteEngine {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unreachable(location: path, reason: "cannot create folder \(directory.path): \(error.localizedDescription)")
        }
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            // WAL lets readers proceed during writes; NORMAL sync is crash-safe in WAL mode
            // (a killed process loses nothing committed; see sqlite.org/wal.html). Statement
            // journals of multi-row inserts stay in memory instead of a temporary file (they are
            // thrown away at the end of each statement; the WAL keeps crash safety).
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"] {
                try await writer.sql().execute(sql: SQLRaw(pragma)) { _ in }
            }
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                for pragma in ["PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON", "PRAGMA query_only=ON"] {
                    try await reader.sql().execute(sql: SQLRaw(pragma)) { _ in }
                }
                readers.append(reader)
            }
            return SQLiteEngine(writer: writer, readers: readers)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreachable(location: path, reason: "\(error)")
        }
    }

    var reader: any SQLDatabase {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return SQLiteConnectionDatabase(connection: readers[abs(index) % readers.count])
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        await lock.lock()
        defer { lock.unlock() }
        let database = SQLiteConnectionDatabase(connection: writer)
        try await database.raw("BEGIN IMMEDIATE").run()
        do {
            let result = try await body(database)
            try await database.raw("COMMIT").run()
            return result
        } catch {
            try? await database.raw("ROLLBACK").run()
            throw error
        }
    }

    func close() async {
        await lock.withLock {
            try? await writer.close()
            for reader in readers { try? await reader.close() }
        }
    }
}
