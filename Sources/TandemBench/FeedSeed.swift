import Accounts
import Audit
import ArgumentParser
import Content
import Delivery
import Feed
import Foundation
import Listening
import Logging
import SQLKit
import TandemApp
import TandemCore
import TandemStore

/// Builds the database `bench/feed.sh` serves: employees, published posts in two languages, each
/// delivered to its readers' feeds, some acknowledgements and reactions, employee sessions for
/// the readers, and one post scheduled for everyone (the 100,000-person send whose memory the
/// script watches).
struct FeedSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feed-seed", abstract: "Seed the database for bench/feed.sh (issue 5: GET /feed).")

    @Option(help: "Folder for the SQLite database.") var dataDir: String
    @Option(help: "PostgreSQL instead of SQLite.") var databaseURL: String?
    @Option(help: "Employees.") var employees = 100_000
    @Option(help: "Published posts.") var posts = 10_000
    @Option(help: "Readers who received every post (a session each is printed).") var readers = 64
    @Option(help: "Other people each post reached.") var othersPerPost = 100
    @Option(help: "File to write the readers' session cookies to, one per line.") var sessionsFile: String
    @Option(help: "Seconds from now at which the post to everyone is published (0: none).") var sendIn = 60
    @Flag(help: "Also open a survey to everyone, so every reader's feed shows its card (with a German wording).") var survey = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        var configuration = TandemConfiguration()
        configuration.dataDirectory = dataDir
        configuration.databaseURL = databaseURL
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let database = try await Database.open(configuration.databaseLocation, logger: logger)
        try await Migrations.all.migrate(database)
        let room = try await DeliveryBench.Room.make(database, people: employees)
        let began = ContinuousClock.now
        try await Self.fill(database, author: room.author.userID, topic: room.topic.id, posts: posts, readers: readers,
                            others: othersPerPost, employees: employees) { say("  \($0)") }
        say("posts and deliveries written in \(began.duration(to: .now))")
        let sessions = EmployeeSessionStore(database: database)
        var lines: [String] = []
        for reader in 1...Int64(readers) { lines.append(try await sessions.create(employeeID: reader, via: "bench", requestID: nil).token) }
        try lines.joined(separator: "\n").write(toFile: sessionsFile, atomically: true, encoding: .utf8)
        if survey {
            let listening = ListeningFeature(database: database, threshold: 5, signer: LinkSigner(database: database), baseURL: "http://127.0.0.1")
            let hr = AuditActor(userID: nil, label: "bench", channel: .cli)
            let draft = try await listening.surveys.create(SurveyDraft(title: "Benefits pulse", intro: "Two minutes.", mode: .anonymous,
                                                                       questions: try QuestionText.parse("enps: How likely are you to recommend us?")), by: hr)
            _ = try await listening.translations.save(SurveyTranslation(language: "de", title: "Puls zu Leistungen", intro: "Zwei Minuten.",
                                                                        questions: [.init(key: "q1", prompt: "Wie wahrscheinlich empfehlen Sie uns?")]), survey: draft, by: hr)
            let opened = try await listening.surveys.open(draft.id, version: draft.version, by: hr)
            say("survey \(opened.id) open to \(opened.invited) people: each reader's feed shows its card")
        }
        if sendIn > 0 {
            // Everyone, on the feed and by email (no SMTP server in the bench: those rows wait).
            var post = try await room.posts.create(PostContent(priority: .normal, fallbackLanguage: "en", topicIDs: [room.topic.id], channels: [.feed, .email],
                                                               variants: [PostVariant(language: "en", title: "For everyone", summary: "The send the bench watches.", body: PostSave.body)]),
                                                   by: room.author)
            post = try await room.posts.transition(post.id, .submit, expectedVersion: post.version, by: room.author)
            post = try await room.posts.transition(post.id, .approve, expectedVersion: post.version, by: room.approver)
            _ = try await room.posts.transition(post.id, .schedule(at: Date().addingTimeInterval(Double(sendIn))), expectedVersion: post.version,
                                                scheduleZone: "UTC", by: room.author)
            say("post \(post.id) to all \(employees) people is scheduled in \(sendIn) s")
        }
        await database.close()
    }

    static func fill(_ database: Database, author: Int64, topic: Int64, posts: Int, readers: Int, others: Int, employees: Int,
                     progress: (String) -> Void) async throws {
        var generator = SplitMix(seed: 5)
        let start = Date().addingTimeInterval(-Double(posts) * 600)
        var written = 0
        while written < posts {
            let batch = min(250, posts - written)
            let first = written
            var chosen: [[Int64]] = []
            for _ in 0..<batch {
                var recipients = Set((1...Int64(readers)))
                while recipients.count < readers + others { recipients.insert(Int64(generator.next() % UInt64(employees)) + 1) }
                chosen.append(recipients.sorted())
            }
            let picked = chosen
            try await database.transaction { db in
                var deliveries: [(Int64, Int64, Int64, Bool)] = []
                for index in first..<(first + batch) {
                    let at = Millis.from(start.addingTimeInterval(Double(index) * 600))
                    let priority: PostPriority = index % 97 == 0 ? .critical : index % 11 == 0 ? .important : .normal
                    let ack = index % 10 == 0
                    let content = PostContent(
                        priority: priority, requiresAcknowledgement: ack, fallbackLanguage: "en", topicIDs: [topic], channels: [.feed],
                        variants: [
                            PostVariant(language: "en", title: "Update \(index): benefits, schedules & safety", summary: "What changes this week, in two lines. Read on for details.",
                                        body: "Body \(index)", bodyHTML: "<p>Body \(index) with <strong>news</strong>.</p>", status: .approved),
                            PostVariant(language: "es", title: "Novedad \(index): beneficios y turnos", summary: "Lo que cambia esta semana.",
                                        body: "Cuerpo \(index)", bodyHTML: "<p>Cuerpo \(index).</p>", status: .approved),
                        ])
                    let row = try await db.raw("""
                        INSERT INTO posts (state, author_id, priority, mandatory, requires_ack, fallback_language, publish_at, schedule_zone,
                                           stage, version, updated_by_id, updated_by, created_at, updated_at)
                        VALUES ('published', \(bind: author), \(bind: priority.rawValue), \(bind: false), \(bind: ack), 'en', \(bind: at), 'UTC',
                                0, 1, \(bind: author), 'bench', \(bind: at), \(bind: at))
                        RETURNING id
                        """).first()
                    let id = try row!.decode(column: "id", as: Int64.self)
                    for variant in content.variants {
                        try await db.raw("""
                            INSERT INTO post_variants (post_id, language, title, summary, body, body_html, status)
                            VALUES (\(bind: id), \(bind: variant.language), \(bind: variant.title), \(bind: variant.summary), \(bind: variant.body), \(bind: variant.bodyHTML), 'approved')
                            """).run()
                    }
                    try await db.raw("INSERT INTO post_topics (post_id, topic_id) VALUES (\(bind: id), \(bind: topic))").run()
                    try await db.raw("INSERT INTO post_channels (post_id, channel) VALUES (\(bind: id), 'feed')").run()
                    try await db.raw("""
                        INSERT INTO post_versions (post_id, version, snapshot, saved_by, saved_at)
                        VALUES (\(bind: id), 1, \(bind: String(decoding: try JSONEncoder().encode(content), as: UTF8.self)), 'bench', \(bind: at))
                        """).run()
                    let recipients = picked[index - first]
                    try await db.raw("""
                        INSERT INTO post_sends (post_id, version, rule, channels, state, people, deliveries, started_at, resolved_at)
                        VALUES (\(bind: id), 1, 'everyone', 'feed', 'resolved', \(bind: recipients.count), \(bind: recipients.count), \(bind: at), \(bind: at))
                        """).run()
                    // Readers acknowledged every other post that asks for it (below); the rest wait.
                    for person in recipients { deliveries.append((id, person, at, ack && !(index % 20 == 0 && person <= Int64(readers)))) }
                    if index % 3 == 0 {
                        try await db.raw("INSERT INTO post_reaction_counts (post_id, kind, n) VALUES (\(bind: id), 'like', \(bind: Int64(index % 40 + 1)))").run()
                    }
                    if ack && index % 20 == 0 {
                        for reader in 1...Int64(readers) {
                            try await db.raw("INSERT INTO post_acks (post_id, employee_id, acked_at) VALUES (\(bind: id), \(bind: reader), \(bind: at))").run()
                        }
                    }
                }
                for chunk in stride(from: 0, to: deliveries.count, by: 300) {
                    let slice = deliveries[chunk..<min(deliveries.count, chunk + 300)]
                    let values = slice.map { row -> SQLQueryString in
                        "(\(bind: row.0), \(bind: row.1), 'feed', 'sent', \(bind: row.2), 1, \(bind: row.2), \(bind: row.2), \(bind: row.2), \(bind: row.3))"
                    }
                    try await db.raw("INSERT INTO deliveries (post_id, employee_id, channel, state, due_at, attempts, sent_at, created_at, updated_at, waiting_ack) VALUES "
                                     + values.joined(separator: ", ")).run()
                }
            }
            written += batch
            if written % 1_000 == 0 || written == posts { progress("\(written) posts") }
        }
    }
}
