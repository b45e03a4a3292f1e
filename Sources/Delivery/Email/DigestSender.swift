public import Foundation
import NIOCore
import SQLKit
import TandemCore
import TandemUI
public import TandemStore

/// Sends digest emails: the optional posts' emails a person chose to get once a day or week
/// (rows in state `digest`, due at the digest time) go out as one message.
///
/// A digest is claimed like a delivery: a `digests` row is made and leased, and the person's due
/// rows are tied to it in the same transaction; after the SMTP server accepts the message the
/// rows and the digest are marked sent together. A crash in between leaves the digest leased;
/// when the lease runs out it is sent again with the same Message-ID (the one duplicate an SMTP
/// send can make, as for single emails). Rows that arrive later wait for the next digest.
public struct DigestSender: Sendable {
    let adapter: EmailAdapter
    let database: Database
    let owner: String
    static let lease: TimeInterval = 120
    static let maximumItems = 50

    public init(adapter: EmailAdapter, database: Database, owner: String) {
        self.adapter = adapter
        self.database = database
        self.owner = owner
    }

    public struct Outcome: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var dead = 0
        public init() {}
    }

    /// Makes and sends the digests that are due, up to `limit`.
    public func runOnce(limit: Int = 50, now: Date = Date()) async throws -> Outcome {
        var outcome = Outcome()
        for digest in try await claim(limit: limit, now: now) {
            switch try await send(digest, now: now) {
            case .sent: outcome.sent += 1
            case .failed: outcome.retrying += 1
            case .dead: outcome.dead += 1
            case .none: break
            }
        }
        return outcome
    }

    struct Claimed: Sendable {
        let id: Int64
        let employeeID: Int64
        let mode: String
        let attempt: Int
        let leaseUntil: Int64
    }

    /// Takes over digests whose lease ran out or whose retry is due, then starts new ones for
    /// people with due rows.
    func claim(limit: Int, now: Date) async throws -> [Claimed] {
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(Self.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { db in
            var claimed: [Claimed] = []
            let open = try await db.raw("""
                SELECT id FROM digests WHERE ((state = 'sending' AND lease_until < \(bind: stamp)) OR (state = 'failed' AND due_at <= \(bind: stamp)))
                ORDER BY due_at LIMIT \(bind: limit)
                """ + lock).all().map { try $0.decode(column: "id", as: Int64.self) }
            if !open.isEmpty {
                claimed += try await db.raw("""
                    UPDATE digests SET state = 'sending', lease_owner = \(bind: owner), lease_until = \(bind: until), attempts = attempts + 1
                    WHERE id IN (\(binds: open)) RETURNING id, employee_id, mode, attempts
                    """).all().map { try Self.claimed($0, until: until) }
            }
            let people = try await db.raw("""
                SELECT DISTINCT employee_id FROM deliveries WHERE state = 'digest' AND due_at <= \(bind: stamp) AND digest_id IS NULL
                LIMIT \(bind: max(0, limit - claimed.count))
                """).all().map { try $0.decode(column: "employee_id", as: Int64.self) }
            for person in people {
                let mode = try await db.raw("SELECT digest FROM delivery_preferences WHERE employee_id = \(bind: person)").first()?
                    .decode(column: "digest", as: String.self) ?? "daily"
                guard let row = try await db.raw("""
                    INSERT INTO digests (employee_id, mode, state, attempts, due_at, lease_owner, lease_until, created_at)
                    VALUES (\(bind: person), \(bind: mode), 'sending', 1, \(bind: stamp), \(bind: owner), \(bind: until), \(bind: stamp))
                    RETURNING id, employee_id, mode, attempts
                    """).first() else { continue }
                let digest = try Self.claimed(row, until: until)
                let tied = try await db.raw("""
                    UPDATE deliveries SET digest_id = \(bind: digest.id), updated_at = \(bind: stamp)
                    WHERE employee_id = \(bind: person) AND state = 'digest' AND due_at <= \(bind: stamp) AND digest_id IS NULL
                    RETURNING id
                    """).all().count
                if tied > 0 { claimed.append(digest) }
            }
            return claimed
        }
    }

    static func claimed(_ row: any SQLRow, until: Int64) throws -> Claimed {
        Claimed(id: try row.decode(column: "id", as: Int64.self), employeeID: try row.decode(column: "employee_id", as: Int64.self),
                mode: try row.decode(column: "mode", as: String.self), attempt: Int(try row.decode(column: "attempts", as: Int64.self)), leaseUntil: until)
    }

    enum Result { case sent, failed, dead }

    func send(_ digest: Claimed, now: Date) async throws -> Result? {
        let rows = try await database.reader.raw("""
            SELECT d.id, d.post_id FROM deliveries d JOIN posts p ON p.id = d.post_id
            WHERE d.digest_id = \(bind: digest.id) AND d.state = 'digest' AND p.state = 'published' ORDER BY d.id
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "post_id", as: Int64.self)) }
        guard !rows.isEmpty else {
            // Every post in it was withdrawn meanwhile.
            _ = try await finish(digest, state: "cancelled", deliveries: nil, error: "nothing left to send", externalID: nil, due: nil)
            return nil
        }
        guard let person = try await adapter.recipient(digest.employeeID), let address = person.address, !address.isEmpty else {
            return try await finish(digest, state: "dead", deliveries: .dead, error: "the employee has no work email address", externalID: nil, due: nil) ? .dead : nil
        }
        if let flag = person.flag {
            return try await finish(digest, state: "dead", deliveries: .dead, error: "\(address) is flagged as undeliverable (\(flag))", externalID: nil, due: nil) ? .dead : nil
        }
        var items: [DigestComposer.Item] = []
        for (_, postID) in rows.prefix(Self.maximumItems) {
            guard let sent = try await adapter.cache.post(postID, posts: adapter.posts, database: database),
                  let variant = sent.content.variant(for: person.language) else { continue }
            items.append(.init(title: variant.title, summary: variant.summary, language: variant.language, topics: sent.topics,
                               link: "\(adapter.baseURL)/feed/posts/\(postID)"))
        }
        let unsubscribe = adapter.baseURL + "/unsubscribe/" + (try await adapter.signer.sign("ud", [digest.employeeID]))
        let mail = DigestComposer.compose(items, weekly: digest.mode == "weekly", more: max(0, rows.count - Self.maximumItems),
                                          to: .init(name: person.name, address: address, language: person.language),
                                          preferences: "\(adapter.baseURL)/feed/preferences", unsubscribe: unsubscribe, digestID: digest.id,
                                          fromName: adapter.settings.fromName, fromAddress: adapter.settings.fromAddress, date: now)
        do {
            let reply = try await adapter.pool.send(from: adapter.settings.fromAddress, to: address, message: ByteBuffer(bytes: mail.smtpData())).summary
            return try await finish(digest, state: "sent", deliveries: .sent, error: nil, externalID: reply, due: nil, only: rows.map(\.0)) ? .sent : nil
        } catch let error as SMTPError {
            if case .rejected(let stage, let code, _) = error, code >= 500 {
                if stage == "the recipient" { try await EmailFlagStore(database: database).flag(address, reason: error.description, deliveryID: rows[0].0) }
                return try await finish(digest, state: "dead", deliveries: .dead, error: error.description, externalID: nil, due: nil) ? .dead : nil
            }
            return try await retry(digest, reason: error.description, now: now)
        } catch {
            return try await retry(digest, reason: "could not reach the SMTP server: \(error)", now: now)
        }
    }

    func retry(_ digest: Claimed, reason: String, now: Date) async throws -> Result? {
        guard digest.attempt < DeliveryWorker.maximumAttempts else {
            return try await finish(digest, state: "dead", deliveries: .dead, error: "gave up after \(digest.attempt) attempts: \(reason)", externalID: nil, due: nil) ? .dead : nil
        }
        let due = now.addingTimeInterval(DeliveryWorker.backoff(attempt: digest.attempt, random: Double.random(in: 0..<1)))
        return try await finish(digest, state: "failed", deliveries: nil, error: reason, externalID: nil, due: due) ? .failed : nil
    }

    /// Records the outcome if the digest is still this claim's; the rows follow a final state.
    /// `only` limits the rows marked to those the message held (a post withdrawn meanwhile is
    /// left for `cancelWithdrawn`).
    func finish(_ digest: Claimed, state: String, deliveries: DeliveryState?, error: String?, externalID: String?, due: Date?,
                only: [Int64]? = nil) async throws -> Bool {
        let stamp = Millis.from(Date())
        return try await database.transaction { db in
            let dueSQL: SQLQueryString = due.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
            guard try await db.raw("""
                UPDATE digests SET state = \(bind: state), lease_owner = NULL, lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    external_id = \(bind: externalID.map { String($0.prefix(200)) }), sent_at = \(bind: state == "sent" ? stamp : nil)
                """ + dueSQL + """
                 WHERE id = \(bind: digest.id) AND state = 'sending' AND lease_owner = \(bind: owner) AND attempts = \(bind: Int64(digest.attempt))
                RETURNING id
                """).first() != nil else { return false }
            if let deliveries {
                let limit: SQLQueryString = only.map { " AND id IN (\(binds: $0))" } ?? ""
                try await db.raw("""
                    UPDATE deliveries SET state = \(bind: deliveries.rawValue), sent_at = \(bind: deliveries == .sent ? stamp : nil),
                        last_error = \(bind: error.map { String($0.prefix(500)) }), external_id = \(bind: externalID.map { "digest \(digest.id): " + $0.prefix(180) }),
                        updated_at = \(bind: stamp)
                    WHERE digest_id = \(bind: digest.id) AND state = 'digest'
                    """ + limit).run()
            }
            return true
        }
    }
}
