public import Foundation
public import SQLKit
import Synchronization

/// Whose feed a write changed: one person's, or everyone's.
public enum FeedScope: Sendable, Equatable, Hashable {
    case employee(Int64)
    case everyone
}

/// Tells caches of people's feeds that what someone sees changed. A writer does two things:
/// `record` in its own transaction (a row in `feed_changes`, which other processes and other
/// servers on one PostgreSQL poll), and `notify` after the commit (this process's caches drop
/// the pages at once). Caches read `generation` before they read the database and keep what they
/// read only if it has not moved meanwhile, so a page read across a commit is never kept.
public final class FeedSignal: Sendable {
    /// Names this process in `feed_changes`, so its poller skips what it already knew.
    public let origin: String
    private let state = Mutex<(generation: UInt64, listeners: [@Sendable (FeedScope) -> Void])>((0, []))

    public init(origin: String = "p\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))") {
        self.origin = origin
    }

    public var generation: UInt64 { state.withLock { $0.generation } }

    public func listen(_ listener: @escaping @Sendable (FeedScope) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }

    /// After the commit of a change recorded with `record` (or learned from another process).
    public func notify(_ scope: FeedScope) {
        let listeners = state.withLock { state -> [@Sendable (FeedScope) -> Void] in
            state.generation &+= 1
            return state.listeners
        }
        for listener in listeners { listener(scope) }
    }

    /// In the writer's transaction.
    public func record(_ scope: FeedScope, on db: any SQLDatabase, now: Date = Date()) async throws {
        let employee: Int64? = if case .employee(let id) = scope { id } else { nil }
        try await db.raw("""
            INSERT INTO feed_changes (employee_id, origin, at) VALUES (\(bind: employee), \(bind: origin), \(bind: Int64((now.timeIntervalSince1970 * 1_000).rounded())))
            """).run()
    }
}
