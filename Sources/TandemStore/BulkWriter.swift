public import SQLKit
import SQLiteKit
import Synchronization

/// A typed value for bulk statements. Nulls keep their type so PostgreSQL receives the same
/// parameter types as the ordinary SQLKit path (a text-typed NULL in a DOUBLE column fails there).
public enum SQLValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
    case boolean(Bool?)
}

/// A multi-row `INSERT`, optionally an upsert on one unique key, described as data so each engine
/// can run it its fastest way.
public struct BulkInsert: Sendable {
    public let table: String
    public let columns: [String]
    /// Upsert on this unique text column: on conflict every other column except `keep` is replaced.
    public let conflictKey: String?
    /// Columns left as they are when the row already exists (e.g. `created_at`).
    public let keep: Set<String>
    /// The statement text for a full chunk, per engine, built once (it is ~27,000 placeholders
    /// for the employee upsert, and building it per call showed in the import profile).
    private var fullStatements: [DatabaseKind: String] = [:]

    public init(into table: String, columns: [String], upsertOn conflictKey: String? = nil, keep: Set<String> = []) {
        // Names are spliced into SQL text, so only plain lower-case identifiers written in code are allowed.
        for name in [table] + columns + (conflictKey.map { [$0] } ?? []) {
            precondition(name.utf8.allSatisfy { (97...122).contains($0) || $0 == 95 || (48...57).contains($0) } && !name.isEmpty,
                         "BulkInsert: '\(name)' is not a plain identifier")
        }
        self.table = table
        self.columns = columns
        self.conflictKey = conflictKey
        self.keep = keep
        for kind in DatabaseKind.allCases {
            fullStatements[kind] = sql(rows: rowsPerStatement(kind), kind: kind, returningID: conflictKey != nil)
        }
    }

    func statement(rows: Int, kind: DatabaseKind) -> String {
        if rows == rowsPerStatement(kind), let full = fullStatements[kind] { return full }
        return sql(rows: rows, kind: kind, returningID: conflictKey != nil)
    }

    /// Rows per statement: as many as the engine's bound-parameter limit allows, capped so one
    /// statement stays a few hundred kilobytes. SQLite allows 32,766 parameters by default (sqlite-nio
    /// raises it), PostgreSQL 65,535.
    func rowsPerStatement(_ kind: DatabaseKind) -> Int {
        let limit = kind == .sqlite ? 32_766 : 65_535
        return max(1, min(1_000, limit / max(1, columns.count)))
    }

    /// The statement text for `rows` rows with `?` or `$n` placeholders.
    func sql(rows: Int, kind: DatabaseKind, returningID: Bool) -> String {
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * columns.count * 6 + 200)
        var parameter = 0
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for column in 0..<columns.count {
                if column > 0 { sql += ", " }
                parameter += 1
                sql += kind == .sqlite ? "?" : "$\(parameter)"
            }
            sql += ")"
        }
        if let conflictKey {
            let updates = columns.filter { $0 != conflictKey && !keep.contains($0) }.map { "\($0) = excluded.\($0)" }
            sql += " ON CONFLICT (\(conflictKey)) DO UPDATE SET " + updates.joined(separator: ", ")
            if returningID { sql += " RETURNING id, \(conflictKey)" }
        }
        return sql
    }
}

/// Runs bulk statements inside a `Database.transaction`.
///
/// On SQLite the values go to sqlite-nio as `SQLiteData` directly, one call per statement of up
/// to 1,000 rows: SQLKit's per-value `Encodable` conversion and serialisation cost more than
/// SQLite's own work for an import (docs/PERFORMANCE.md). On PostgreSQL the statement goes
/// through SQLKit with typed binds.
public enum BulkWriter {
    /// Inserts (or upserts) `rows`, each holding one value per column in order. With an upsert,
    /// returns the `id` of every written row keyed by its conflict-key value.
    @discardableResult
    public static func write(_ insert: BulkInsert, rows: [[SQLValue]], on db: any SQLDatabase) async throws -> [String: Int64] {
        guard !rows.isEmpty else { return [:] }
        let kind: DatabaseKind = db is SQLiteConnectionDatabase ? .sqlite : .postgres
        let returningID = insert.conflictKey != nil
        let step = insert.rowsPerStatement(kind)
        var ids: [String: Int64] = [:]
        if returningID { ids.reserveCapacity(rows.count) }
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + step, rows.count)]
            for row in chunk { precondition(row.count == insert.columns.count, "BulkWriter: a row has \(row.count) values for \(insert.columns.count) columns") }
            let sql = insert.statement(rows: chunk.count, kind: kind)
            if let sqlite = db as? SQLiteConnectionDatabase {
                try await sqlite.write(sql: sql, rows: chunk, returningID: returningID, into: &ids)
            } else {
                try await writeThroughSQLKit(sql: sql, rows: chunk, keyColumn: insert.conflictKey, on: db, into: &ids)
            }
            start += step
        }
        return ids
    }

    private static func writeThroughSQLKit(sql: String, rows: ArraySlice<[SQLValue]>, keyColumn: String?, on db: any SQLDatabase, into ids: inout [String: Int64]) async throws {
        var binds: [any Encodable & Sendable] = []
        binds.reserveCapacity(rows.count * (rows.first?.count ?? 0))
        for row in rows {
            for value in row {
                switch value {
                case .text(let v): binds.append(v)
                case .integer(let v): binds.append(v)
                case .real(let v): binds.append(v)
                case .boolean(let v): binds.append(v)
                }
            }
        }
        let returned = Mutex<[any SQLRow]>([])
        try await db.execute(sql: SQLRawWithBinds(sql, binds)) { row in returned.withLock { $0.append(row) } }
        guard let keyColumn else { return }
        for row in returned.withLock({ $0 }) {
            ids[try row.decode(column: keyColumn, as: String.self)] = try row.decode(column: "id", as: Int64.self)
        }
    }
}

/// Raw SQL text whose placeholders are already written, with its binds, for SQLKit.
private struct SQLRawWithBinds: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    init(_ sql: String, _ binds: [any Encodable & Sendable]) {
        self.sql = sql
        self.binds = binds
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds += binds
    }
}

/// How to read one selected column.
public enum SQLValueKind: Sendable {
    case text, integer, real, boolean
}

extension SQLValue {
    public var string: String? { if case .text(let value) = self { value } else { nil } }
    public var int64: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var double: Double? { if case .real(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .boolean(let value) = self { value } else { nil } }

    /// SQLite is dynamically typed: a value is read as the kind its column was declared with.
    init(_ data: SQLiteData, as kind: SQLValueKind) {
        switch (kind, data) {
        case (_, .null), (_, .blob): self = Self.null(kind)
        case (.text, .text(let text)): self = .text(text)
        case (.text, .integer(let integer)): self = .text(String(integer))
        case (.text, .float(let float)): self = .text(String(float))
        case (.integer, .integer(let integer)): self = .integer(Int64(integer))
        case (.integer, .float(let float)): self = .integer(Int64(exactly: float.rounded()) ?? 0)
        case (.integer, .text(let text)): self = .integer(Int64(text))
        case (.real, .float(let float)): self = .real(float)
        case (.real, .integer(let integer)): self = .real(Double(integer))
        case (.real, .text(let text)): self = .real(Double(text))
        case (.boolean, .integer(let integer)): self = .boolean(integer != 0)
        case (.boolean, .float(let float)): self = .boolean(float != 0)
        case (.boolean, .text(let text)): self = .boolean(text == "1" || text.lowercased() == "true")
        }
    }

    static func null(_ kind: SQLValueKind) -> SQLValue {
        switch kind {
        case .text: .text(nil)
        case .integer: .integer(nil)
        case .real: .real(nil)
        case .boolean: .boolean(nil)
        }
    }
}

/// Reads many rows as positional, typed values.
///
/// On SQLite the rows come from sqlite-nio as `SQLiteData` and are converted by position: going
/// through SQLKit's rows means a search by column name and a `Decodable` pass for every value,
/// which was most of the cost of reading 100,000 employees for an import (docs/PERFORMANCE.md).
public enum BulkReader {
    /// `query` must select exactly `kinds.count` columns, in that order.
    public static func rows(_ query: SQLQueryString, kinds: [SQLValueKind], on db: any SQLDatabase) async throws -> [[SQLValue]] {
        if let sqlite = db as? SQLiteConnectionDatabase { return try await sqlite.rows(query, kinds: kinds) }
        // PostgreSQL outside a transaction: PostgresNIO's binary decoders by position (SQLKit's
        // by-name decode builds a column index and runs a Decoder for every value).
        if let postgres = db as? PostgresPoolDatabase, let rows = try await postgres.rows(query, kinds: kinds) { return rows }
        let rows = try await db.raw(query).all()
        return try rows.map { row in
            let names = row.allColumns
            guard names.count == kinds.count else { throw StoreError.bulkStatement("selected \(names.count) columns, expected \(kinds.count)") }
            return try zip(names, kinds).map { name, kind in
                switch kind {
                case .text: .text(try row.decode(column: name, as: String?.self))
                case .integer: .integer(try row.decode(column: name, as: Int64?.self))
                case .real: .real(try row.decode(column: name, as: Double?.self))
                case .boolean: .boolean(try row.decode(column: name, as: Bool?.self))
                }
            }
        }
    }
}
