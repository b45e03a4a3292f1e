public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Destinations and their deliveries' settings. Webhook addresses carry their own credential
/// (Slack's and Teams' URLs are the secret), so the URL and the signing secret are sealed with
/// SecretBox and never shown again; people see the host.
public struct DestinationStore: Sendable {
    let database: Database
    let box: SecretBox?

    public init(database: Database, box: SecretBox?) {
        self.database = database
        self.box = box
    }

    public func create(_ input: NewDestination, by actor: AuditActor, now: Date = Date()) async throws -> Destination {
        guard let box else {
            throw AppError.invalid("url", "Webhook addresses are secrets and cannot be stored without TANDEM_SECRET_KEY on PostgreSQL; set it on every server (docs/OPERATIONS.md).")
        }
        let sealedURL = try box.seal(input.url)
        let sealedSecret = try input.signingSecret.map { try box.seal($0) }
        let stamp = Millis.from(now)
        let id = try await database.transaction { db -> Int64 in
            guard try await db.raw("SELECT 1 FROM destinations WHERE LOWER(name) = \(bind: input.name.lowercased())").first() == nil else {
                throw AppError(.conflict, code: "name_taken", message: "A destination named “\(input.name)” exists; choose another name.", field: "name")
            }
            if !input.topicIDs.isEmpty {
                let known = try await db.raw("SELECT COUNT(*) AS n FROM topics WHERE id IN (\(binds: input.topicIDs))").first()?.decode(column: "n", as: Int64.self) ?? 0
                guard known == input.topicIDs.count else { throw AppError.invalid("topic_ids", "One of the topics does not exist; pick from /topics.") }
            }
            let id = try await db.raw("""
                INSERT INTO destinations (name, kind, host, url_sealed, secret_sealed, paused, created_at, updated_at, updated_by)
                VALUES (\(bind: input.name), \(bind: input.kind.rawValue), \(bind: NewDestination.host(of: input.url)), \(bind: sealedURL), \(bind: sealedSecret),
                        0, \(bind: stamp), \(bind: stamp), \(bind: actor.label))
                RETURNING id
                """).first()!.decode(column: "id", as: Int64.self)
            for topic in input.topicIDs {
                try await db.raw("INSERT INTO destination_topics (destination_id, topic_id) VALUES (\(bind: id), \(bind: topic))").run()
            }
            try await AuditStore.append(AuditEntry(action: "destination.create", entityType: "destination", entityID: String(id),
                                                   summary: "\(input.kind.rawValue) destination “\(input.name)” at \(NewDestination.host(of: input.url))"),
                                        by: actor, on: db)
            return id
        }
        return try await find(id)!
    }

    public func list() async throws -> [Destination] {
        let topics = try await topicMap()
        return try await database.reader.raw("SELECT * FROM destinations ORDER BY name").all().map { try Self.destination($0, topics: topics) }
    }

    public func find(_ id: Destination.ID) async throws -> Destination? {
        guard let row = try await database.reader.raw("SELECT * FROM destinations WHERE id = \(bind: id)").first() else { return nil }
        return try Self.destination(row, topics: try await topicMap())
    }

    /// Removes a destination and the deliveries not yet sent to it.
    public func delete(_ id: Destination.ID, by actor: AuditActor) async throws -> Bool {
        try await database.transaction { db in
            guard let row = try await db.raw("DELETE FROM destinations WHERE id = \(bind: id) RETURNING name").first() else { return false }
            try await AuditStore.append(AuditEntry(action: "destination.delete", entityType: "destination", entityID: String(id),
                                                   summary: "destination “\(try row.decode(column: "name", as: String.self))” removed"), by: actor, on: db)
            return true
        }
    }

    /// The address and secret, opened for sending.
    func forSending(_ id: Destination.ID) async throws -> (destination: Destination, url: String, secret: String?)? {
        guard let row = try await database.reader.raw("SELECT * FROM destinations WHERE id = \(bind: id)").first() else { return nil }
        guard let box else { throw AppError(.internalServerError, code: "no_secret_key", message: "TANDEM_SECRET_KEY is not set on this server") }
        let destination = try Self.destination(row, topics: [:])
        let url = try box.open(try row.decode(column: "url_sealed", as: String.self))
        let secret = try row.decode(column: "secret_sealed", as: String?.self).map { try box.open($0) }
        return (destination, url, secret)
    }

    public func pause(_ id: Destination.ID, reason: String, now: Date = Date()) async throws {
        try await database.transaction { db in
            let changed = try await db.raw("""
                UPDATE destinations SET paused = 1, pause_reason = \(bind: String(reason.prefix(500))), paused_at = \(bind: Millis.from(now))
                WHERE id = \(bind: id) AND paused = 0 RETURNING name
                """).first()
            if let changed {
                try await AuditStore.append(AuditEntry(action: "destination.pause", entityType: "destination", entityID: String(id),
                                                       summary: "“\(try changed.decode(column: "name", as: String.self))” paused: \(reason.prefix(300))"),
                                            by: .system, on: db)
            }
        }
    }

    @discardableResult
    public func resume(_ id: Destination.ID, by actor: AuditActor, now: Date = Date()) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE destinations SET paused = 0, pause_reason = NULL, paused_at = NULL, updated_at = \(bind: Millis.from(now)), updated_by = \(bind: actor.label)
                WHERE id = \(bind: id) AND paused = 1 RETURNING id
                """).first() != nil else { return false }
            try await AuditStore.append(AuditEntry(action: "destination.resume", entityType: "destination", entityID: String(id), summary: "resumed"), by: actor, on: db)
            return true
        }
    }

    func topicMap() async throws -> [Int64: [Int64]] {
        var map: [Int64: [Int64]] = [:]
        for row in try await database.reader.raw("SELECT destination_id, topic_id FROM destination_topics ORDER BY topic_id").all() {
            map[try row.decode(column: "destination_id", as: Int64.self), default: []].append(try row.decode(column: "topic_id", as: Int64.self))
        }
        return map
    }

    static func destination(_ row: any SQLRow, topics: [Int64: [Int64]]) throws -> Destination {
        let id = try row.decode(column: "id", as: Int64.self)
        return Destination(id: id, name: try row.decode(column: "name", as: String.self),
                           kind: Destination.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .webhook,
                           host: try row.decode(column: "host", as: String.self), topicIDs: topics[id] ?? [],
                           hasSigningSecret: try row.decode(column: "secret_sealed", as: String?.self) != nil,
                           paused: try row.decode(column: "paused", as: Int64.self) != 0, pauseReason: try row.decode(column: "pause_reason", as: String?.self),
                           updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)), updatedBy: try row.decode(column: "updated_by", as: String.self))
    }

    /// Freezes which destinations get a post, when its send starts (in that transaction). The
    /// UNIQUE (post, destination) key makes a repeated call harmless.
    static func freeze(post postID: Int64, chatChosen: Bool, due: Date, on db: any SQLDatabase, now: Date) async throws {
        let stamp = Millis.from(now)
        let kinds: [String] = chatChosen ? ["slack", "teams", "webhook"] : ["webhook"]
        try await db.raw("""
            INSERT INTO destination_deliveries (post_id, destination_id, state, due_at, created_at, updated_at)
            SELECT \(bind: postID), d.id, 'pending', \(bind: Millis.from(due)), \(bind: stamp), \(bind: stamp) FROM destinations d
            WHERE d.kind IN (\(binds: kinds))
              AND (NOT EXISTS (SELECT 1 FROM destination_topics t WHERE t.destination_id = d.id)
                   OR EXISTS (SELECT 1 FROM destination_topics t JOIN post_topics p ON p.topic_id = t.topic_id
                              WHERE t.destination_id = d.id AND p.post_id = \(bind: postID)))
            ON CONFLICT (post_id, destination_id) DO NOTHING
            """).run()
    }
}
