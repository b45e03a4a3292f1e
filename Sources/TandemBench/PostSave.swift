import Accounts
import ArgumentParser
import Audit
import Content
import Foundation
import Logging
import TandemApp
import TandemCore
import TandemStore

/// Times saving a post (a new version of a two-language post with channel texts: validate,
/// render Markdown, sanitise, write, snapshot, audit) among `posts` existing posts.
struct PostSave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "post-save", abstract: "Post editor save latency (target p99 < 30 ms).")

    @Option(help: "Posts in the database before timing.") var posts = 5_000
    @Option(help: "Timed saves (after 20 warm-up saves).") var saves = 500
    @Option(name: .customLong("postgres-url"), help: "Also measure on this PostgreSQL (a scratch schema is created and dropped).") var postgresURL: String?

    func run() async throws {
        try await BenchDatabase.run(postgresURL: postgresURL, sqliteToo: true) { database, engine, _ in
            try await measure(database, engine: engine)
        }
    }

    static let body = """
        ## Open enrolment closes on **December 15**

        We match 100% of the first 4% you save in the 401(k). Enrolling takes five minutes:

        1. Sign in to the [benefits portal](https://benefits.example.com).
        2. Choose your contribution.
        3. Pick your funds, or keep the default target-date fund.

        | Plan | Match |
        |---|---|
        | 401(k) | 100% of the first 4% |

        Questions? Ask in #benefits or reply to this message.
        """

    func measure(_ database: Database, engine: String) async throws {
        try await Migrations.all.migrate(database)
        let user = try await UserStore(database: database).create(
            try NewUser(email: "author@bench.example", displayName: "Bench Author", roles: ["comms"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
        let actor = PostActor(userID: user.id, name: user.displayName, roles: [.comms], audit: AuditActor(userID: user.id, label: user.email, channel: .api))
        let store = PostStore(database: database, render: { MarkdownRenderer.render($0).html })
        func content(_ n: Int) -> PostContent {
            PostContent(priority: .important, fallbackLanguage: "en", tags: ["benefits", "401k"], variants: [
                PostVariant(language: "en", title: "Enrol by December 15 (\(n))", summary: "Open enrolment closes soon.", body: Self.body,
                            channelTexts: [.sms: "Enrol in your 401(k) by Dec 15: benefits.example.com", .social: "Open enrolment closes Dec 15. #benefits"]),
                PostVariant(language: "es-US", title: "Inscríbase antes del 15 de diciembre (\(n))", summary: "La inscripción cierra pronto.", body: Self.body),
            ])
        }
        let start = ContinuousClock.now
        var last: Post?
        for n in 0..<posts {
            last = try await store.create(content(n), by: actor)
            if (n + 1) % 1_000 == 0 { say("  \(engine): \(n + 1) posts") }
        }
        say("  \(engine): \(posts) posts created in \(start.duration(to: .now))")
        guard var post = last else { return }
        var samples: [Double] = []
        for n in 0..<(saves + 20) {
            let began = ContinuousClock.now
            post = try await store.update(post.id, content(n + posts), expectedVersion: post.version, by: actor)
            let elapsed = began.duration(to: .now)
            if n >= 20 { samples.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15) }
        }
        samples.sort()
        func pct(_ p: Double) -> String { String(format: "%.2f", samples[min(samples.count - 1, Int(Double(samples.count) * p))]) }
        say("""
            \(engine), \(posts) posts, \(saves) saves of a 2-language post (\(Self.body.count)-character Markdown body, channel texts):
              save (validate, render, sanitise, write, snapshot, audit): p50 \(pct(0.5)) ms, p95 \(pct(0.95)) ms, p99 \(pct(0.99)) ms  (target p99 < 30 ms)
            """)
    }
}
