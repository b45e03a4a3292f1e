import AsyncHTTPClient
public import Content
public import Foundation
import NIOCore
import NIOFoundationCompat
import SQLKit
import Synchronization
import TandemCore
public import TandemStore

/// Sends posts to destinations: claims due `destination_deliveries` under a lease (`FOR UPDATE
/// SKIP LOCKED` on PostgreSQL), posts the JSON, records the outcome; the same states, backoff
/// and attempts as people's deliveries.
///
/// | Answer | Delivery | Destination |
/// |---|---|---|
/// | 2xx | `sent` | |
/// | 429 | `failed`, due after Retry-After | holds off until then |
/// | 408, 5xx, timeout, no connection | `failed`, retried | paused after 10 in a row |
/// | 401, 403, 404, 410 (the webhook was removed or its channel archived) | `failed` | paused at once, with the reason |
/// | other 4xx | `dead` | |
///
/// Slack and Teams cannot drop a repeat, so a crash between their answer and the record can
/// send one message twice (as with SMTP); generic webhooks get `Idempotency-Key` and the event
/// id in the body, the same on every attempt, to drop it.
public struct DestinationWorker: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var claimed = 0, sent = 0, retrying = 0, dead = 0
    }

    struct Claimed: Sendable {
        let id: Int64
        let postID: Int64
        let destinationID: Int64
        let attempt: Int
    }

    static let lease: TimeInterval = 120
    static let pauseAfter = 10
    let database: Database
    let store: DestinationStore
    let posts: PostStore
    let owner: String
    let baseURL: String
    let client: HTTPClient
    let pacers = Pacers()
    let cache = SentPostCache()

    public init(database: Database, store: DestinationStore, posts: PostStore, owner: String, baseURL: String, client: HTTPClient = .shared) {
        self.database = database
        self.store = store
        self.posts = posts
        self.owner = owner
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
    }

    /// One pacer per destination on this server (Slack takes about one message a second per webhook).
    final class Pacers: Sendable {
        let map = Mutex<[Int64: ChannelPacer]>([:])
    }

    func pacer(_ id: Int64) -> ChannelPacer {
        pacers.map.withLock { map in
            if let pacer = map[id] { return pacer }
            let pacer = ChannelPacer()
            map[id] = pacer
            return pacer
        }
    }

    /// Batches until nothing is due (at most `maximumBatches`).
    public func drain(limit: Int = 50, maximumBatches: Int = 20, now: @escaping @Sendable () -> Date = { Date() }) async throws -> Outcome {
        var total = Outcome()
        for _ in 0..<maximumBatches {
            let batch = try await runOnce(limit: limit, now: now())
            total.claimed += batch.claimed
            total.sent += batch.sent
            total.retrying += batch.retrying
            total.dead += batch.dead
            if batch.claimed == 0 { break }
        }
        return total
    }

    public func runOnce(limit: Int = 50, now: Date = Date()) async throws -> Outcome {
        let claimed = try await claim(limit: limit, now: now)
        var outcome = Outcome(claimed: claimed.count)
        // One lane per destination, so a slow or rate-limited one holds up only itself.
        try await withThrowingTaskGroup(of: Outcome.self) { lanes in
            for (_, rows) in Dictionary(grouping: claimed, by: \.destinationID) {
                lanes.addTask {
                    var lane = Outcome()
                    for row in rows {
                        let one = try await deliver(row, claimedAt: now)
                        lane.sent += one.sent
                        lane.retrying += one.retrying
                        lane.dead += one.dead
                    }
                    return lane
                }
            }
            while let lane = try await lanes.next() {
                outcome.sent += lane.sent
                outcome.retrying += lane.retrying
                outcome.dead += lane.dead
            }
        }
        return outcome
    }

    func claim(limit: Int, now: Date) async throws -> [Claimed] {
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(Self.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let open: SQLQueryString = """
             AND post_id IN (SELECT id FROM posts WHERE state = 'published') AND destination_id IN (SELECT id FROM destinations WHERE paused = 0)
            """
        return try await database.transaction { db in
            let ready = try await db.raw("SELECT id FROM destination_deliveries WHERE state IN ('pending', 'failed') AND due_at <= \(bind: stamp)"
                                         + open + " ORDER BY due_at, id LIMIT \(bind: limit)" + lock).all()
            let expired = try await db.raw("SELECT id FROM destination_deliveries WHERE state = 'sending' AND lease_until < \(bind: stamp)"
                                           + open + " ORDER BY lease_until LIMIT \(bind: limit)" + lock).all()
            let ids = try (ready + expired).map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.raw("""
                UPDATE destination_deliveries SET state = 'sending', lease_until = \(bind: until), lease_owner = \(bind: owner),
                    attempts = attempts + 1, updated_at = \(bind: stamp)
                WHERE id IN (\(binds: Array(ids.prefix(limit)))) RETURNING id, post_id, destination_id, attempts
                """).all().map {
                Claimed(id: try $0.decode(column: "id", as: Int64.self), postID: try $0.decode(column: "post_id", as: Int64.self),
                        destinationID: try $0.decode(column: "destination_id", as: Int64.self), attempt: Int(try $0.decode(column: "attempts", as: Int64.self)))
            }.sorted { $0.id < $1.id }
        }
    }

    func deliver(_ row: Claimed, claimedAt: Date) async throws -> Outcome {
        var outcome = Outcome()
        do {
            let reference = try await send(row)
            if try await record(row, state: .sent, error: nil, dueAt: nil, externalID: reference) { outcome.sent = 1 }
        } catch let failure as SendFailure {
            switch failure {
            case .retry(let reason, let after) where row.attempt < DeliveryWorker.maximumAttempts:
                let delay = max(after ?? 0, DeliveryWorker.backoff(attempt: row.attempt, random: Double.random(in: 0..<1)))
                if try await record(row, state: .failed, error: reason, dueAt: claimedAt.addingTimeInterval(delay)) { outcome.retrying = 1 }
            case .retry(let reason, _):
                if try await record(row, state: .dead, error: "gave up after \(row.attempt) attempts: \(reason)", dueAt: nil) { outcome.dead = 1 }
            case .permanent(let reason), .skipped(let reason):
                if try await record(row, state: .dead, error: reason, dueAt: nil) { outcome.dead = 1 }
            case .held(let until, let reason, _):
                // Destinations have no quiet hours; kept for completeness of the outcomes.
                if try await record(row, state: .pending, error: reason, dueAt: until) { outcome.retrying = 1 }
            }
        } catch {
            // The store or a secret failed, not the destination: try again later.
            let delay = DeliveryWorker.backoff(attempt: row.attempt, random: Double.random(in: 0..<1))
            let state: DeliveryState = row.attempt < DeliveryWorker.maximumAttempts ? .failed : .dead
            if try await record(row, state: state, error: "\(error)", dueAt: claimedAt.addingTimeInterval(delay)) {
                if state == .dead { outcome.dead = 1 } else { outcome.retrying = 1 }
            }
        }
        return outcome
    }

    /// One post's message to one destination.
    func send(_ row: Claimed) async throws -> String? {
        guard let sent = try await cache.post(row.postID, posts: posts, database: database),
              let variant = sent.content.variant(for: sent.content.fallbackLanguage) else {
            throw SendFailure.permanent(reason: "the post's published version is missing")
        }
        let published = try await database.reader.raw("SELECT started_at FROM post_sends WHERE post_id = \(bind: row.postID)").first()?
            .decode(column: "started_at", as: Int64.self)
        let item = DestinationPayload.Item(postID: row.postID, title: variant.title, summary: variant.summary.isEmpty ? PostRules.channelText(variant, channel: .chat) : variant.summary,
                                           language: variant.language, priority: sent.content.priority.rawValue, topics: sent.topics,
                                           url: "\(baseURL)/feed/posts/\(row.postID)", publishedAt: published.map(Millis.date) ?? Date())
        return try await post(item, to: row.destinationID, eventID: "tandem-dd\(row.id)", event: "post.published")
    }

    /// A notice that is not a post (a survey opening, a reminder) to one Slack or Teams
    /// destination, with the same pacing, pausing and failure classes as posts. The caller keeps
    /// its own outbox and records the outcome; `key` identifies the notice on every attempt.
    public func announce(_ item: DestinationPayload.Item, to destinationID: Int64, key: String, event: String) async throws -> String? {
        try await post(item, to: destinationID, eventID: key, event: event)
    }

    /// One POST; the answer sorted into the outcomes in the table above.
    func post(_ item: DestinationPayload.Item, to destinationID: Int64, eventID: String, event: String) async throws -> String? {
        guard let target = try await store.forSending(destinationID) else { throw SendFailure.permanent(reason: "the destination was removed") }
        let pacer = pacer(destinationID)
        if await pacer.isHeld(), let until = await pacer.holdUntil {
            throw SendFailure.retry(reason: "the destination asked to slow down", after: max(1, until.timeIntervalSinceNow))
        }
        let body: Data
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tandem-Webhooks/1")
        switch target.destination.kind {
        case .slack: body = try DestinationPayload.slack(item)
        case .teams: body = try DestinationPayload.teams(item)
        case .webhook:
            body = try DestinationPayload.webhook(item, eventID: eventID, event: event)
            let timestamp = Int(Date().timeIntervalSince1970)
            request.headers.add(name: "Idempotency-Key", value: eventID)
            request.headers.add(name: "X-Tandem-Event", value: event)
            request.headers.add(name: "X-Tandem-Timestamp", value: String(timestamp))
            if let secret = target.secret {
                request.headers.add(name: "X-Tandem-Signature", value: DestinationPayload.signature(secret: secret, timestamp: timestamp, body: body))
            }
        }
        request.body = .bytes(ByteBuffer(data: body))
        try await pacer.acquire(rate: 1, burst: 3)
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(15))
            answer = try await response.body.collect(upTo: 64 * 1_024)
        } catch {
            throw try await failure(destinationID, pacer, "\(target.destination.host) could not be reached or did not answer within 15 s (\(error))")
        }
        let status = response.status.code
        let detail = String(String(buffer: answer).prefix(200))
        switch status {
        case 200..<300:
            await pacer.succeeded()
            return detail.isEmpty ? "\(status)" : detail
        case 429:
            let wait = response.headers.first(name: "Retry-After").flatMap { Double($0) }.map { min(3_600, max(1, $0)) } ?? 30
            await pacer.hold(until: Date().addingTimeInterval(wait))
            throw SendFailure.retry(reason: "\(target.destination.host) asked to slow down (429); retrying after \(Int(wait)) s", after: wait)
        case 401, 403, 404, 410:
            // The webhook was deleted, its channel archived, or its token revoked: every post would fail.
            try await store.pause(destinationID, reason: "\(target.destination.host) answered \(status) (\(detail)); check the webhook address, then resume")
            throw SendFailure.retry(reason: "\(target.destination.host) answered \(status): \(detail); the destination is paused", after: 60)
        case 408, 500..<600:
            throw try await failure(destinationID, pacer, "\(target.destination.host) failed (\(status)): \(detail)")
        default:
            await pacer.succeeded()
            throw SendFailure.permanent(reason: "\(target.destination.host) refused the message (\(status)): \(detail)")
        }
    }

    func failure(_ id: Int64, _ pacer: ChannelPacer, _ reason: String) async throws -> SendFailure {
        if await pacer.failed(limit: Self.pauseAfter) {
            try await store.pause(id, reason: "\(Self.pauseAfter) failures in a row; the last: \(reason)")
            await pacer.succeeded()
        }
        return SendFailure.retry(reason: reason, after: nil)
    }

    func record(_ row: Claimed, state: DeliveryState, error: String?, dueAt: Date?, externalID: String? = nil, now: Date = Date()) async throws -> Bool {
        let stamp = Millis.from(now)
        return try await database.transaction { db in
            var extra: SQLQueryString = dueAt.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
            if let externalID { extra = extra + ", external_id = \(bind: String(externalID.prefix(200)))" }
            return try await db.raw("""
                UPDATE destination_deliveries SET state = \(bind: state.rawValue), lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    sent_at = \(bind: state == .sent ? stamp : nil), updated_at = \(bind: stamp)
                """ + extra + """
                 WHERE id = \(bind: row.id) AND state = 'sending' AND attempts = \(bind: Int64(row.attempt)) RETURNING id
                """).first() != nil
        }
    }

    /// After a restart: what this server was sending is due again now (see the table above).
    public func recoverInterrupted(now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE destination_deliveries SET state = 'failed', lease_until = NULL, due_at = \(bind: Millis.from(now)),
                    last_error = 'interrupted by a restart', updated_at = \(bind: Millis.from(now))
                WHERE state = 'sending' AND lease_owner = \(bind: owner) RETURNING id
                """).all().count
        }
    }

    /// Withdrawn posts: what has not gone yet never will.
    public func cancelWithdrawn(now: Date = Date()) async throws -> Int {
        try await database.transaction { db in
            try await db.raw("""
                UPDATE destination_deliveries SET state = 'cancelled', lease_until = NULL, last_error = 'the post was withdrawn', updated_at = \(bind: Millis.from(now))
                WHERE state IN ('pending', 'failed') AND post_id IN (SELECT id FROM posts WHERE state = 'withdrawn') RETURNING id
                """).all().count
        }
    }

    /// Per post: each destination's delivery (for the status page).
    public func status(post postID: Int64) async throws -> [(name: String, kind: Destination.Kind, state: DeliveryState, attempts: Int, error: String?)] {
        try await database.reader.raw("""
            SELECT d.name, d.kind, x.state, x.attempts, x.last_error FROM destination_deliveries x JOIN destinations d ON d.id = x.destination_id
            WHERE x.post_id = \(bind: postID) ORDER BY d.name
            """).all().map {
            (try $0.decode(column: "name", as: String.self), Destination.Kind(rawValue: try $0.decode(column: "kind", as: String.self)) ?? .webhook,
             DeliveryState(rawValue: try $0.decode(column: "state", as: String.self)) ?? .pending, Int(try $0.decode(column: "attempts", as: Int64.self)),
             try $0.decode(column: "last_error", as: String?.self))
        }
    }
}
