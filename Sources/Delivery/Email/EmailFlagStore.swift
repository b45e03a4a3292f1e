public import Foundation
public import Audit
import SQLKit
import TandemCore
public import TandemStore

/// An address a mail server refused for good.
public struct EmailFlag: Sendable, Encodable, Equatable {
    public let address: String
    public let reason: String
    public let deliveryId: Int64?
    public let flaggedAt: Date
}

/// Addresses not to send to again until someone clears them (after correcting the employee's
/// address, a new address is simply not flagged).
public struct EmailFlagStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func flag(_ address: String, reason: String, deliveryID: Int64?, now: Date = Date()) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO email_flags (address, reason, delivery_id, flagged_at)
                VALUES (\(bind: address.lowercased()), \(bind: String(reason.prefix(500))), \(bind: deliveryID), \(bind: Millis.from(now)))
                ON CONFLICT (address) DO NOTHING
                """).run()
        }
    }

    public func list(limit: Int = 200) async throws -> [EmailFlag] {
        try await database.reader.raw("""
            SELECT address, reason, delivery_id, flagged_at FROM email_flags ORDER BY flagged_at DESC, address LIMIT \(bind: limit)
            """).all().map { row in
            EmailFlag(address: try row.decode(column: "address", as: String.self), reason: try row.decode(column: "reason", as: String.self),
                      deliveryId: try row.decode(column: "delivery_id", as: Int64?.self),
                      flaggedAt: Millis.date(try row.decode(column: "flagged_at", as: Int64.self)))
        }
    }

    /// True when the address was flagged. Deliveries that died on it are not revived: send
    /// them again from the post's delivery page once the address is right.
    public func clear(_ address: String, by actor: AuditActor) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM email_flags WHERE address = \(bind: address.lowercased()) RETURNING address").first() != nil else { return false }
            try await AuditStore.append(AuditEntry(action: "email.flag.clear", entityType: "email_address", entityID: address.lowercased(),
                                                   summary: "Cleared the undeliverable flag"), by: actor, on: db)
            return true
        }
    }
}
