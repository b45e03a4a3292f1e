import Audiences
@testable import Content
@testable import Delivery
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Scripted outcomes for the worker's bookkeeping; real adapters are tested against real servers.
struct ScriptedAdapter: ChannelAdapter {
    let channel: Channel
    let outcome: @Sendable (OutboundMessage) -> SendFailure?
    func send(_ message: OutboundMessage) async throws -> String? {
        if let failure = outcome(message) { throw failure }
        return "scripted-\(message.deliveryID)"
    }
}

@Suite("Sending deliveries")
struct DeliveryWorkerTests {
    @Test("backoff doubles from 30 s to an hour, with ±20% jitter")
    func backoff() {
        #expect(DeliveryWorker.backoff(attempt: 1, random: 0.5) == 30)
        #expect(DeliveryWorker.backoff(attempt: 3, random: 0.5) == 120)
        #expect(DeliveryWorker.backoff(attempt: 20, random: 0.5) == 3_600)
        #expect(DeliveryWorker.backoff(attempt: 1, random: 0) == 24 && DeliveryWorker.backoff(attempt: 1, random: 0.999_999) < 36)
    }

    static func rows(_ database: Database, _ postID: Int64) async throws -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for row in try await database.reader.raw("SELECT channel, state, COUNT(*) AS n FROM deliveries WHERE post_id = \(bind: postID) GROUP BY channel, state").all() {
            result[try row.decode(column: "channel", as: String.self), default: [:]][try row.decode(column: "state", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return result
    }

    @Test("sent, retried after backoff, dead after a permanent failure; channels without an adapter wait; leases reclaimed; withdrawn posts stop", arguments: TestDatabase.kinds)
    func outcomes(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let brazil = try #require(try await room.audiences.find(name: "Brazil"))
            let post = try await room.post(channels: [.feed, .email, .sms], audiences: [PostAudience(audienceID: brazil.id, mode: .include)], at: nil)
            let send = try #require(try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post))
            let email = ScriptedAdapter(channel: .email) { message in
                switch message.employeeID % 3 {
                case 0: .retry(reason: "421 try later", after: nil)
                case 1: .permanent(reason: "550 no such mailbox")
                default: nil
                }
            }
            let worker = DeliveryWorker(database: database, adapters: [FeedAdapter(), email], owner: "node-a")
            let now = Date()
            let first = try await worker.runOnce(limit: 10_000, now: now)
            var counts = try await Self.rows(database, post.id)
            #expect(counts["feed"] == ["sent": send.people])
            let emailTotal = (counts["email"]?.values.reduce(0, +) ?? 0)
            #expect(first.sent == send.people + (counts["email"]?["sent"] ?? 0))
            #expect((counts["email"]?["failed"] ?? 0) > 0 && (counts["email"]?["dead"] ?? 0) > 0 && (counts["email"]?["sent"] ?? 0) > 0)
            #expect(counts["sms"]?.keys.sorted() == ["pending"], "no SMS adapter yet: the rows wait")
            #expect(try await worker.runOnce(limit: 10_000, now: now).claimed == 0, "retries wait for their time")
            let retried = try await worker.runOnce(limit: 10_000, now: now.addingTimeInterval(60))
            #expect(retried.retrying == (counts["email"]?["failed"] ?? 0), "second attempt, still failing")
            let attempts = try await database.reader.raw("SELECT MAX(attempts) AS n FROM deliveries WHERE post_id = \(bind: post.id) AND state = 'failed'").first()?.decode(column: "n", as: Int64.self)
            #expect(attempts == 2)

            // Give up after the maximum number of attempts.
            var clock = now.addingTimeInterval(60)
            for _ in 0..<DeliveryWorker.maximumAttempts { clock = clock.addingTimeInterval(7_200); _ = try await worker.runOnce(limit: 10_000, now: clock) }
            counts = try await Self.rows(database, post.id)
            #expect(counts["email"]?["failed"] == nil && (counts["email"]?.values.reduce(0, +) ?? 0) == emailTotal)
            let lastError = try await database.reader.raw("SELECT last_error FROM deliveries WHERE post_id = \(bind: post.id) AND state = 'dead' AND attempts = \(bind: Int64(DeliveryWorker.maximumAttempts))").first()?.decode(column: "last_error", as: String.self)
            #expect(lastError?.hasPrefix("gave up after 8 attempts") == true)

            // A crashed worker: its claimed rows come back after the lease, and its late result is ignored.
            let second = try await room.post(channels: [.feed], audiences: [PostAudience(audienceID: brazil.id, mode: .include)], at: nil)
            _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(second)
            let crashed = try await worker.claim(limit: 5, now: clock)
            #expect(crashed.count == 5)
            let waiting = (try await Self.rows(database, second.id))["feed"]?["pending"] ?? -1
            #expect(try await worker.claim(limit: 1_000, now: clock).count == waiting, "the others")
            // Everything of the second post is now leased; after the lease, all of it is claimable again.
            #expect(try await worker.claim(limit: 1_000, now: clock.addingTimeInterval(10)).isEmpty)
            let reclaimed = try await worker.runOnce(limit: 1_000, now: clock.addingTimeInterval(DeliveryWorker.lease + 1))
            #expect(reclaimed.sent == send.people)
            #expect(try await worker.record(crashed[0], state: .dead, error: "late", dueAt: nil, now: clock) == false, "the crashed claim cannot overwrite")
            #expect((try await Self.rows(database, second.id))["feed"] == ["sent": send.people])

            // Withdrawn: nothing more is claimed, and what waited is cancelled.
            let third = try await room.post(channels: [.feed, .sms], audiences: [PostAudience(audienceID: brazil.id, mode: .include)], at: nil)
            _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(third)
            _ = try await room.posts.transition(third.id, .withdraw, expectedVersion: nil, by: room.author)
            #expect(try await worker.runOnce(limit: 10_000, now: clock.addingTimeInterval(DeliveryWorker.lease * 3)).claimed == 0)
            #expect(try await worker.cancelWithdrawn() > 0)
            #expect((try await Self.rows(database, third.id)).values.allSatisfy { $0.keys.sorted() == ["cancelled"] })
        }
    }

    @Test("a restarted server retries at once what it was sending when it stopped; another server's rows wait for their lease", arguments: TestDatabase.kinds)
    func recovery(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let brazil = try #require(try await room.audiences.find(name: "Brazil"))
            let post = try await room.post(channels: [.feed], audiences: [PostAudience(audienceID: brazil.id, mode: .include)], at: nil)
            _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post)
            let a = DeliveryWorker(database: database, adapters: [FeedAdapter()], owner: "node-a")
            let b = DeliveryWorker(database: database, adapters: [FeedAdapter()], owner: "node-b")
            let now = Date()
            let byA = try await a.claim(limit: 10, now: now), byB = try await b.claim(limit: 7, now: now)
            #expect(byA.count == 10 && byB.count == 7)
            // node-a "restarts".
            #expect(try await a.recoverInterrupted(now: now) == 10)
            let sent = try await a.runOnce(limit: 1_000, now: now.addingTimeInterval(1))
            #expect(sent.sent == (try await Self.rows(database, post.id))["feed"]?["sent"] ?? -1)
            #expect((try await Self.rows(database, post.id))["feed"]?["sending"] == 7, "node-b's claims are left to node-b or to their lease")
            let attempts = try await database.reader.raw("SELECT MAX(attempts) AS n FROM deliveries WHERE id = \(bind: byA[0].deliveryID)").first()?.decode(column: "n", as: Int64.self)
            #expect(attempts == 2)
        }
    }

    @Test("workers claiming at the same time take disjoint rows", arguments: TestDatabase.kinds)
    func concurrentClaims(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let post = try await room.post(channels: [.feed], audiences: [], at: nil)
            let send = try #require(try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post))
            let worker = DeliveryWorker(database: database, adapters: [FeedAdapter()], owner: "node-a")
            let now = Date()
            let batches = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<6 { group.addTask { try await worker.claim(limit: 300, now: now).map(\.deliveryID) } }
                var all: [[Int64]] = []
                for try await batch in group { all.append(batch) }
                return all
            }
            let ids = batches.flatMap { $0 }
            #expect(ids.count == min(send.deliveries, 1_800))
            #expect(Set(ids).count == ids.count, "no delivery claimed twice")
        }
    }
}
