import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// A `PostgresClient` pool, run by a task this engine owns, exposed as an `SQLDatabase`.
final class PostgresEngine: Sendable {
    static let maximumConnections = 20
    let client: PostgresClient
    let database: PostgresPoolDatabase
    private let runner: Task<Void, Never>
    private let logger: Logger

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.database = PostgresPoolDatabase(client: client, logger: logger)
        self.runner = Task { await client.run() }
    }

    /// Accepts `postgres://user:pass@host:port/db?sslmode=…`; an extra `search_path=` parameter
    /// selects a schema (the tests give each test its own).
    static func open(url: String, redacted: String, logger: Logger) async throws -> PostgresEngine {
        var components = URLComponents(string: url)
        let searchPath = components?.queryItems?.first { $0.name == "search_path" }?.value
        let remaining = components?.queryItems?.filter { $0.name != "search_path" } ?? []
        components?.queryItems = remaining.isEmpty ? nil : remaining
        let cleaned = components?.string ?? url

        let parsed: SQLPostgresConfiguration
        do {
            parsed = try SQLPostgresConfiguration(url: cleaned)
        } catch {
            throw StoreError.invalidLocation(
                "The database URL \(redacted) is not valid: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
        }
        let core = parsed.coreConfiguration
        guard let host = core.host else {
            throw StoreError.invalidLocation("The database URL \(redacted) has no host.")
        }
        let tls: PostgresClient.Configuration.TLS =
            core.tls.isEnforced ? .require(.makeClientConfiguration())
            : core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: host, port: core.port ?? 5432, username: core.username, password: core.password,
            database: core.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        if let searchPath { configuration.options.additionalStartupParameters = [("search_path", searchPath)] }

        // The pool retries connecting forever; one direct connection first turns a refused
        // port, a wrong password or a missing database into an immediate, readable error.
        var direct = core
        direct.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(configuration: direct, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            throw StoreError.unreachable(location: redacted, reason: reason)
        } catch {
            throw StoreError.unreachable(location: redacted, reason: "\(error)")
        }
        let engine = PostgresEngine(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        // Let the pool's run() begin before the first lease (it warns otherwise; harmless but noisy).
        try? await Task.sleep(for: .milliseconds(20))
        return engine
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(connection.sql(queryLogLevel: nil))
            }
        } catch let error as PostgresTransactionError {
            // Callers expect the error their own code threw (an AppError, say), as on SQLite;
            // the wrapper only matters when the rollback itself failed.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }
}

/// `SQLDatabase` over the pool: each statement leases a connection for its duration.
struct PostgresPoolDatabase: SQLDatabase {
    let client: PostgresClient
    let logger: Logger
    let eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.execute(sql: query, onRow) }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.sql(queryLogLevel: nil).execute(sql: query, onRow)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await closure(connection.sql(queryLogLevel: nil))
        }
    }

    /// Runs a read straight on PostgresNIO and converts each row by position (see `BulkReader`).
    /// Nil when a bind has a type this path does not carry; the caller then uses SQLKit.
    func rows(_ query: SQLQueryString, kinds: [SQLValueKind]) async throws -> [[SQLValue]]? {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        var bindings = PostgresBindings(capacity: serializer.binds.count)
        for bind in serializer.binds {
            switch bind {
            case let value as Int64: bindings.append(value)
            case let value as Int: bindings.append(Int64(value))
            case let value as String: bindings.append(value)
            case let value as Bool: bindings.append(value)
            case let value as Double: bindings.append(value)
            default: return nil
            }
        }
        let statement = PostgresQuery(unsafeSQL: serializer.sql, binds: bindings)
        return try await client.withConnection { connection in
            var result: [[SQLValue]] = []
            for try await row in try await connection.query(statement, logger: logger) {
                guard row.count == kinds.count else { throw StoreError.bulkStatement("selected \(row.count) columns, expected \(kinds.count)") }
                var values: [SQLValue] = []
                values.reserveCapacity(kinds.count)
                for (cell, kind) in zip(row, kinds) {
                    switch kind {
                    case .text: values.append(.text(try cell.decode(String?.self)))
                    case .integer: values.append(.integer(try cell.decode(Int64?.self)))
                    case .real: values.append(.real(try cell.decode(Double?.self)))
                    case .boolean: values.append(.boolean(try cell.decode(Bool?.self)))
                    }
                }
                result.append(values)
            }
            return result
        }
    }
}
