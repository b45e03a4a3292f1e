import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteKit
import Synchronization

/// An SQLite connection as `Database` hands it out (the writer inside transactions, a reader for
/// `Database.reader`): an ordinary `SQLDatabase` (every call forwards to SQLiteKit), which
/// `BulkWriter` and `BulkReader` recognise so they can exchange `SQLiteData` with sqlite-nio
/// directly.
struct SQLiteConnectionDatabase: SQLDatabase {
    let connection: SQLiteConnection
    let base: any SQLDatabase

    init(connection: SQLiteConnection) {
        self.connection = connection
        self.base = connection.sql()
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// One statement, one thread-pool hop: binds go in as `SQLiteData` without `Encodable`.
    func write(sql: String, rows: ArraySlice<[SQLValue]>, returningID: Bool, into ids: inout [String: Int64]) async throws {
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * (rows.first?.count ?? 0))
        for row in rows {
            for value in row {
                switch value {
                case .text(let v): binds.append(v.map { .text($0) } ?? .null)
                case .integer(let v): binds.append(v.map { .integer(SQLiteInt64($0)) } ?? .null)
                case .real(let v): binds.append(v.map { .float($0) } ?? .null)
                case .boolean(let v): binds.append(v.map { .integer($0 ? 1 : 0) } ?? .null)
                }
            }
        }
        let returned = Mutex<[(String, Int64)]>([])
        try await connection.query(sql, binds) { row in
            // RETURNING id, <key>: positions are fixed by BulkInsert.sql.
            let columns = row.columns
            guard returningID, columns.count == 2, case .integer(let id) = columns[0].data, case .text(let key) = columns[1].data else { return }
            returned.withLock { $0.append((key, Int64(id))) }
        }
        guard returningID else { return }
        let pairs = returned.withLock { $0 }
        guard pairs.count == rows.count else {
            throw StoreError.bulkStatement("expected \(rows.count) returned ids, got \(pairs.count)")
        }
        for (key, id) in pairs { ids[key] = id }
    }

    /// Runs a read and converts each row by position; see `BulkReader`.
    func rows(_ query: SQLQueryString, kinds: [SQLValueKind]) async throws -> [[SQLValue]] {
        var serializer = SQLSerializer(database: base)
        query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        let collected = Mutex<(rows: [[SQLValue]], mismatched: Bool)>(([], false))
        try await connection.query(serializer.sql, binds) { row in
            let columns = row.columns
            let values = zip(columns, kinds).map { SQLValue($0.data, as: $1) }
            collected.withLock {
                $0.rows.append(values)
                if columns.count != kinds.count { $0.mismatched = true }
            }
        }
        let result = collected.withLock { state in
            defer { state.rows = [] }
            return state
        }
        guard !result.mismatched else { throw StoreError.bulkStatement("a read selected a different number of columns than its kinds") }
        return result.rows
    }
}
