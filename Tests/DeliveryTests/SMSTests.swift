import Audiences
import Audit
@testable import Content
@testable import Delivery
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("SMS: numbers, pacing, sealed secrets")
struct SMSRulesTests {
    @Test("mobile numbers are normalised to E.164 or refused")
    func numbers() {
        #expect(PhoneNumber.normalized("+1 (555) 010-2000") == "+15550102000")
        #expect(PhoneNumber.normalized("0049 30 1234567") == "+49301234567")
        for bad in ["", "5550102000", "+0123456789", "+1555", "+1555010200012345", "+1 555 CALL NOW", "++15550102000"] {
            #expect(PhoneNumber.normalized(bad) == nil, "\(bad)")
        }
    }

    @Test("the token bucket allows the burst, then paces at the rate")
    func bucket() {
        var bucket = TokenBucket(rate: 10, capacity: 3, now: 100)
        #expect((0..<3).map { _ in bucket.take(now: 100) } == [0, 0, 0])
        #expect(abs(bucket.take(now: 100) - 0.1) < 1e-9, "the fourth waits one interval")
        #expect(abs(bucket.take(now: 100) - 0.2) < 1e-9, "the fifth waits two")
        #expect(bucket.take(now: 101) == 0, "a second later the bucket has refilled")
        #expect(bucket.tokens <= 3 - 1 + 1e-9, "never more than its capacity")
    }

    @Test("gateway settings are checked field by field")
    func settings() throws {
        try SMSGateway(url: "https://api.example.com/Messages.json", from: "+15550100000", username: "AC1").validate()
        try SMSGateway(url: "https://api.example.com/send", from: "ACMECorp").validate()
        for (gateway, field) in [
            (SMSGateway(url: "ftp://example.com", from: "+15550100000"), "url"),
            (SMSGateway(url: "https://user:pw@example.com/x", from: "+15550100000"), "url"),
            (SMSGateway(url: "https://example.com/x", from: "not a sender!"), "from"),
            (SMSGateway(url: "https://example.com/x", from: "123456"), "from"),
            (SMSGateway(url: "https://example.com/x", from: "+15550100000", username: "a:b"), "username"),
            (SMSGateway(url: "https://example.com/x", from: "+15550100000", ratePerSecond: 0), "rate_per_second"),
            (SMSGateway(url: "https://example.com/x", from: "+15550100000", burst: 0), "burst"),
            (SMSGateway(url: "https://example.com/x", from: "+15550100000", pauseAfter: 0), "pause_after"),
            (SMSGateway(url: "https://example.com/x", from: "+15550100000", timeoutSeconds: 500), "timeout_seconds"),
        ] {
            #expect { try gateway.validate() } throws: { ($0 as? SMSGateway.Invalid)?.field == field }
        }
    }

    @Test("sealed secrets open only with their key and untampered")
    func secretBox() throws {
        let box = try SecretBox(key: Data(repeating: 1, count: 32))
        let sealed = try box.seal("auth-token-123")
        #expect(!sealed.contains("auth-token-123"))
        #expect(try box.open(sealed) == "auth-token-123")
        #expect(try box.seal("auth-token-123") != sealed, "a fresh nonce each time")
        #expect(throws: SecretBox.Failure.self) { try SecretBox(key: Data(repeating: 2, count: 32)).open(sealed) }
        var bytes = Array(sealed)
        bytes[10] = bytes[10] == "A" ? "B" : "A"
        #expect(throws: SecretBox.Failure.self) { try box.open(String(bytes)) }
        #expect(throws: SecretBox.Failure.self) { try SecretBox(key: Data(repeating: 1, count: 16)) }
        #expect(SecretBox.parseKey(Data(repeating: 9, count: 32).base64EncodedString()) == Data(repeating: 9, count: 32))
        #expect(SecretBox.parseKey("too short") == nil)
    }
}

/// A published SMS post to people whose numbers decide how the gateway sink answers.
struct Textroom {
    let room: Sendroom
    let post: Post
    let people: [String: Int64]

    static let box = try! SecretBox(key: Data(repeating: 3, count: 32))

    static func make(_ database: Database, numbers: [String?]) async throws -> Textroom {
        let room = try await Sendroom.make(database)
        var people = DemoPeople.generate(count: numbers.count, today: room.today)
        for index in people.indices {
            people[index].employeeId = "SMSTEST\(index)"
            people[index].site = "SMS Test Site"
            people[index].mobilePhone = numbers[index]
            people[index].language = "en"
            people[index].terminationDate = nil
        }
        try await EmployeeStore(database: database).upsert(people, summary: "sms test", by: .system)
        let audience = try await AudienceStore(database: database).create(
            AudienceDraft(name: "SMS test", description: "", definition: .rule(try RuleParser.parse(#"site = "SMS Test Site""#))), mayUseSensitive: true, by: .system)
        let post = try await room.post(channels: [.sms], audiences: [PostAudience(audienceID: audience.id, mode: .include)], at: nil)
        _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post)
        var ids: [String: Int64] = [:]
        for row in try await database.reader.raw("SELECT id, employee_id FROM employees WHERE employee_id LIKE 'SMSTEST%'").all() {
            let index = Int(try row.decode(column: "employee_id", as: String.self).dropFirst(7))!
            ids[numbers[index] ?? "none"] = try row.decode(column: "id", as: Int64.self)
        }
        return Textroom(room: room, post: post, people: ids)
    }

    var settings: ChannelSettingsStore { ChannelSettingsStore(database: room.database, box: Self.box) }

    func states() async throws -> [String: (state: String, error: String?, external: String?, due: Int64)] {
        var out: [String: (String, String?, String?, Int64)] = [:]
        for row in try await room.database.reader.raw("""
            SELECT e.mobile_phone, d.state, d.last_error, d.external_id, d.due_at FROM deliveries d JOIN employees e ON e.id = d.employee_id
            WHERE d.post_id = \(bind: post.id) AND d.channel = 'sms'
            """).all() {
            out[try row.decode(column: "mobile_phone", as: String?.self) ?? "none"] = (
                try row.decode(column: "state", as: String.self), try row.decode(column: "last_error", as: String?.self),
                try row.decode(column: "external_id", as: String?.self), try row.decode(column: "due_at", as: Int64.self))
        }
        return out
    }
}

@Suite("SMS through a real HTTP gateway")
struct SMSDeliveryTests {
    static let admin = AuditActor(userID: nil, label: "test", channel: .cli)

    @Test("sent with the account's Basic auth and an idempotency key; 429 holds the channel; 5xx and garbage retried; a refused number is dead",
          arguments: TestDatabase.kinds)
    func outcomes(kind: DatabaseKind) async throws {
        let gateway = try GatewaySink(token: "tok-secret", retryAfter: 60)
        defer { gateway.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let good = "+15550101001", slow = "+15550100429", down = "+15550100500", refused = "+15550100400", garbage = "+15550100999"
            let texts = try await Textroom.make(database, numbers: [good, down, refused, garbage, slow])
            let adapter = SMSAdapter(database: database, posts: texts.room.posts, settings: texts.settings)
            #expect(await adapter.isReady() == false, "not set up: SMS rows wait")
            try await texts.settings.saveSMS(SMSGateway(url: gateway.url, from: "+15550100000", username: "AC123", ratePerSecond: 50, burst: 10),
                                             token: "tok-secret", by: Self.admin)
            let raw = try await database.reader.raw("SELECT secret FROM channel_settings WHERE channel = 'sms'").first()?.decode(column: "secret", as: String.self)
            #expect(raw?.contains("tok-secret") == false && raw?.hasPrefix("v1.") == true, "the token is stored sealed")
            #expect(await adapter.isReady())

            // Messages go out several at a time, so the 429 waits for a second pass: once it
            // arrives the channel holds off, and a message sent beside it would wait too.
            let future = Millis.from(Date()) + 86_400_000
            try await database.transaction { db in
                try await db.raw("UPDATE deliveries SET due_at = \(bind: future) WHERE channel = 'sms' AND employee_id = \(bind: texts.people[slow]!)").run()
            }
            let worker = DeliveryWorker(database: database, adapters: [adapter], owner: "node-a")
            let first = try await worker.runOnce(limit: 100)
            #expect(first.sent == 1 && first.retrying == 2 && first.dead == 1)
            try await database.transaction { db in
                try await db.raw("UPDATE deliveries SET due_at = 0 WHERE channel = 'sms' AND employee_id = \(bind: texts.people[slow]!)").run()
            }
            let started = Millis.from(Date())
            let second = try await worker.runOnce(limit: 100)
            #expect(second.retrying == 1 && second.sent == 0, "only the 429 is due now")
            let states = try await texts.states()
            #expect(states[good]?.state == "sent" && states[good]?.external?.hasPrefix("SM") == true)
            #expect(states[slow]?.state == "failed" && states[slow]?.error?.contains("429") == true && (states[slow]?.due ?? 0) >= started + 60_000)
            #expect(states[down]?.state == "failed" && states[down]?.error?.contains("503") == true)
            #expect(states[refused]?.state == "dead" && states[refused]?.error?.contains("not a valid phone number") == true)
            #expect(states[garbage]?.state == "failed" && states[garbage]?.error?.contains("not with JSON") == true)
            #expect(await adapter.isReady() == false, "after a 429 the channel holds off until Retry-After")

            let requests = try gateway.requests()
            let sent = try #require(requests.first { ($0["form"] as? [String: String])?["To"] == good })
            let form = try #require(sent["form"] as? [String: String])
            #expect(form["From"] == "+15550100000" && form["Body"] == "Helmets on", "the post's own SMS text")
            #expect(sent["auth"] as? String == "AC123:tok-secret")
            let delivery = try #require(try await database.reader.raw("SELECT id FROM deliveries WHERE employee_id = \(bind: texts.people[good]!) AND channel = 'sms'").first()?
                .decode(column: "id", as: Int64.self))
            #expect(sent["idempotency_key"] as? String == "tandem-d\(delivery)")
            #expect(requests.count == 5, "no request for nobody; one each")
        }
    }

    @Test("failures in a row pause the channel for every server; rows then wait; resuming sends them", arguments: TestDatabase.kinds)
    func pause(kind: DatabaseKind) async throws {
        let gateway = try GatewaySink(token: "right")
        defer { gateway.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let numbers = (1...6).map { "+1555020\(1000 + $0)" }
            let texts = try await Textroom.make(database, numbers: numbers)
            try await texts.settings.saveSMS(SMSGateway(url: gateway.url, from: "Tandem", username: "AC9", pauseAfter: 3), token: "wrong", by: Self.admin)
            let adapter = SMSAdapter(database: database, posts: texts.room.posts, settings: texts.settings)
            let worker = DeliveryWorker(database: database, adapters: [adapter], owner: "node-a")
            let outcome = try await worker.runOnce(limit: 100)
            #expect(outcome.retrying == 6 && outcome.sent == 0)
            let status = try #require(try await texts.settings.status(.sms))
            #expect(status.paused && status.pauseReason?.contains("3 failures in a row") == true && status.pauseReason?.contains("401") == true)
            #expect(try gateway.requests().count <= 6)
            #expect(await adapter.isReady() == false)
            // Another server's adapter sees the pause too.
            #expect(await SMSAdapter(database: database, posts: texts.room.posts, settings: texts.settings).isReady() == false)
            #expect(try await worker.runOnce(limit: 100, now: Date().addingTimeInterval(7_200)).claimed == 0, "paused: nothing is claimed")
            #expect(try await texts.settings.paused().map(\.channel) == [.sms])

            // Fixing the token (saving) resumes; the rows go out.
            try await texts.settings.saveSMS(SMSGateway(url: gateway.url, from: "Tandem", username: "AC9", pauseAfter: 3), token: "right", by: Self.admin)
            #expect(try await texts.settings.status(.sms)?.paused == false)
            let again = try await worker.runOnce(limit: 100, now: Date().addingTimeInterval(7_200))
            #expect(again.sent == 6)
            #expect(try await texts.settings.resume(.sms, by: Self.admin) == false, "it was not paused")
            let actions = try await database.reader.raw("SELECT action FROM audit_log WHERE entity_type = 'channel' ORDER BY id").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(actions == ["channel.settings", "channel.pause", "channel.settings"])
        }
    }

    @Test("without a key a token cannot be stored; settings without one still save")
    func noKey() async throws {
        try await TestDatabase.with(.sqlite, migrator: deliveryMigrator) { (database: Database) async throws in
            let store = ChannelSettingsStore(database: database, box: nil)
            await #expect { try await store.saveSMS(SMSGateway(url: "https://gw.example.com/send", from: "Tandem"), token: "t", by: Self.admin) } throws: {
                ($0 as? ChannelSettingsStore.Problem)?.description.contains("TANDEM_SECRET_KEY") == true
            }
            try await store.saveSMS(SMSGateway(url: "https://gw.example.com/send", from: "Tandem"), token: nil, by: Self.admin)
            #expect(try await store.status(.sms)?.hasSecret == false)
        }
    }
}
