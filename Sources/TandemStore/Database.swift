public import Foundation
public import Logging
public import SQLKit

/// The application's handle on its database: concurrent reads, and writes in transactions.
///
/// On SQLite there is exactly one writer connection, guarded by a fair async lock, and a few
/// read-only connections (WAL lets them read while the writer writes). On PostgreSQL both go
/// through one `PostgresClient` pool.
public final class Database: Sendable {
    public let location: DatabaseLocation
    public let dialect: Dialect
    public let logger: Logger
    /// Changes to what people see in their feeds, for the caches that keep feed pages.
    public let feedSignal = FeedSignal()
    private let engine: Engine

    private enum Engine: Sendable {
        case sqlite(SQLiteEngine)
        case postgres(PostgresEngine)
    }

    public var kind: DatabaseKind { location.kind }

    private init(location: DatabaseLocation, engine: Engine, logger: Logger) {
        self.location = location
        self.dialect = Dialect(location.kind)
        self.engine = engine
        self.logger = logger
    }

    /// Opens the database and checks that it answers.
    public static func open(_ location: DatabaseLocation, logger: Logger, readConnections: Int = 4) async throws -> Database {
        switch location {
        case .sqlite(let path):
            let engine = try await SQLiteEngine.open(path: path, readers: readConnections, logger: logger)
            return Database(location: location, engine: .sqlite(engine), logger: logger)
        case .postgres(let url):
            let engine = try await PostgresEngine.open(url: url, redacted: location.redacted, logger: logger)
            return Database(location: location, engine: .postgres(engine), logger: logger)
        }
    }

    /// For reads that need no transaction. Never write through it: on SQLite it is read-only.
    public var reader: any SQLDatabase {
        switch engine {
        case .sqlite(let engine): engine.reader
        case .postgres(let engine): engine.database
        }
    }

    /// Runs `body` in one transaction: all of its writes land, or none do.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.transaction(body)
        case .postgres(let engine): try await engine.transaction(body)
        }
    }

    /// Runs `body` with exclusive use of the writer but outside a transaction, for statements
    /// that cannot run inside one (SQLite's VACUUM INTO).
    public func exclusive<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.lock.withLock { try await body(engine.writer.sql()) }
        case .postgres(let engine): try await engine.database.withSession(body)
        }
    }

    /// Transactions waiting for the single SQLite writer (always 0 on PostgreSQL).
    public var writeQueueDepth: Int {
        if case .sqlite(let engine) = engine { return engine.lock.queueDepth }
        return 0
    }

    public var connectionCount: Int {
        switch engine {
        case .sqlite(let engine): engine.readers.count + 1
        case .postgres: PostgresEngine.maximumConnections
        }
    }

    /// Answers when the database does; used by /readyz.
    public func ping() async throws {
        _ = try await reader.raw("SELECT 1 AS one").first()
    }

    public func close() async {
        switch engine {
        case .sqlite(let engine): await engine.close()
        case .postgres(let engine): await engine.close()
        }
    }
}
