import Foundation
import Synchronization

/// Audience sizes for a minute, so pages listing many audiences or personas do not recount
/// each one per request. Keys carry the audience version and the day, so an edited audience is
/// recounted at once; a people import shows up within `lifetime`.
final class SizeCache: Sendable {
    static let lifetime: TimeInterval = 60
    private let entries = Mutex<[String: (total: Int, at: Date)]>([:])

    func get(_ key: String, now: Date = Date()) -> Int? {
        entries.withLock { table in
            guard let entry = table[key], now.timeIntervalSince(entry.at) < Self.lifetime else { return nil }
            return entry.total
        }
    }

    func put(_ key: String, _ total: Int, now: Date = Date()) {
        entries.withLock { table in
            if table.count > 10_000 { table.removeAll() }
            table[key] = (total, now)
        }
    }
}
