import Foundation
public import TandemCore
import Synchronization

/// Remembers resolved identities for a few seconds so an authenticated page costs no query.
/// Local changes (sign-out, role change, password change) evict at once; other nodes see them
/// within `lifetime`.
public final class IdentityCache: Sendable {
    private struct Entry {
        let identity: Identity?
        let storedAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    private let capacity: Int

    public init(lifetime: Duration = .seconds(5), capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// `.some(nil)` means "known to be invalid", which is cached too (bad cookies cost no query).
    func lookup(_ key: String) -> Identity?? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now - entry.storedAt < lifetime else {
                entries[key] = nil
                return nil
            }
            return .some(entry.identity)
        }
    }

    func store(_ identity: Identity?, for key: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(identity: identity, storedAt: now)
        }
    }

    public func evict(userID: Int64) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.identity?.userID != userID }
        }
    }

    public func evict(employeeID: Int64) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.identity?.employeeID != employeeID }
        }
    }

    public func evictAll() {
        entries.withLock { $0.removeAll() }
    }
}
