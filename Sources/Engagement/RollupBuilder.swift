public import Foundation
import SQLKit
public import TandemStore

/// Turns stored events into rollups, in id order, in batches of up to `limit` events: one
/// transaction adds each batch's counts, sets the people's bits (`engagement_people`) and moves
/// `engagement_progress` past the batch, so every event is counted exactly once even if a server
/// dies mid-way. Batches are large, so the rollup rows written per event stay few.
///
/// Ids on PostgreSQL can commit out of order; before reading, the builder takes a SHARE lock on
/// `engagement_events` for a moment, which waits for every transaction still inserting events, so
/// every id up to the maximum it then reads is committed. Several builders (servers) take turns
/// on the progress row (`FOR UPDATE`).
public actor RollupBuilder {
    let database: Database
    private var segments: [Int64: Segment] = [:]

    public init(database: Database) {
        self.database = database
    }

    /// Rolls up what is stored until nothing is left; the number of events counted.
    @discardableResult
    public func catchUp(batch limit: Int = 20_000) async throws -> Int {
        var total = 0
        while true {
            let done = try await runOnce(limit: limit)
            total += done
            if done < limit { return total }
        }
    }

    /// One batch; the number of events counted.
    public func runOnce(limit: Int = 20_000, retried: Bool = false) async throws -> Int {
        let ceiling: Int64
        switch database.kind {
        case .postgres:
            ceiling = try await database.transaction { db in
                try await db.raw("LOCK TABLE engagement_events IN SHARE MODE").run()
                return try await db.raw("SELECT COALESCE(MAX(id), 0) AS top FROM engagement_events").first()?.decode(column: "top", as: Int64.self) ?? 0
            }
        case .sqlite:
            // One writer: ids commit in order, so what is visible is complete up to its maximum.
            ceiling = try await database.reader.raw("SELECT COALESCE(MAX(id), 0) AS top FROM engagement_events").first()?.decode(column: "top", as: Int64.self) ?? 0
        }
        let known = try await loadSegments()
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE" : ""
        let counted = try await database.transaction { db -> (Int, Set<Int64>) in
            let last = try await db.raw("SELECT last_event_id FROM engagement_progress WHERE name = 'rollups'" + lock).first()?
                .decode(column: "last_event_id", as: Int64.self) ?? 0
            guard ceiling > last else { return (0, []) }
            let rows = try await db.raw("""
                SELECT id, post_id, employee_id, channel, kind, occurred_at, segment_id FROM engagement_events
                WHERE id > \(bind: last) AND id <= \(bind: ceiling) ORDER BY id LIMIT \(bind: limit)
                """).all()
            guard let lastRow = rows.last else { return (0, []) }
            var events: [(EngagementEvent, Int64)] = []
            events.reserveCapacity(rows.count)
            var missing = Set<Int64>()
            for row in rows {
                guard let channel = EventChannel(rawValue: try row.decode(column: "channel", as: String.self)), channel != .any,
                      let kind = EventKind(rawValue: try row.decode(column: "kind", as: String.self)), kind != .reached else { continue }
                let segment = try row.decode(column: "segment_id", as: Int64.self)
                if known[segment] == nil && !retried { missing.insert(segment) }
                events.append((EngagementEvent(postID: try row.decode(column: "post_id", as: Int64.self), employeeID: try row.decode(column: "employee_id", as: Int64.self),
                                               channel: channel, kind: kind, occurredAt: try row.decode(column: "occurred_at", as: Int64.self), dedupe: ""), segment))
            }
            guard missing.isEmpty else { return (0, missing) }
            let campaigns = try await Self.campaigns(of: Set(events.map(\.0.postID)), on: db)
            var posts = ScopeTally(scope: .post), inCampaigns = ScopeTally(scope: .campaign)
            posts.masks = try await Self.masks(of: Set(events.map { Pair(post: $0.0.postID, employee: $0.0.employeeID) }), scope: .post, on: db)
            inCampaigns.masks = try await Self.masks(of: Set(events.compactMap { event, _ in campaigns[event.postID].map { Pair(post: $0, employee: event.employeeID) } }),
                                                     scope: .campaign, on: db)
            for (event, segmentID) in events {
                // Segments are never deleted; an unknown one (after a retry) counts as blank.
                let segment = known[segmentID] ?? Segment(country: "", department: "", site: "", workerType: "", language: "")
                posts.add(event, key: event.postID, segment: segment)
                if let campaign = campaigns[event.postID] { inCampaigns.add(event, key: campaign, segment: segment) }
            }
            try await posts.save(on: db)
            try await inCampaigns.save(on: db)
            try await db.raw("UPDATE engagement_progress SET last_event_id = \(bind: try lastRow.decode(column: "id", as: Int64.self)) WHERE name = 'rollups'").run()
            return (rows.count, [])
        }
        if !counted.1.isEmpty {
            // A segment added after the cache was read: read them again and retry.
            segments = [:]
            return try await runOnce(limit: limit, retried: true)
        }
        return counted.0
    }

    struct Pair: Hashable, Sendable { let post: Int64; let employee: Int64 }

    /// One scope's counts and people's bits for a batch.
    struct ScopeTally {
        let scope: RollupScope
        var tally = RollupTally()
        var masks: [Pair: PeopleMask] = [:]
        var changed = Set<Pair>()

        init(scope: RollupScope) { self.scope = scope }

        mutating func add(_ event: EngagementEvent, key: Int64, segment: Segment) {
            tally.count(event, key: key, segment: segment)
            let pair = Pair(post: key, employee: event.employeeID)
            var mask = masks[pair] ?? PeopleMask()
            for (kind, channel, bit) in PeopleMask.bits(for: event) where !mask.contains(bit) {
                mask.insert(bit)
                tally.person(post: key, kind: kind, channel: channel, at: event.occurredAt, segment: segment)
                changed.insert(pair)
            }
            masks[pair] = mask
        }

        func save(on db: any SQLDatabase) async throws {
            let people = SQLQueryString(scope.people), key = SQLQueryString(scope.key)
            let updates = changed.sorted { ($0.post, $0.employee) < ($1.post, $1.employee) }
            if db.dialect.name == "postgresql" {
                // Four array parameters instead of four per row (as for ingest).
                if !updates.isEmpty {
                    try await db.raw("""
                        INSERT INTO \(people) (\(key), employee_id, lo, hi)
                        SELECT * FROM unnest(\(bind: updates.map(\.post))::bigint[], \(bind: updates.map(\.employee))::bigint[],
                                             \(bind: updates.map { masks[$0]!.lo })::bigint[], \(bind: updates.map { masks[$0]!.hi })::bigint[])
                        ON CONFLICT (\(key), employee_id) DO UPDATE SET lo = excluded.lo, hi = excluded.hi
                        """).run()
                }
                return try await tally.save(on: db, scope: scope)
            }
            for start in stride(from: 0, to: updates.count, by: 500) {
                let values = updates[start..<min(updates.count, start + 500)].map { pair -> SQLQueryString in
                    let mask = masks[pair]!
                    return "(\(bind: pair.post), \(bind: pair.employee), \(bind: mask.lo), \(bind: mask.hi))"
                }
                try await db.raw("""
                    INSERT INTO \(people) (\(key), employee_id, lo, hi) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (\(key), employee_id) DO UPDATE SET lo = excluded.lo, hi = excluded.hi
                    """).run()
            }
            try await tally.save(on: db, scope: scope)
        }
    }

    /// The campaign of each post that has one. Posts that are not in `posts` (tests that write
    /// events alone) have none.
    static func campaigns(of posts: Set<Int64>, on db: any SQLDatabase) async throws -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        let list = Array(posts)
        for start in stride(from: 0, to: list.count, by: 500) {
            for row in try await db.raw("""
                SELECT id, campaign_id FROM posts WHERE campaign_id IS NOT NULL AND id IN (\(binds: Array(list[start..<min(list.count, start + 500)])))
                """).all() {
                out[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "campaign_id", as: Int64.self)
            }
        }
        return out
    }

    static func masks(of pairs: Set<Pair>, scope: RollupScope, on db: any SQLDatabase) async throws -> [Pair: PeopleMask] {
        let people = SQLQueryString(scope.people), key = SQLQueryString(scope.key)
        var out: [Pair: PeopleMask] = [:]
        let postgres = db.dialect.name == "postgresql"
        for (owner, group) in Dictionary(grouping: pairs, by: \.post) {
            let employees = group.map(\.employee)
            if postgres {
                for row in try await db.raw("""
                    SELECT employee_id, lo, hi FROM \(people) WHERE \(key) = \(bind: owner) AND employee_id = ANY(\(bind: employees)::bigint[])
                    """).all() {
                    out[Pair(post: owner, employee: try row.decode(column: "employee_id", as: Int64.self))] =
                        PeopleMask(lo: try row.decode(column: "lo", as: Int64.self), hi: try row.decode(column: "hi", as: Int64.self))
                }
                continue
            }
            for start in stride(from: 0, to: employees.count, by: 500) {
                for row in try await db.raw("""
                    SELECT employee_id, lo, hi FROM \(people) WHERE \(key) = \(bind: owner) AND employee_id IN (\(binds: Array(employees[start..<min(employees.count, start + 500)])))
                    """).all() {
                    out[Pair(post: owner, employee: try row.decode(column: "employee_id", as: Int64.self))] =
                        PeopleMask(lo: try row.decode(column: "lo", as: Int64.self), hi: try row.decode(column: "hi", as: Int64.self))
                }
            }
        }
        return out
    }

    private func loadSegments() async throws -> [Int64: Segment] {
        if !segments.isEmpty { return segments }
        for row in try await database.reader.raw("SELECT id, country, department, site, worker_type, language FROM engagement_segments").all() {
            segments[try row.decode(column: "id", as: Int64.self)] = Segment(
                country: try row.decode(column: "country", as: String.self), department: try row.decode(column: "department", as: String.self),
                site: try row.decode(column: "site", as: String.self), workerType: try row.decode(column: "worker_type", as: String.self),
                language: try row.decode(column: "language", as: String.self))
        }
        return segments
    }
}
