import Accounts
import ArgumentParser
import Audiences
import Audit
import Content
import Delivery
import Foundation
import Logging
import People
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Issue 5's delivery figures, each against a baseline taken in the same run:
/// - fan-out: freezing a 100,000-person audience into deliveries (target ≥ 50,000 rows/s),
///   against a plain multi-row INSERT of the same rows;
/// - email: sending a post to `emails` people through a real SMTP server (scripts/smtp-sink.py)
///   with 10 connections (target ≥ 500 messages/s), against bare test messages on the same pool.
struct DeliveryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delivery", abstract: "Fan-out rows/s and email messages/s (issue 5).")

    @Option(help: "People in the audience for the fan-out.") var people = 100_000
    @Option(help: "Emails sent (0 skips the email run).") var emails = 10_000
    @Option(help: "SMTP connections.") var connections = 10
    @Option(help: "People per fan-out page (transaction).") var pageSize = FanOut.defaultPageSize
    @Option(help: "The SMTP sink script.") var sink = "scripts/smtp-sink.py"
    @Option(name: .customLong("postgres-url"), help: "Also measure the fan-out on this PostgreSQL (a scratch schema is created and dropped).") var postgresURL: String?

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let sqlite = try await Database.open(.sqlite(path: folder.appendingPathComponent("bench.sqlite").path), logger: logger)
        try await Migrations.all.migrate(sqlite)
        let room = try await Room.make(sqlite, people: max(people, emails))
        try await fanOut(room, engine: "SQLite")
        if emails > 0 { try await email(room, folder: folder) }
        await sqlite.close()
        if let postgresURL {
            let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            let admin = try await Database.open(.postgres(url: postgresURL), logger: logger)
            try await admin.transaction { db in try await db.raw("CREATE SCHEMA \(ident: schema)").run() }
            let database = try await Database.open(.postgres(url: postgresURL + (postgresURL.contains("?") ? "&" : "?") + "search_path=\(schema)"), logger: logger)
            do {
                try await Migrations.all.migrate(database)
                try await fanOut(try await Room.make(database, people: people), engine: "PostgreSQL")
            } catch { say("PostgreSQL run failed: \(error)") }
            await database.close()
            try await admin.transaction { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
            await admin.close()
        }
    }

    /// People, two staff, a topic and a way to publish posts.
    struct Room {
        let database: Database
        let posts: PostStore
        let author: PostActor, approver: PostActor
        let topic: Topic

        static func make(_ database: Database, people count: Int) async throws -> Room {
            say("seeding \(count) employees …")
            var people = DemoPeople.generate(count: count)
            for index in people.indices {
                people[index].workEmail = "person\(index)@example.com"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            let store = EmployeeStore(database: database)
            for start in stride(from: 0, to: people.count, by: 10_000) {
                _ = try await store.upsert(Array(people[start..<min(people.count, start + 10_000)]), summary: "bench", by: .system)
                say("  \(min(people.count, start + 10_000)) employees")
            }
            let users = UserStore(database: database)
            func staff(_ email: String, _ roles: [Role]) async throws -> PostActor {
                let user = try await users.create(try NewUser(email: email, displayName: email, roles: roles.map(\.rawValue), teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
                return PostActor(userID: user.id, name: email, roles: Set(roles), audit: AuditActor(userID: user.id, label: email, channel: .api))
            }
            let author = try await staff("author@bench.example", [.comms]), approver = try await staff("approver@bench.example", [.approver])
            let topic = try await TopicStore(database: database).create(
                try TopicDraft(name: "Benefits", description: "", ownerTeamID: nil, stages: [ApprovalStage(approvers: [approver.userID], rule: .any)]), by: .system)
            return Room(database: database, posts: PostStore(database: database, render: { MarkdownRenderer.render($0).html }), author: author, approver: approver, topic: topic)
        }

        func publish(_ channels: [Channel], title: String, spanish: Bool = false) async throws -> Post {
            var variants = [PostVariant(language: "en", title: title, summary: "Open enrolment closes on December 15.", body: PostSave.body)]
            if spanish {
                variants.append(PostVariant(language: "es", title: "Inscríbase antes del 15 de diciembre", summary: "La inscripción cierra pronto.", body: PostSave.body))
            }
            var post = try await posts.create(PostContent(priority: .normal, fallbackLanguage: "en", topicIDs: [topic.id], channels: channels, variants: variants), by: author)
            post = try await posts.transition(post.id, .submit, expectedVersion: post.version, by: author)
            post = try await posts.transition(post.id, .approve, expectedVersion: post.version, by: approver)
            return try await posts.transition(post.id, .publish, expectedVersion: post.version, by: author)
        }
    }

    func fanOut(_ room: Room, engine: String) async throws {
        let database = room.database
        let walked = try await room.publish([.feed], title: "Fan-out")
        let counter = AudienceCounter(database: database)
        let fan = FanOut(database: database, counter: counter, owner: "bench", pageSize: pageSize)
        let began = ContinuousClock.now
        guard let summary = try await fan.run(walked, progress: { s in if s.people % 20_000 == 0 { say("  \(engine) fan-out: \(s.people) people") } }) else { return }
        let fanTime = began.duration(to: .now)

        // The baseline: the same number of rows, already known, in multi-row INSERTs of 300,
        // a transaction per 1,000 people as the walk commits.
        let plain = try await room.publish([.feed], title: "Baseline")
        let ids = try await database.reader.raw("SELECT employee_id FROM deliveries WHERE post_id = \(bind: walked.id) ORDER BY employee_id").all()
            .map { try $0.decode(column: "employee_id", as: Int64.self) }
        let baseBegan = ContinuousClock.now
        for page in stride(from: 0, to: ids.count, by: 1_000) {
            let slice = ids[page..<min(ids.count, page + 1_000)]
            let stamp = Millis.from(Date())
            try await database.transaction { db in
                for chunk in stride(from: slice.startIndex, to: slice.endIndex, by: 300) {
                    let values = slice[chunk..<min(slice.endIndex, chunk + 300)].map { id -> SQLQueryString in
                        "(\(bind: plain.id), \(bind: id), 'feed', 'pending', \(bind: stamp), \(bind: stamp), \(bind: stamp))"
                    }.joined(separator: ", ")
                    try await db.raw("INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, created_at, updated_at) VALUES " + values).run()
                }
            }
        }
        let baseTime = baseBegan.duration(to: .now)
        let rate = Double(summary.deliveries) / fanTime.seconds, baseRate = Double(ids.count) / baseTime.seconds
        say(String(format: "%@ fan-out: %d deliveries for %d people in %.2f s = %.0f rows/s (target ≥ 50,000); plain bulk insert %.0f rows/s; ratio %.2f",
                   engine, summary.deliveries, summary.people, fanTime.seconds, rate, baseRate, rate / baseRate))
    }

    func email(_ room: Room, folder: URL) async throws {
        let sinkProcess = Process()
        sinkProcess.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let ready = folder.appendingPathComponent("sink-port")
        sinkProcess.arguments = ["python3", sink, "--port", "0", "--lean", "--log", folder.appendingPathComponent("mail.jsonl").path, "--ready", ready.path]
        try sinkProcess.run()
        defer { sinkProcess.terminate() }
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let value = Int(text) { port = value; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else { throw ValidationError("\(sink) did not start; python3 -m pip install -r e2e/requirements.txt") }
        let settings = SMTPSettings(host: "127.0.0.1", port: port, security: .none, connections: connections, messagesPerConnection: 100_000,
                                    fromAddress: "news@bench.example", fromName: "Bench News")

        // Baseline: small fixed messages, `connections` at a time, on a pool of its own.
        let bare = EmailAdapter(settings: settings, database: room.database, posts: room.posts, signer: LinkSigner(database: room.database), baseURL: "http://bench")
        let baseCount = min(emails, 5_000)
        let baseBegan = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<connections {
                group.addTask { for n in stride(from: lane, to: baseCount, by: connections) { try await bare.sendTest(to: "base\(n)@example.com") } }
            }
            try await group.waitForAll()
        }
        let baseRate = Double(baseCount) / baseBegan.duration(to: .now).seconds
        await bare.shutdown()

        // The pipeline: a published post, its audience frozen, then the worker claims, composes
        // (each person's variant, signed unsubscribe link, MIME) and records each outcome.
        let post = try await room.publish([.email], title: "Enrol by December 15", spanish: true)
        _ = try await FanOut(database: room.database, counter: AudienceCounter(database: room.database), owner: "bench").run(post)
        // Only `emails` of them are sent: the rest are cancelled first.
        try await room.database.transaction { db in
            try await db.raw("""
                UPDATE deliveries SET state = 'cancelled' WHERE post_id = \(bind: post.id) AND id NOT IN
                  (SELECT id FROM deliveries WHERE post_id = \(bind: post.id) ORDER BY id LIMIT \(bind: emails))
                """).run()
        }
        let adapter = EmailAdapter(settings: settings, database: room.database, posts: room.posts, signer: LinkSigner(database: room.database), baseURL: "http://bench")
        let worker = DeliveryWorker(database: room.database, adapters: [adapter], owner: "bench")
        let began = ContinuousClock.now
        var sent = 0, unsent = 0
        while true {
            let batch = try await worker.runOnce(limit: 500)
            sent += batch.sent
            unsent += batch.dead + batch.retrying
            if batch.claimed == 0 { break }
            if sent % 2_000 < 500 { say("  email: \(sent) sent") }
        }
        let elapsed = began.duration(to: .now).seconds
        await adapter.shutdown()
        let rate = Double(sent) / elapsed
        say(String(format: "email: %d sent (%d not) in %.2f s = %.0f messages/s with %d connections (target ≥ 500); bare test messages %.0f/s; ratio %.2f",
                   sent, unsent, elapsed, rate, connections, baseRate, rate / baseRate))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
