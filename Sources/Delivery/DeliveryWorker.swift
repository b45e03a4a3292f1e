public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Claims due deliveries in batches and sends them through the channel adapters.
///
/// A claim moves rows to `sending` with a lease and counts the attempt, in one statement (on
/// PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several processes take disjoint rows; SQLite has
/// one writer). The outcome is written back only if the row is still the one claimed (same state
/// and attempt), so a worker whose lease ran out cannot overwrite the next one's result. Rows left
/// `sending` by a crash are claimed again once their lease runs out.
public struct DeliveryWorker: Sendable {
    let database: Database
    let adapters: [Channel: any ChannelAdapter]
    /// This server's name (`TANDEM_NODE_NAME`), kept on the rows it is sending.
    let owner: String
    public static let lease: TimeInterval = 300
    public static let maximumAttempts = 8

    public init(database: Database, adapters: [any ChannelAdapter], owner: String) {
        self.database = database
        self.owner = owner
        self.adapters = Dictionary(adapters.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public struct Outcome: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var dead = 0
        public var claimed: Int { sent + retrying + dead }
    }

    /// Retry delay after `attempt` failed tries: 30 s doubling up to an hour, ±20% jitter so
    /// retries of one outage do not all land together. `random` is in 0..<1.
    public static func backoff(attempt: Int, random: Double) -> TimeInterval {
        let base = min(3_600, 30 * pow(2, Double(max(0, attempt - 1))))
        return base * (0.8 + 0.4 * random)
    }

    /// Batches until nothing is due or `maximumBatches` ran (so a pass also leaves time to publish).
    public func drain(limit: Int = 200, maximumBatches: Int = 50, now: @Sendable () -> Date = { Date() }) async throws -> Outcome {
        var total = Outcome()
        for _ in 0..<maximumBatches {
            let batch = try await runOnce(limit: limit, now: now())
            total.sent += batch.sent
            total.retrying += batch.retrying
            total.dead += batch.dead
            if batch.claimed < limit { break }
        }
        return total
    }

    /// One batch: claim up to `limit` due rows on channels with an adapter, send, record.
    public func runOnce(limit: Int = 200, now: Date = Date()) async throws -> Outcome {
        let claimed = try await claim(limit: limit, now: now)
        var outcome = Outcome()
        // Local channels (the feed) are recorded for the whole batch at once.
        let local = claimed.filter { adapters[$0.channel]?.isLocal == true }
        if !local.isEmpty { outcome.sent += try await recordSent(local, now: Date()) }
        for message in claimed {
            guard let adapter = adapters[message.channel], !adapter.isLocal else { continue }
            do {
                try await adapter.send(message)
                if try await record(message, state: .sent, error: nil, dueAt: nil, now: Date()) { outcome.sent += 1 }
            } catch let failure as SendFailure {
                switch failure {
                case .retry(let reason, let after) where message.attempt < Self.maximumAttempts:
                    let delay = max(after ?? 0, Self.backoff(attempt: message.attempt, random: Double.random(in: 0..<1)))
                    if try await record(message, state: .failed, error: reason, dueAt: Date().addingTimeInterval(delay), now: Date()) { outcome.retrying += 1 }
                case .retry(let reason, _):
                    if try await record(message, state: .dead, error: "gave up after \(message.attempt) attempts: \(reason)", dueAt: nil, now: Date()) { outcome.dead += 1 }
                case .permanent(let reason):
                    if try await record(message, state: .dead, error: reason, dueAt: nil, now: Date()) { outcome.dead += 1 }
                }
            } catch {
                // An adapter bug or an unexpected error: retried like a temporary failure.
                let delay = Self.backoff(attempt: message.attempt, random: Double.random(in: 0..<1))
                let state: DeliveryState = message.attempt < Self.maximumAttempts ? .failed : .dead
                if try await record(message, state: state, error: "\(error)", dueAt: Date().addingTimeInterval(delay), now: Date()) {
                    if state == .dead { outcome.dead += 1 } else { outcome.retrying += 1 }
                }
            }
        }
        return outcome
    }

    /// Due rows (pending, failed whose retry time came, or sending whose lease ran out) of
    /// published posts, on the channels this worker has adapters for, oldest due first.
    func claim(limit: Int, now: Date) async throws -> [OutboundMessage] {
        let channels = adapters.keys.map(\.rawValue).sorted()
        guard !channels.isEmpty else { return [] }
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(Self.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.sending.rawValue), lease_until = \(bind: until), lease_owner = \(bind: owner),
                    attempts = attempts + 1, updated_at = \(bind: stamp)
                WHERE id IN (SELECT id FROM deliveries
                    WHERE ((state IN (\(bind: DeliveryState.pending.rawValue), \(bind: DeliveryState.failed.rawValue)) AND due_at <= \(bind: stamp))
                           OR (state = \(bind: DeliveryState.sending.rawValue) AND lease_until < \(bind: stamp)))
                      AND channel IN (\(binds: channels))
                      AND post_id IN (SELECT id FROM posts WHERE state = \(bind: PostState.published.rawValue))
                    ORDER BY due_at, id LIMIT \(bind: limit)
                """ + lock + ") RETURNING id, post_id, employee_id, channel, attempts").all().compactMap { row in
                guard let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)) else { return nil }
                return OutboundMessage(deliveryID: try row.decode(column: "id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
                                       employeeID: try row.decode(column: "employee_id", as: Int64.self), channel: channel,
                                       attempt: Int(try row.decode(column: "attempts", as: Int64.self)), leaseUntil: until)
            }.sorted { $0.deliveryID < $1.deliveryID }
        }
    }

    /// Writes the outcome if the row is still this claim's; false when another worker took it over.
    func record(_ message: OutboundMessage, state: DeliveryState, error: String?, dueAt: Date?, now: Date) async throws -> Bool {
        let stamp = Millis.from(now)
        return try await database.transaction { db in
            let sentAt: Int64? = state == .sent ? stamp : nil
            let due: SQLQueryString = dueAt.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
            let row = try await db.raw("""
                UPDATE deliveries SET state = \(bind: state.rawValue), lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    sent_at = \(bind: sentAt), updated_at = \(bind: stamp)
                """ + due + """
                 WHERE id = \(bind: message.deliveryID) AND state = \(bind: DeliveryState.sending.rawValue) AND attempts = \(bind: Int64(message.attempt))
                RETURNING id
                """).first()
            return row != nil
        }
    }

    /// Marks a batch of local deliveries sent, each only if still this claim's.
    func recordSent(_ messages: [OutboundMessage], now: Date) async throws -> Int {
        let stamp = Millis.from(now)
        return try await database.transaction { db in
            var done = 0
            // One claim's rows share its lease end; with the owner that tells them from a later claim.
            for (until, group) in Dictionary(grouping: messages, by: \.leaseUntil) {
                for chunk in stride(from: 0, to: group.count, by: 500) {
                    let ids = group[chunk..<min(group.count, chunk + 500)].map(\.deliveryID)
                    done += try await db.raw("""
                        UPDATE deliveries SET state = \(bind: DeliveryState.sent.rawValue), lease_until = NULL, last_error = NULL, sent_at = \(bind: stamp), updated_at = \(bind: stamp)
                        WHERE id IN (\(binds: ids)) AND state = \(bind: DeliveryState.sending.rawValue) AND lease_owner = \(bind: owner) AND lease_until = \(bind: until)
                        RETURNING id
                        """).all().count
                }
            }
            return done
        }
    }

    /// After a restart: rows this server was sending when it stopped are due again now. For a
    /// channel that left Tandem (email, SMS) this is the one place a message can go twice: the
    /// other side may have accepted it before the crash, unrecorded.
    public func recoverInterrupted(now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.failed.rawValue), lease_until = NULL, due_at = \(bind: Millis.from(now)),
                    last_error = 'interrupted by a restart', updated_at = \(bind: Millis.from(now))
                WHERE state = \(bind: DeliveryState.sending.rawValue) AND lease_owner = \(bind: owner)
                RETURNING id
                """).all().count
        }
    }

    /// Pending and failed deliveries of withdrawn posts stop; those already sent stay recorded.
    public func cancelWithdrawn(now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.cancelled.rawValue), lease_until = NULL, updated_at = \(bind: Millis.from(now))
                WHERE state IN (\(bind: DeliveryState.pending.rawValue), \(bind: DeliveryState.failed.rawValue))
                  AND post_id IN (SELECT id FROM posts WHERE state = \(bind: PostState.withdrawn.rawValue))
                RETURNING id
                """).all().count
        }
    }
}
