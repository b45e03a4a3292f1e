import Foundation
import Synchronization
public import TandemStore

/// The first page of each reader's feed (no filter, search or cursor), as read and as rendered,
/// so a reader who comes back costs no query. A write that changes a feed drops the pages it
/// touches through the database's `FeedSignal`: at once in this process, within a second in
/// others (`FeedChangePoller`). Reactions by other people and posts reaching their expiry show
/// at the latest `maximumAge` later. The pages held are bounded in bytes.
public final class FeedPageCache: Sendable {
    public struct Page: Sendable {
        public let reader: FeedReader
        public let pinned: [(FeedEntry, FeedContent.Entry)]
        public let entries: [(FeedEntry, FeedContent.Entry)]
        public let next: Int64?
        public let waiting: Int
        public let html: String
        /// What the reader is asked (survey cards from `FeedPrompt`), shown above the page.
        public var asked = ""
    }

    private struct Slot {
        let page: Page
        let storedAt: ContinuousClock.Instant
    }

    private struct State {
        var slots: [Int64: Slot] = [:]
        var bytes = 0
    }

    public static let maximumAge: Duration = .seconds(15)
    private let state = Mutex(State())
    private let signal: FeedSignal
    private let budget: Int
    let enabled: Bool

    /// `budget` bounds the rendered HTML kept, in bytes; `enabled: false` reads every page from
    /// the database (the benchmark's uncached run, `TANDEM_FEED_CACHE=off`).
    public init(signal: FeedSignal, budget: Int = 32 << 20, enabled: Bool = true) {
        self.signal = signal
        self.budget = budget
        self.enabled = enabled
        signal.listen { [weak self] scope in self?.drop(scope) }
    }

    func page(_ employeeID: Int64) -> Page? {
        guard enabled else { return nil }
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let slot = state.slots[employeeID] else { return nil }
            guard now - slot.storedAt < Self.maximumAge else {
                state.bytes -= slot.page.html.utf8.count
                state.slots[employeeID] = nil
                return nil
            }
            return slot.page
        }
    }

    /// Reads the page with `load` and keeps it, unless a feed changed while it was read.
    func fill(_ employeeID: Int64, _ load: () async throws -> Page) async throws -> Page {
        let before = signal.generation
        let page = try await load()
        guard enabled else { return page }
        let size = page.html.utf8.count
        let now = ContinuousClock.now
        state.withLock { state in
            guard signal.generation == before, size <= budget / 4 else { return }
            if state.bytes + size > budget {
                state.slots.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            if let old = state.slots[employeeID] { state.bytes -= old.page.html.utf8.count }
            state.slots[employeeID] = Slot(page: page, storedAt: now)
            state.bytes += size
        }
        return page
    }

    func drop(_ scope: FeedScope) {
        state.withLock { state in
            switch scope {
            case .everyone:
                state.slots.removeAll(keepingCapacity: true)
                state.bytes = 0
            case .employee(let id):
                if let old = state.slots.removeValue(forKey: id) { state.bytes -= old.page.html.utf8.count }
            }
        }
    }

    var count: Int { state.withLock { $0.slots.count } }
}
