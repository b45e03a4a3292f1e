/// Failures of the storage layer that an operator must act on.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case unreachable(location: String, reason: String)
    case schemaNewerThanBinary(database: Int, binary: Int)
    case migrationFailed(version: Int, name: String, reason: String)
    case invalidLocation(String)
    /// A bulk statement returned something other than what it was built for (a bug, not bad input).
    case bulkStatement(String)

    public var description: String {
        switch self {
        case .unreachable(let location, let reason):
            "Cannot reach the database at \(location): \(reason). Check --database-url (TANDEM_DATABASE_URL) and that the server is running."
        case .schemaNewerThanBinary(let database, let binary):
            "The database schema is at version \(database) but this tandem binary only knows up to \(binary). Upgrade tandem before starting it on this database."
        case .migrationFailed(let version, let name, let reason):
            "Migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .invalidLocation(let message):
            message
        case .bulkStatement(let reason):
            "A bulk statement failed: \(reason)."

        }
    }
}

import PostgresNIO
import SQLiteNIO

extension StoreError {
    /// True when the database refused a write because of a UNIQUE constraint: two requests raced
    /// to create the same thing. Callers answer 409 instead of failing.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        if let error = error as? SQLiteError { return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed || (error.reason == .constraint && error.message.contains("UNIQUE")) }
        return false
    }

    /// What the database said, for messages an operator reads. PostgresNIO's own description of
    /// a server error hides the server's message (it may hold data), but a failed migration's
    /// message is schema text the operator needs, such as which extension to create.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return "\(error)"
    }
}
