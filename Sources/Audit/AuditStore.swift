public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Appends to and reads the audit log. Appends happen inside the caller's transaction, so a
/// change and its audit row are committed together or not at all.
public struct AuditStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public static func append(_ entry: AuditEntry, by actor: AuditActor, on db: any SQLDatabase, at date: Date = Date()) async throws {
        try await db.raw("""
            INSERT INTO audit_log (at, actor_id, actor, channel, action, entity_type, entity_id, summary, before_json, after_json, request_id)
            VALUES (\(bind: Millis.from(date)), \(bind: actor.userID), \(bind: actor.label), \(bind: actor.channel.rawValue),
                    \(bind: entry.action), \(bind: entry.entityType), \(bind: entry.entityID), \(bind: entry.summary),
                    \(bind: encode(entry.before)), \(bind: encode(entry.after)), \(bind: actor.requestID))
            """).run()
    }

    static func encode(_ values: [String: String]?) -> String? {
        guard let values, let data = try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String: String]? {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
        return object as? [String: String]
    }

    /// Newest first; the cursor is the id of the last row of the previous page.
    public func search(_ query: AuditQuery) async throws -> Page<AuditRecord> {
        var conditions: [SQLQueryString] = []
        if let actor = query.actor { conditions.append("actor = \(bind: actor.lowercased())") }
        if let action = query.action { conditions.append("action = \(bind: action)") }
        if let entityType = query.entityType { conditions.append("entity_type = \(bind: entityType)") }
        if let from = query.from { conditions.append("at >= \(bind: Millis.from(from))") }
        if let to = query.to { conditions.append("at < \(bind: Millis.from(to))") }
        if let text = query.text {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            conditions.append("summary \(unsafeRaw: database.dialect.ilike) \(bind: pattern)")
        }
        if let cursor = query.cursor { conditions.append("id < \(bind: cursor)") }
        var sql: SQLQueryString = "SELECT * FROM audit_log"
        for (index, condition) in conditions.enumerated() {
            sql = sql + (index == 0 ? " WHERE " : " AND ") + condition
        }
        sql = sql + " ORDER BY id DESC LIMIT \(bind: query.limit + 1)"
        let rows = try await database.reader.raw(sql).all()
        let records = try rows.prefix(query.limit).map(Self.record)
        let next = rows.count > query.limit ? records.last.map { Cursor.encode($0.id) } : nil
        return Page(items: records, nextCursor: next)
    }

    public func distinctActions() async throws -> [String] {
        try await database.reader.raw("SELECT DISTINCT action FROM audit_log ORDER BY action").all().map {
            try $0.decode(column: "action", as: String.self)
        }
    }

    static func record(_ row: any SQLRow) throws -> AuditRecord {
        AuditRecord(
            id: try row.decode(column: "id", as: Int64.self),
            at: Millis.date(try row.decode(column: "at", as: Int64.self)),
            actorId: try row.decode(column: "actor_id", as: Int64?.self),
            actor: try row.decode(column: "actor", as: String.self),
            channel: try row.decode(column: "channel", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            entityType: try row.decode(column: "entity_type", as: String.self),
            entityId: try row.decode(column: "entity_id", as: String.self),
            summary: try row.decode(column: "summary", as: String.self),
            before: decode(try row.decode(column: "before_json", as: String?.self)),
            after: decode(try row.decode(column: "after_json", as: String?.self)),
            requestId: try row.decode(column: "request_id", as: String?.self))
    }
}
