import Audiences
import Audit
import Content
@testable import Delivery
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Chat and webhook destinations")
struct DestinationTests {
    static let admin = AuditActor(userID: nil, label: "admin", channel: .cli)

    @Test("payloads: Slack blocks escape markup, Teams carries an Adaptive Card, webhooks are signed over timestamp and body")
    func payloads() throws {
        let item = DestinationPayload.Item(postID: 7, title: "Fire drill <today> & tomorrow", summary: "Meet at *gate 3*", language: "en",
                                           priority: "critical", topics: ["Safety"], url: "https://tandem.example/feed/posts/7", publishedAt: Date(timeIntervalSince1970: 0))
        let slack = try #require(try JSONSerialization.jsonObject(with: DestinationPayload.slack(item)) as? [String: Any])
        #expect((slack["text"] as? String) == ":rotating_light: Fire drill &lt;today&gt; &amp; tomorrow")
        let section = try #require((slack["blocks"] as? [[String: Any]])?[1]["text"] as? [String: Any])
        #expect((section["text"] as? String)?.hasSuffix("<https://tandem.example/feed/posts/7|Read on Tandem>") == true)
        let teams = try #require(try JSONSerialization.jsonObject(with: DestinationPayload.teams(item)) as? [String: Any])
        let attachment = try #require((teams["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        #expect(((attachment["content"] as? [String: Any])?["actions"] as? [[String: Any]])?.first?["url"] as? String == item.url)
        let body = try DestinationPayload.webhook(item, eventID: "tandem-dd9")
        let event = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(event["event"] as? String == "post.published" && event["id"] as? String == "tandem-dd9")
        // Known answer: HMAC-SHA256("0123456789abcdef", "1700000000.{}").
        #expect(DestinationPayload.signature(secret: "0123456789abcdef", timestamp: 1_700_000_000, body: Data("{}".utf8))
                == "sha256=" + Self.hmac("0123456789abcdef", "1700000000.{}"))
    }

    /// Reference HMAC from Python's standard library, so the Swift one is checked against another implementation.
    static func hmac(_ key: String, _ message: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())", key, message]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("bad destinations are refused at the edge")
    func validation() {
        #expect(throws: AppError.self) { try NewDestination(name: "", kind: "slack", url: "https://hooks.slack.com/x", signingSecret: nil, topicIDs: []) }
        #expect(throws: AppError.self) { try NewDestination(name: "a", kind: "discord", url: "https://x.example/x", signingSecret: nil, topicIDs: []) }
        #expect(throws: AppError.self) { try NewDestination(name: "a", kind: "slack", url: "http://hooks.example.com/x", signingSecret: nil, topicIDs: []) }
        #expect(throws: AppError.self) { try NewDestination(name: "a", kind: "slack", url: "https://user:pw@hooks.example.com/x", signingSecret: nil, topicIDs: []) }
        #expect(throws: AppError.self) { try NewDestination(name: "a", kind: "slack", url: "https://hooks.example.com/x", signingSecret: "0123456789abcdefgh", topicIDs: []) }
        #expect(throws: AppError.self) { try NewDestination(name: "a", kind: "webhook", url: "https://hooks.example.com/x", signingSecret: "short", topicIDs: []) }
        #expect((try? NewDestination(name: "a", kind: "webhook", url: "http://127.0.0.1:9/x", signingSecret: nil, topicIDs: [])) != nil)
    }

    @Test("a published post reaches Slack, Teams and a signed webhook once each; a removed webhook pauses its destination and its message waits",
          arguments: TestDatabase.kinds)
    func sends(kind: DatabaseKind) async throws {
        let sink = try GatewaySink()
        defer { sink.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let room = try await Sendroom.make(database)
            let store = DestinationStore(database: database, box: try SecretBox(key: Data(repeating: 3, count: 32)))
            let base = sink.url.replacingOccurrences(of: "/2010-04-01/Accounts/AC123/Messages.json", with: "")
            let slack = try await store.create(try NewDestination(name: "#all-hands", kind: "slack", url: base + "/slack", signingSecret: nil, topicIDs: []), by: Self.admin)
            _ = try await store.create(try NewDestination(name: "Teams: Safety", kind: "teams", url: base + "/teams", signingSecret: nil, topicIDs: [room.topic.id]), by: Self.admin)
            _ = try await store.create(try NewDestination(name: "Intranet", kind: "webhook", url: base + "/hook", signingSecret: "0123456789abcdef", topicIDs: []), by: Self.admin)
            let gone = try await store.create(try NewDestination(name: "Old channel", kind: "slack", url: base + "/gone", signingSecret: nil, topicIDs: []), by: Self.admin)
            await #expect(throws: AppError.self) {
                try await store.create(try NewDestination(name: "#ALL-HANDS", kind: "slack", url: base + "/x", signingSecret: nil, topicIDs: []), by: Self.admin)
            }
            let listed = try await store.list()
            #expect(listed.count == 4 && !listed.contains { $0.host.contains("/slack") }, "the address itself is never listed")

            let worker = DestinationWorker(database: database, store: store, posts: room.posts, owner: "node-a", baseURL: "http://tandem.test")
            let fan = FanOut(database: database, counter: AudienceCounter(database: database), owner: "node-a")
            // Chat chosen: every destination (the Teams one is on the post's topic).
            let chat = try await room.post(channels: [.feed, .chat], audiences: [], at: nil)
            _ = try await fan.run(chat)
            _ = try await fan.run(chat)  // a second walk adds nothing
            #expect(try await database.reader.raw("SELECT COUNT(*) AS n FROM destination_deliveries WHERE post_id = \(bind: chat.id)").first()?.decode(column: "n", as: Int64.self) == 4)
            let first = try await worker.drain()
            #expect(first.sent == 3 && first.retrying == 1, "\(first)")
            #expect(try await store.find(gone.id)?.paused == true, "a 404 from the webhook pauses the destination")
            #expect(try await worker.drain(now: { Date().addingTimeInterval(3_600) }).claimed == 0, "a paused destination's messages wait")

            let received = try sink.requests()
            #expect(received.count == 4)
            let byPath = Dictionary(grouping: received, by: { $0["path"] as? String ?? "" })
            let slackBody = try #require(byPath["/slack"]?.first?["json"] as? [String: Any])
            #expect((slackBody["text"] as? String) == "Site safety")
            let hook = try #require(byPath["/hook"]?.first)
            let raw = try #require(hook["raw"] as? String)
            let timestamp = try #require(hook["timestamp"] as? String)
            #expect(hook["signature"] as? String == "sha256=" + Self.hmac("0123456789abcdef", timestamp + "." + raw))
            #expect((hook["idempotency_key"] as? String)?.hasPrefix("tandem-dd") == true)
            #expect(((hook["json"] as? [String: Any])?["post"] as? [String: Any])?["url"] as? String == "http://tandem.test/feed/posts/\(chat.id)")

            // Resumed, the waiting message goes (the stand-in still answers 404: paused again, nothing lost).
            #expect(try await store.resume(gone.id, by: Self.admin))
            _ = try await worker.drain(now: { Date().addingTimeInterval(120) })
            #expect(try await store.find(gone.id)?.paused == true)
            let states = try await worker.status(post: chat.id)
            #expect(states.filter { $0.state == .sent }.count == 3 && states.first { $0.name == "Old channel" }?.state == .failed)

            // Without the chat channel only the webhook gets the post; #all-hands is untouched.
            let plain = try await room.post(channels: [.feed], audiences: [], at: nil)
            _ = try await fan.run(plain)
            #expect(try await worker.status(post: plain.id).map(\.name) == ["Intranet"])
            #expect(try await store.delete(slack.id, by: Self.admin))
            #expect(try await store.list().count == 3)
        }
    }
}
