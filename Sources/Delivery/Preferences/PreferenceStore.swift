public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Each person's digest and quiet hours (`delivery_preferences`); no row is the standard:
/// every email as it comes, no quiet hours.
public struct PreferenceStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func get(_ employeeID: Int64) async throws -> DeliveryPreferences {
        try await context(employeeID)?.preferences ?? .standard
    }

    /// The person's preferences and time zone (nil when the person does not exist).
    public func context(_ employeeID: Int64) async throws -> (preferences: DeliveryPreferences, zone: TimeZone)? {
        guard let row = try await database.reader.raw("""
            SELECT e.time_zone, p.digest, p.quiet_start, p.quiet_end FROM employees e
            LEFT JOIN delivery_preferences p ON p.employee_id = e.id WHERE e.id = \(bind: employeeID)
            """).first() else { return nil }
        let zone = TimeZone(identifier: try row.decode(column: "time_zone", as: String.self)) ?? TimeZone(identifier: "UTC")!
        let digest = try row.decode(column: "digest", as: String?.self).flatMap(DeliveryPreferences.Digest.init) ?? .immediately
        return (DeliveryPreferences(digest: digest, quietStart: try row.decode(column: "quiet_start", as: Int64?.self).map { Int($0) },
                                    quietEnd: try row.decode(column: "quiet_end", as: Int64?.self).map { Int($0) }), zone)
    }

    /// Checks and saves; the person's own choice, so it is not audited beyond its time.
    public func save(_ employeeID: Int64, _ preferences: DeliveryPreferences, now: Date = Date()) async throws {
        try Self.validate(preferences)
        try await database.transaction { db in try await Self.upsert(employeeID, preferences, on: db, now: now) }
    }

    static func upsert(_ employeeID: Int64, _ preferences: DeliveryPreferences, on db: any SQLDatabase, now: Date) async throws {
        try await db.raw("""
            INSERT INTO delivery_preferences (employee_id, digest, quiet_start, quiet_end, updated_at)
            VALUES (\(bind: employeeID), \(bind: preferences.digest.rawValue), \(bind: preferences.quietStart.map(Int64.init)),
                    \(bind: preferences.quietEnd.map(Int64.init)), \(bind: Millis.from(now)))
            ON CONFLICT (employee_id) DO UPDATE SET digest = excluded.digest, quiet_start = excluded.quiet_start,
                quiet_end = excluded.quiet_end, updated_at = excluded.updated_at
            """).run()
    }

    /// The whole preferences page at once: digest, quiet hours, and the topics the person
    /// opted out of on each person-addressed channel (0: every optional post). One transaction:
    /// a bad topic id leaves everything as it was.
    public func replace(_ employeeID: Int64, _ preferences: DeliveryPreferences, optedOut: [Channel: Set<Int64>], now: Date = Date()) async throws {
        try Self.validate(preferences)
        let wanted = Set(optedOut.values.flatMap { $0 }).subtracting([OptOutStore.everything])
        try await database.transaction { db in
            if !wanted.isEmpty {
                let known = Set(try await db.raw("SELECT id FROM topics WHERE id IN (\(binds: Array(wanted)))").all().map { try $0.decode(column: "id", as: Int64.self) })
                if let unknown = wanted.subtracting(known).sorted().first {
                    throw AppError.invalid("unsubscribed", "There is no topic \(unknown). Use the ids listed with your preferences, or 0 for every optional post.")
                }
            }
            try await Self.upsert(employeeID, preferences, on: db, now: now)
            for channel in Self.personalChannels {
                let topics = optedOut[channel] ?? []
                if topics.isEmpty {
                    try await db.raw("DELETE FROM delivery_optouts WHERE employee_id = \(bind: employeeID) AND channel = \(bind: channel.rawValue)").run()
                } else {
                    try await db.raw("""
                        DELETE FROM delivery_optouts WHERE employee_id = \(bind: employeeID) AND channel = \(bind: channel.rawValue)
                        AND topic_id NOT IN (\(binds: Array(topics)))
                        """).run()
                }
                for topic in topics.sorted() {
                    try await db.raw("""
                        INSERT INTO delivery_optouts (employee_id, topic_id, channel, created_at)
                        VALUES (\(bind: employeeID), \(bind: topic), \(bind: channel.rawValue), \(bind: Millis.from(now)))
                        ON CONFLICT (employee_id, topic_id, channel) DO NOTHING
                        """).run()
                }
            }
        }
    }

    /// The channels addressed to one person, where opt-outs apply (chat goes to shared team
    /// channels, so it has none). Feed opt-outs hide optional posts sent afterwards.
    public static let personalChannels: [Channel] = [.feed, .email, .sms]

    /// Every topic, for the preferences page.
    public func topics() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("SELECT id, name FROM topics ORDER BY name").all().map {
            (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self))
        }
    }

    public static func validate(_ preferences: DeliveryPreferences) throws {
        switch (preferences.quietStart, preferences.quietEnd) {
        case (nil, nil):
            return
        case (let start?, let end?):
            guard (0..<1_440).contains(start) else { throw AppError.invalid("quiet_start", "Give the start of quiet hours as HH:MM, 00:00 to 23:59.") }
            guard (0..<1_440).contains(end) else { throw AppError.invalid("quiet_end", "Give the end of quiet hours as HH:MM, 00:00 to 23:59.") }
            guard start != end else { throw AppError.invalid("quiet_end", "Quiet hours must end at another time than they start.") }
        case (nil, _):
            throw AppError.invalid("quiet_start", "Give both the start and the end of quiet hours, or neither.")
        case (_, nil):
            throw AppError.invalid("quiet_end", "Give both the start and the end of quiet hours, or neither.")
        }
    }

    /// Throws when the message must not go now: `.skipped` when a critical post that asks for
    /// acknowledgement was acknowledged meanwhile (the escalation's later text message, a
    /// retried email), `.held` when the person's quiet hours or digest say not now.
    public func hold(_ message: OutboundMessage, channel: Channel, content: PostContent) async throws {
        // The person's feed row carries `waiting_ack` until they acknowledge (cleared with the
        // acknowledgement, in the feed's transaction).
        if content.priority == .critical, content.requiresAcknowledgement, try await database.reader.raw("""
            SELECT waiting_ack FROM deliveries WHERE post_id = \(bind: message.postID) AND employee_id = \(bind: message.employeeID) AND channel = 'feed'
            """).first()?.decode(column: "waiting_ack", as: Bool.self) == false {
            throw SendFailure.skipped(reason: "acknowledged before this message was due")
        }
        switch try await gate(message.employeeID, channel: channel, content: content) {
        case .send: return
        case .wait(let until, let reason): throw SendFailure.held(until: until, reason: reason, digest: false)
        case .digest(let until): throw SendFailure.held(until: until, reason: "collected for the person's digest", digest: true)
        }
    }

    /// What to do now with a message of this post for this person on this channel.
    public func gate(_ employeeID: Int64, channel: Channel, content: PostContent, now: Date = Date()) async throws -> DeliveryGate {
        guard channel == .email || channel == .sms, let (preferences, zone) = try await context(employeeID) else { return .send }
        return DeliveryRules.gate(preferences, channel: channel, mandatory: content.mandatory, priority: content.priority, zone: zone, now: now)
    }
}
