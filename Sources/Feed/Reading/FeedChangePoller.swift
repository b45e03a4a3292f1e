import Foundation
public import Logging
public import ServiceLifecycle
import SQLKit
import TandemCore
public import TandemStore

/// Learns of feed changes made by other processes (the CLI on the same SQLite file, other
/// servers on one PostgreSQL) from `feed_changes`, once a second, and passes them to this
/// process's caches. It re-reads a window of the last seconds and remembers the ids it has seen,
/// because PostgreSQL ids can commit out of order. It also prunes rows older than an hour.
public struct FeedChangePoller: Service {
    let database: Database
    let interval: Duration
    let logger: Logger
    static let window: Int64 = 30_000
    static let keep: Int64 = 3_600_000

    public init(database: Database, interval: Duration = .seconds(1), logger: Logger) {
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var seen: [Int64: Int64] = [:]
        var since = Millis.from(Date())
        var passes = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                since = try await poll(since: since, seen: &seen)
                passes += 1
                if passes % 60 == 1 { try await prune() }
            } catch {
                logger.warning("could not read feed changes (cached feed pages expire on their own): \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass: notifies what is new and returns where the next pass starts.
    func poll(since: Int64, seen: inout [Int64: Int64]) async throws -> Int64 {
        let now = Millis.from(Date())
        let rows = try await database.reader.raw("""
            SELECT id, employee_id, at FROM feed_changes WHERE at >= \(bind: since - Self.window) AND origin <> \(bind: database.feedSignal.origin)
            """).all()
        var scopes = Set<FeedScope>()
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            guard seen[id] == nil else { continue }
            seen[id] = try row.decode(column: "at", as: Int64.self)
            scopes.insert(try row.decode(column: "employee_id", as: Int64?.self).map(FeedScope.employee) ?? .everyone)
        }
        if scopes.contains(.everyone) {
            database.feedSignal.notify(.everyone)
        } else {
            for scope in scopes { database.feedSignal.notify(scope) }
        }
        seen = seen.filter { $0.value >= since - 2 * Self.window }
        return now
    }

    func prune() async throws {
        let cutoff = Millis.from(Date()) - Self.keep
        try await database.transaction { db in
            try await db.raw("DELETE FROM feed_changes WHERE at < \(bind: cutoff)").run()
        }
    }
}
