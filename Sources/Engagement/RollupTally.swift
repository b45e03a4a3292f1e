import SQLKit

/// One batch's additions to the rollup tables, summed in memory so a batch of a thousand
/// events touches each rollup row once.
struct RollupTally: Sendable {
    struct DayKey: Hashable, Comparable {
        let post: Int64, dimension: SegmentDimension, value: String, channel: EventChannel, kind: EventKind, day: Int64
        static func < (a: DayKey, b: DayKey) -> Bool {
            (a.post, a.dimension.rawValue, a.value, a.channel.rawValue, a.kind.rawValue, a.day) < (b.post, b.dimension.rawValue, b.value, b.channel.rawValue, b.kind.rawValue, b.day)
        }
    }
    struct HourKey: Hashable, Comparable {
        let post: Int64, channel: EventChannel, kind: EventKind, hour: Int64
        static func < (a: HourKey, b: HourKey) -> Bool {
            (a.post, a.channel.rawValue, a.kind.rawValue, a.hour) < (b.post, b.channel.rawValue, b.kind.rawValue, b.hour)
        }
    }
    struct Counts: Equatable, Sendable { var events: Int64 = 0; var people: Int64 = 0 }

    private(set) var days: [DayKey: Counts] = [:]
    private(set) var hours: [HourKey: Counts] = [:]

    /// An event counts on its channel and on `any`, under its kind and, when it shows the post
    /// was seen, under `reached` too.
    mutating func count(_ event: EngagementEvent, key: Int64, segment: Segment) {
        var kinds = [event.kind]
        if event.kind.reaches(on: event.channel) { kinds.append(.reached) }
        for kind in kinds {
            for channel in [event.channel, .any] {
                add(post: key, channel: channel, kind: kind, at: event.occurredAt, segment: segment) { $0.events += 1 }
            }
        }
    }

    /// A person's first event of a kind on a channel: one more person, on that event's day.
    mutating func person(post: Int64, kind: EventKind, channel: EventChannel, at time: Int64, segment: Segment) {
        add(post: post, channel: channel, kind: kind, at: time, segment: segment) { $0.people += 1 }
    }

    private mutating func add(post: Int64, channel: EventChannel, kind: EventKind, at time: Int64, segment: Segment, _ change: (inout Counts) -> Void) {
        let day = floorDiv(time, .millisPerDay)
        for dimension in SegmentDimension.allCases {
            change(&days[DayKey(post: post, dimension: dimension, value: segment.value(dimension), channel: channel, kind: kind, day: day), default: Counts()])
        }
        change(&hours[HourKey(post: post, channel: channel, kind: kind, hour: floorDiv(time, .millisPerHour)), default: Counts()])
    }

    /// Upserts in key order, so two transactions on PostgreSQL lock shared rows in the same order.
    /// `post` in the keys is the scope's key: a post id or a campaign id.
    func save(on db: any SQLDatabase, scope: RollupScope = .post) async throws {
        let rollups = SQLQueryString(scope.rollups), hourly = SQLQueryString(scope.hourly), key = SQLQueryString(scope.key)
        let dayRows = days.sorted { $0.key < $1.key }
        let hourRows = hours.sorted { $0.key < $1.key }
        if db.dialect.name == "postgresql" {
            // One statement per table with array parameters (see EngagementWriter.write).
            if !dayRows.isEmpty {
                try await db.raw("""
                    INSERT INTO \(rollups) (\(key), dimension, value, channel, kind, day, events, people)
                    SELECT * FROM unnest(\(bind: dayRows.map(\.key.post))::bigint[], \(bind: dayRows.map(\.key.dimension.rawValue))::text[],
                                         \(bind: dayRows.map(\.key.value))::text[], \(bind: dayRows.map(\.key.channel.rawValue))::text[],
                                         \(bind: dayRows.map(\.key.kind.rawValue))::text[], \(bind: dayRows.map(\.key.day))::bigint[],
                                         \(bind: dayRows.map(\.value.events))::bigint[], \(bind: dayRows.map(\.value.people))::bigint[])
                    ON CONFLICT (\(key), dimension, value, channel, kind, day)
                    DO UPDATE SET events = \(rollups).events + excluded.events, people = \(rollups).people + excluded.people
                    """).run()
            }
            if !hourRows.isEmpty {
                try await db.raw("""
                    INSERT INTO \(hourly) (\(key), channel, kind, hour, events, people)
                    SELECT * FROM unnest(\(bind: hourRows.map(\.key.post))::bigint[], \(bind: hourRows.map(\.key.channel.rawValue))::text[],
                                         \(bind: hourRows.map(\.key.kind.rawValue))::text[], \(bind: hourRows.map(\.key.hour))::bigint[],
                                         \(bind: hourRows.map(\.value.events))::bigint[], \(bind: hourRows.map(\.value.people))::bigint[])
                    ON CONFLICT (\(key), channel, kind, hour)
                    DO UPDATE SET events = \(hourly).events + excluded.events, people = \(hourly).people + excluded.people
                    """).run()
            }
            return
        }
        for start in stride(from: 0, to: dayRows.count, by: 500) {
            let values = dayRows[start..<min(dayRows.count, start + 500)].map { key, counts -> SQLQueryString in
                "(\(bind: key.post), \(bind: key.dimension.rawValue), \(bind: key.value), \(bind: key.channel.rawValue), \(bind: key.kind.rawValue), \(bind: key.day), \(bind: counts.events), \(bind: counts.people))"
            }
            try await db.raw("""
                INSERT INTO \(rollups) (\(key), dimension, value, channel, kind, day, events, people) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (\(key), dimension, value, channel, kind, day)
                DO UPDATE SET events = \(rollups).events + excluded.events, people = \(rollups).people + excluded.people
                """).run()
        }
        for start in stride(from: 0, to: hourRows.count, by: 500) {
            let values = hourRows[start..<min(hourRows.count, start + 500)].map { key, counts -> SQLQueryString in
                "(\(bind: key.post), \(bind: key.channel.rawValue), \(bind: key.kind.rawValue), \(bind: key.hour), \(bind: counts.events), \(bind: counts.people))"
            }
            try await db.raw("""
                INSERT INTO \(hourly) (\(key), channel, kind, hour, events, people) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (\(key), channel, kind, hour)
                DO UPDATE SET events = \(hourly).events + excluded.events, people = \(hourly).people + excluded.people
                """).run()
        }
    }
}

/// Division rounding towards minus infinity, so times before 1970 still fall in the right day.
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
