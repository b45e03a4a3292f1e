import ArgumentParser
import Engagement
import Foundation
import Logging
import TandemApp
import TandemStore

/// Writes beacon tokens for bench/events.sh: one line per reader, holding that reader's token
/// for each of the first `posts` posts (a feed page reports its cards together), signed with
/// the database's own link key as the server signs them.
struct EventTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "event-tokens", abstract: "Beacon tokens for bench/events.sh (issue 6: event ingest).")

    @Option(help: "Folder for the SQLite database.") var dataDir: String
    @Option(help: "PostgreSQL instead of SQLite.") var databaseURL: String?
    @Option(help: "Readers (employee ids 1…n).") var readers = 5_000
    @Option(help: "Posts per line (post ids 1…n).") var posts = 10
    @Option(help: "File to write, one reader per line, tokens separated by spaces.") var out: String

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        var configuration = TandemConfiguration()
        configuration.dataDirectory = dataDir
        configuration.databaseURL = databaseURL
        let database = try await Database.open(configuration.databaseLocation, logger: logger)
        let tokens = TrackingTokens(signer: LinkSigner(database: database))
        var lines: [String] = []
        lines.reserveCapacity(readers)
        for reader in 1...Int64(readers) {
            var line: [String] = []
            for post in 1...Int64(posts) { line.append(try await tokens.event(post: post, employee: reader, channel: .feed)) }
            lines.append(line.joined(separator: " "))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        await database.close()
        say("\(readers) readers × \(posts) posts of tokens in \(out)")
    }
}
