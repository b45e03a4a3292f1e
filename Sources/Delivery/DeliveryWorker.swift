public import Content
import Engagement
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
    /// Records a `delivered` event in the transaction that marks a row sent.
    let engagement: EngagementWriter
    public static let lease: TimeInterval = 300
    public static let maximumAttempts = 8

    public init(database: Database, adapters: [any ChannelAdapter], owner: String) {
        self.database = database
        self.owner = owner
        engagement = EngagementWriter(database: database)
        self.adapters = Dictionary(adapters.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public struct Outcome: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var dead = 0
        public var skipped = 0
        /// Held for quiet hours or a digest.
        public var held = 0
        public var claimed: Int { sent + retrying + dead + skipped + held }

        mutating func add(_ other: Outcome) {
            held += other.held
            sent += other.sent
            retrying += other.retrying
            dead += other.dead
            skipped += other.skipped
        }
    }

    /// Retry delay after `attempt` failed tries: 30 s doubling up to an hour, ±20% jitter so
    /// retries of one outage do not all land together. `random` is in 0..<1.
    public static func backoff(attempt: Int, random: Double) -> TimeInterval {
        let base = min(3_600, 30 * pow(2, Double(max(0, attempt - 1))))
        return base * (0.8 + 0.4 * random)
    }

    /// Each ready channel in a lane of its own, batch after batch until nothing is due,
    /// `maximumBatches` ran (so a pass also leaves time to publish) or the channel stops being
    /// ready (paused, or holding off after a 429). Lanes run side by side, so the feed is never
    /// held up by a rate-limited gateway, nor email by SMS.
    public func drain(limit: Int = 200, maximumBatches: Int = 50, now: @escaping @Sendable () -> Date = { Date() }) async throws -> Outcome {
        let ready = await readyChannels()
        return try await withThrowingTaskGroup(of: Outcome.self) { lanes in
            for channel in ready {
                // The feed's batches are recorded in one statement each, so they can be larger.
                let size = adapters[channel]?.isLocal == true ? limit * 10 : limit
                lanes.addTask {
                    var total = Outcome()
                    for batch in 0..<maximumBatches {
                        if batch > 0, await adapters[channel]?.isReady() != true { break }
                        let done = try await runOnce(channel, limit: size, now: now())
                        total.add(done)
                        if done.claimed < size { break }
                    }
                    return total
                }
            }
            var total = Outcome()
            while let lane = try await lanes.next() { total.add(lane) }
            return total
        }
    }

    /// One batch of every ready channel, side by side.
    public func runOnce(limit: Int = 200, now: Date = Date()) async throws -> Outcome {
        let ready = await readyChannels()
        return try await withThrowingTaskGroup(of: Outcome.self) { lanes in
            for channel in ready { lanes.addTask { try await runOnce(channel, limit: limit, now: now) } }
            var total = Outcome()
            while let lane = try await lanes.next() { total.add(lane) }
            return total
        }
    }

    /// One batch of one channel: claim up to `limit` due rows, send, record. Local channels (the
    /// feed) are recorded for the whole batch in one statement.
    func runOnce(_ channel: Channel, limit: Int, now: Date) async throws -> Outcome {
        guard let adapter = adapters[channel] else { return Outcome() }
        let claimed = try await claim(channel, limit: limit, now: now)
        guard !claimed.isEmpty else { return Outcome() }
        if adapter.isLocal {
            var outcome = Outcome()
            outcome.sent = try await recordSent(claimed, now: Date())
            return outcome
        }
        return try await send(claimed, through: adapter, now: now)
    }

    func readyChannels() async -> [Channel] {
        var ready: [Channel] = []
        for (channel, adapter) in adapters where await adapter.isReady() { ready.append(channel) }
        return ready.sorted { $0.rawValue < $1.rawValue }
    }

    /// One channel's messages, `adapter.concurrency` at a time.
    func send(_ messages: [OutboundMessage], through adapter: any ChannelAdapter, now: Date = Date()) async throws -> Outcome {
        var outcome = Outcome()
        let width = max(1, adapter.concurrency)
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = 0
            while next < min(width, messages.count) {
                let message = messages[next]
                group.addTask { try await deliver(message, through: adapter, claimedAt: now) }
                next += 1
            }
            while let done = try await group.next() {
                outcome.add(done)
                if next < messages.count {
                    let message = messages[next]
                    group.addTask { try await deliver(message, through: adapter, claimedAt: now) }
                    next += 1
                }
            }
        }
        return outcome
    }

    /// Sends one message and records how it went, if the claim still holds. Retry times count
    /// from the batch's claim time, so they follow the clock the batch ran on (tests run it
    /// forward; a slow machine must not push retries past it).
    func deliver(_ message: OutboundMessage, through adapter: any ChannelAdapter, claimedAt: Date = Date()) async throws -> Outcome {
        var outcome = Outcome()
        func later(_ delay: TimeInterval) -> Date { claimedAt.addingTimeInterval(delay) }
        do {
            let reference = try await adapter.send(message)
            if try await record(message, state: .sent, error: nil, dueAt: nil, now: Date(), externalID: reference) { outcome.sent += 1 }
        } catch let failure as SendFailure {
            switch failure {
            case .retry(let reason, let after) where message.attempt < Self.maximumAttempts:
                let delay = max(after ?? 0, Self.backoff(attempt: message.attempt, random: Double.random(in: 0..<1)))
                if try await record(message, state: .failed, error: reason, dueAt: later(delay), now: Date()) { outcome.retrying += 1 }
            case .retry(let reason, _):
                if try await record(message, state: .dead, error: "gave up after \(message.attempt) attempts: \(reason)", dueAt: nil, now: Date()) { outcome.dead += 1 }
            case .permanent(let reason):
                if try await record(message, state: .dead, error: reason, dueAt: nil, now: Date()) { outcome.dead += 1 }
            case .skipped(let reason):
                if try await record(message, state: .cancelled, error: reason, dueAt: nil, now: Date()) { outcome.skipped += 1 }
            case .held(let until, let reason, let digest):
                if try await record(message, state: digest ? .digest : .pending, error: reason, dueAt: until, now: Date(), refund: true) { outcome.held += 1 }
            }
        } catch {
            // An adapter bug or an unexpected error: retried like a temporary failure.
            let delay = Self.backoff(attempt: message.attempt, random: Double.random(in: 0..<1))
            let state: DeliveryState = message.attempt < Self.maximumAttempts ? .failed : .dead
            if try await record(message, state: state, error: "\(error)", dueAt: later(delay), now: Date()) {
                if state == .dead { outcome.dead += 1 } else { outcome.retrying += 1 }
            }
        }
        return outcome
    }

    /// Due rows (pending, failed whose retry time came, or sending whose lease ran out) of
    /// published posts, up to `limit` per ready channel, oldest due first within each channel.
    func claim(limit: Int, now: Date) async throws -> [OutboundMessage] {
        var claimed: [OutboundMessage] = []
        for channel in await readyChannels() {
            claimed += try await claim(channel, limit: limit, now: now)
        }
        return claimed
    }

    /// One channel's claim. Each candidate list walks a partial index in order (migration 74):
    /// `deliveries_ready` for pending and failed rows, `deliveries_leased` for expired leases.
    /// The states are literals so both databases match the indexes' predicates.
    func claim(_ channel: Channel, limit: Int, now: Date) async throws -> [OutboundMessage] {
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(Self.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let published: SQLQueryString = "AND post_id IN (SELECT id FROM posts WHERE state = \(bind: PostState.published.rawValue))"
        return try await database.transaction { db in
            let ready = try await db.raw("""
                SELECT id FROM deliveries WHERE channel = \(bind: channel.rawValue) AND state IN ('pending', 'failed') AND due_at <= \(bind: stamp)
                """ + " " + published + " ORDER BY due_at, id LIMIT \(bind: limit)" + lock).all()
            let expired = try await db.raw("""
                SELECT id FROM deliveries WHERE channel = \(bind: channel.rawValue) AND state = 'sending' AND lease_until < \(bind: stamp)
                """ + " " + published + " ORDER BY lease_until LIMIT \(bind: limit)" + lock).all()
            let ids = try (ready + expired).map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.sending.rawValue), lease_until = \(bind: until), lease_owner = \(bind: owner),
                    attempts = attempts + 1, updated_at = \(bind: stamp)
                WHERE id IN (\(binds: Array(ids.prefix(limit)))) RETURNING id, post_id, employee_id, attempts, reminders
                """).all().map { row in
                OutboundMessage(deliveryID: try row.decode(column: "id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
                                employeeID: try row.decode(column: "employee_id", as: Int64.self), channel: channel,
                                attempt: Int(try row.decode(column: "attempts", as: Int64.self)), leaseUntil: until,
                                round: Int(try row.decode(column: "reminders", as: Int64.self)))
            }.sorted { $0.deliveryID < $1.deliveryID }
        }
    }

    /// Writes the outcome if the row is still this claim's; false when another worker took it over.
    /// `refund` gives the attempt back (a message held by the person's wish was not tried).
    func record(_ message: OutboundMessage, state: DeliveryState, error: String?, dueAt: Date?, now: Date, externalID: String? = nil,
                refund: Bool = false) async throws -> Bool {
        let stamp = Millis.from(now)
        let delivered = state == .sent && message.round == 0
            ? try await engagement.prepare([EngagementEvent.delivered(delivery: message.deliveryID, post: message.postID, employee: message.employeeID,
                                                                      channel: message.channel.rawValue, at: stamp)].compactMap { $0 })
            : nil
        return try await database.transaction { db in
            let sentAt: Int64? = state == .sent ? stamp : nil
            var due: SQLQueryString = dueAt.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
            if let externalID { due = due + ", external_id = \(bind: String(externalID.prefix(200)))" }
            if refund { due = due + ", attempts = attempts - 1" }
            let row = try await db.raw("""
                UPDATE deliveries SET state = \(bind: state.rawValue), lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    sent_at = \(bind: sentAt), updated_at = \(bind: stamp)
                """ + due + """
                 WHERE id = \(bind: message.deliveryID) AND state = \(bind: DeliveryState.sending.rawValue) AND attempts = \(bind: Int64(message.attempt))
                RETURNING id
                """).first()
            if row != nil, let delivered { try await EngagementWriter.write(delivered, on: db) }
            return row != nil
        }
    }

    /// Marks a batch of local deliveries sent, each only if still this claim's.
    func recordSent(_ messages: [OutboundMessage], now: Date) async throws -> Int {
        let stamp = Millis.from(now)
        let signal = database.feedSignal
        let delivered = try await engagement.prepare(messages.filter { $0.round == 0 }.compactMap {
            EngagementEvent.delivered(delivery: $0.deliveryID, post: $0.postID, employee: $0.employeeID, channel: $0.channel.rawValue, at: stamp)
        })
        let done = try await database.transaction { db in
            var done = 0
            var marked = Set<String>()
            // One claim's rows share its lease end; with the owner that tells them from a later claim.
            for (until, group) in Dictionary(grouping: messages, by: \.leaseUntil) {
                for chunk in stride(from: 0, to: group.count, by: 500) {
                    let ids = group[chunk..<min(group.count, chunk + 500)].map(\.deliveryID)
                    for row in try await db.raw("""
                        UPDATE deliveries SET state = \(bind: DeliveryState.sent.rawValue), lease_until = NULL, last_error = NULL, sent_at = \(bind: stamp), updated_at = \(bind: stamp)
                        WHERE id IN (\(binds: ids)) AND state = \(bind: DeliveryState.sending.rawValue) AND lease_owner = \(bind: owner) AND lease_until = \(bind: until)
                        RETURNING id
                        """).all() {
                        done += 1
                        marked.insert("dl.\(try row.decode(column: "id", as: Int64.self))")
                    }
                }
            }
            if !marked.isEmpty { try await EngagementWriter.write(delivered.only(marked), on: db) }
            // New rows in feeds: every cached feed page is out of date (one change per batch).
            if done > 0 { try await signal.record(.everyone, on: db, now: now) }
            return done
        }
        if done > 0 { signal.notify(.everyone) }
        return done
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
    /// A critical post's reminder: this long after its last message (the escalation's text
    /// message, or the email for people without a mobile number) went to someone who has still
    /// not acknowledged, that message goes once more, marked as a reminder.
    public static let reminderAfter: TimeInterval = 3_600
    public static let maximumReminders = 1

    /// Puts due reminders back in the queue (one statement: a crash leaves each row either
    /// re-armed or not). Returns how many.
    public func remindUnacknowledged(now: Date = Date()) async throws -> Int {
        let stamp = Millis.from(now), sentBefore = Millis.from(now.addingTimeInterval(-Self.reminderAfter))
        return try await database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.pending.rawValue), due_at = \(bind: stamp), attempts = 0, reminders = reminders + 1,
                    lease_owner = NULL, lease_until = NULL, last_error = \(bind: "reminder: not acknowledged an hour after this message"), updated_at = \(bind: stamp)
                WHERE state = 'sent' AND reminders < \(bind: Int64(Self.maximumReminders)) AND sent_at <= \(bind: sentBefore)
                  AND post_id IN (SELECT id FROM posts WHERE state = 'published' AND priority = 'critical' AND requires_ack = \(bind: true))
                  AND (channel = 'sms' OR (channel = 'email' AND NOT EXISTS (
                      SELECT 1 FROM deliveries s WHERE s.post_id = deliveries.post_id AND s.employee_id = deliveries.employee_id AND s.channel = 'sms')))
                  AND EXISTS (SELECT 1 FROM deliveries f WHERE f.post_id = deliveries.post_id AND f.employee_id = deliveries.employee_id
                              AND f.channel = 'feed' AND f.waiting_ack)
                RETURNING id
                """).all().count
        }
    }

    public func cancelWithdrawn(now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = \(bind: DeliveryState.cancelled.rawValue), lease_until = NULL, updated_at = \(bind: Millis.from(now))
                WHERE post_id IN (SELECT id FROM posts WHERE state = \(bind: PostState.withdrawn.rawValue))
                  AND state IN ('pending', 'failed', 'digest')
                RETURNING id
                """).all().count
        }
    }
}
