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

/// Stores events and keeps the rollups current in the same transaction, so a dashboard never
/// shows a count its raw events do not back, and a crash loses or doubles neither.
///
/// Per new event: one row in `engagement_events` (skipped when its `dedupe` key is known),
/// then the person's "first" per (post, kind, channel) and (post, kind, any) — and for events
/// that show the post was seen, the same for `reached` — and the rollup rows: events counted
/// per day and hour, people counted once, on the day of their first event. A first belongs to
/// the earliest *stored* event, so the rollups are exactly what replaying the raw events in id
/// order gives (`RollupReplay`).
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

    /// Writes inside the caller's transaction; the number of events that were new.
    @discardableResult
    public static func write(_ prepared: PreparedEvents, on db: any SQLDatabase) async throws -> Int {
        var seen = Set<String>()
        let unique = prepared.items.filter { seen.insert($0.event.dedupe).inserted }
        var stored = Set<String>()
        for start in stride(from: 0, to: unique.count, by: 400) {
            let rows = unique[start..<min(unique.count, start + 400)].map { item -> SQLQueryString in
                let e = item.event
                return "(\(bind: e.postID), \(bind: e.employeeID), \(bind: e.channel.rawValue), \(bind: e.kind.rawValue), \(bind: e.occurredAt), \(bind: item.segmentID), \(bind: e.dwellMilliseconds), \(bind: e.dedupe))"
            }
            for row in try await db.raw("""
                INSERT INTO engagement_events (post_id, employee_id, channel, kind, occurred_at, segment_id, dwell_ms, dedupe) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (dedupe) DO NOTHING RETURNING dedupe
                """).all() {
                stored.insert(try row.decode(column: "dedupe", as: String.self))
            }
        }
        let fresh = unique.filter { stored.contains($0.event.dedupe) }
        guard !fresh.isEmpty else { return 0 }

        var tally = RollupTally()
        var candidates: [FirstKey: PreparedEvents.Item] = [:]
        var order: [FirstKey] = []
        for item in fresh {
            tally.count(item.event, segment: item.segment)
            for key in FirstKey.keys(for: item.event) where candidates[key] == nil {
                candidates[key] = item
                order.append(key)
            }
        }
        for start in stride(from: 0, to: order.count, by: 500) {
            let chunk = order[start..<min(order.count, start + 500)]
            let rows = chunk.map { key -> SQLQueryString in
                let item = candidates[key]!
                return "(\(bind: key.post), \(bind: key.kind.rawValue), \(bind: key.channel.rawValue), \(bind: key.employee), \(bind: item.event.occurredAt), \(bind: item.segmentID))"
            }
            for row in try await db.raw("""
                INSERT INTO engagement_firsts (post_id, kind, channel, employee_id, occurred_at, segment_id) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (post_id, kind, channel, employee_id) DO NOTHING RETURNING post_id, kind, channel, employee_id
                """).all() {
                let key = FirstKey(post: try row.decode(column: "post_id", as: Int64.self), employee: try row.decode(column: "employee_id", as: Int64.self),
                                   kind: EventKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .reached,
                                   channel: EventChannel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .any)
                if let item = candidates[key] { tally.person(key, at: item.event.occurredAt, segment: item.segment) }
            }
        }
        try await tally.save(on: db)
        return fresh.count
    }
}

/// The first-event key: one person, post, kind and channel.
struct FirstKey: Hashable, Sendable {
    let post: Int64
    let employee: Int64
    let kind: EventKind
    let channel: EventChannel

    /// The firsts an event may set: its own kind on its channel and across channels, and
    /// `reached` likewise when the event shows the post was seen.
    static func keys(for event: EngagementEvent) -> [FirstKey] {
        var keys = [FirstKey(post: event.postID, employee: event.employeeID, kind: event.kind, channel: event.channel),
                    FirstKey(post: event.postID, employee: event.employeeID, kind: event.kind, channel: .any)]
        if event.kind.reaches(on: event.channel) {
            keys += [FirstKey(post: event.postID, employee: event.employeeID, kind: .reached, channel: event.channel),
                     FirstKey(post: event.postID, employee: event.employeeID, kind: .reached, channel: .any)]
        }
        return keys
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
