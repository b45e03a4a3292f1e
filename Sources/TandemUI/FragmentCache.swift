import Synchronization

/// Rendered HTML fragments keyed by what they depend on (roles, a post version, a language…),
/// so hot pages render each fragment once and assemble only the per-user parts per request.
/// Bounded: when full it starts over, which costs a re-render, never a wrong page.
public final class FragmentCache: Sendable {
    public static let shared = FragmentCache(capacity: 10_000)
    private let entries = Mutex<[String: String]>([:])
    private let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
    }

    public func html(_ key: String, render: () -> String) -> String {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let rendered = render()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = rendered
        }
        return rendered
    }

    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
