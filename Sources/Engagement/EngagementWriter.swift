public import SQLKit
public import TandemStore

/// Events ready to write: each with its person's segment, resolved outside the transaction.
public struct PreparedEvents: Sendable {
    struct Item: Sendable {
        let event: EngagementEvent
        let segment: Segment
        let segmentID: Int64
    }
    let items: [Item]
    /// Events dropped because their person is not (or no longer) in `employees`.
    public let unknownPeople: Int
    public var isEmpty: Bool { items.isEmpty }
}

/// Stores events, inside the caller's transaction where there is one (a delivery marked sent,
/// an acknowledgement), so an event exists exactly when what it records does. Only the raw row
/// is written here; `RollupBuilder` turns new rows into rollups in large batches a moment later,
/// which is what keeps ingest cheap (see docs/ANALYTICS.md).
public struct EngagementWriter: Sendable {
    let segments: SegmentDirectory
    let database: Database

    public init(database: Database) {
        self.database = database
        segments = SegmentDirectory(database: database)
    }

    public func prepare(_ events: [EngagementEvent]) async throws -> PreparedEvents {
        let found = try await segments.segments(of: Set(events.map(\.employeeID)))
        var items: [PreparedEvents.Item] = []
        items.reserveCapacity(events.count)
        for event in events {
            guard let segment = found[event.employeeID] else { continue }
            items.append(.init(event: event, segment: segment.segment, segmentID: segment.id))
        }
        return PreparedEvents(items: items, unknownPeople: events.count - items.count)
    }

    /// Prepares and writes in a transaction of its own; the number of events that were new.
    @discardableResult
    public func record(_ events: [EngagementEvent]) async throws -> Int {
        let prepared = try await prepare(events)
        guard !prepared.isEmpty else { return 0 }
        return try await database.transaction { db in try await Self.write(prepared, on: db) }
    }

    /// Writes inside the caller's transaction; the number of events that were new (a known
    /// dedupe key is skipped).
    @discardableResult
    public static func write(_ prepared: PreparedEvents, on db: any SQLDatabase) async throws -> Int {
        var seen = Set<String>()
        // In key order: concurrent batches (several flushers on PostgreSQL) that share a retried
        // key then take its index entry in the same order, instead of deadlocking.
        let unique = prepared.items.filter { seen.insert($0.event.dedupe).inserted }.sorted { $0.event.dedupe < $1.event.dedupe }
        guard !unique.isEmpty else { return 0 }
        if db.dialect.name == "postgresql" {
            // Eight array binds in one statement instead of eight binds per row: binding and
            // planning 4,000 parameters per 500 rows was where PostgreSQL ingest spent its time.
            let events = unique.map(\.event)
            let row = try await db.raw("""
                WITH added AS (
                    INSERT INTO engagement_events (post_id, employee_id, channel, kind, occurred_at, segment_id, dwell_ms, dedupe)
                    SELECT t.post, t.employee, t.channel, t.kind, t.at, t.segment, NULLIF(t.dwell, -1), t.dedupe
                    FROM unnest(\(bind: events.map(\.postID))::bigint[], \(bind: events.map(\.employeeID))::bigint[],
                                \(bind: events.map(\.channel.rawValue))::text[], \(bind: events.map(\.kind.rawValue))::text[],
                                \(bind: events.map(\.occurredAt))::bigint[], \(bind: unique.map(\.segmentID))::bigint[],
                                \(bind: events.map { $0.dwellMilliseconds ?? -1 })::bigint[], \(bind: events.map(\.dedupe))::text[])
                        AS t(post, employee, channel, kind, at, segment, dwell, dedupe)
                    ON CONFLICT (dedupe) DO NOTHING RETURNING 1)
                SELECT COUNT(*) AS n FROM added
                """).first()
            return Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
        }
        var stored = 0
        for start in stride(from: 0, to: unique.count, by: 500) {
            let rows = unique[start..<min(unique.count, start + 500)].map { item -> SQLQueryString in
                let e = item.event
                return "(\(bind: e.postID), \(bind: e.employeeID), \(bind: e.channel.rawValue), \(bind: e.kind.rawValue), \(bind: e.occurredAt), \(bind: item.segmentID), \(bind: e.dwellMilliseconds), \(bind: e.dedupe))"
            }
            stored += try await db.raw("""
                INSERT INTO engagement_events (post_id, employee_id, channel, kind, occurred_at, segment_id, dwell_ms, dedupe) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (dedupe) DO NOTHING RETURNING id
                """).all().count
        }
        return stored
    }
}

extension PreparedEvents {
    /// The events whose dedupe key is in `keys`: for writers that learn inside their
    /// transaction which of the prepared events really happened.
    public func only(_ keys: Set<String>) -> PreparedEvents {
        PreparedEvents(items: items.filter { keys.contains($0.event.dedupe) }, unknownPeople: unknownPeople)
    }
}

extension EngagementEvent {
    /// A delivery handed to its channel (once per delivery row).
    public static func delivered(delivery: Int64, post: Int64, employee: Int64, channel: String, at time: Int64) -> EngagementEvent? {
        guard let channel = EventChannel(rawValue: channel), channel != .any else { return nil }
        return EngagementEvent(postID: post, employeeID: employee, channel: channel, kind: .delivered, occurredAt: time, dedupe: "dl.\(delivery)")
    }
}
