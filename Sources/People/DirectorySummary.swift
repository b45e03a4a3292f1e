public import Foundation
import SQLKit
import Synchronization
import TandemStore

/// The directory page's total and filter menus. At a million employees they cost a COUNT and
/// three DISTINCT scans (hundreds of milliseconds on SQLite), yet change only when employees are
/// written, so they are cached and recomputed when the employees table changes.
public struct DirectorySummary: Sendable, Equatable {
    public var total: Int
    public var countries: [String]
    public var departments: [String]
    public var sites: [String]

    public init(total: Int, countries: [String], departments: [String], sites: [String]) {
        self.total = total
        self.countries = countries
        self.departments = departments
        self.sites = sites
    }
}

/// Holds the last summary with the change signal it was computed at.
///
/// The signal is `(MAX(id), MAX(updated_at))`, two index lookups: employees are never deleted,
/// every insert raises `MAX(id)` and every update (import, deactivation, SCIM) sets `updated_at`
/// to the time of the write. Reading it from the database rather than invalidating in memory
/// keeps several server processes on one PostgreSQL database correct. Two writes in the same
/// millisecond that add no employee could leave the cache one write behind, so it is also
/// refreshed after `maximumAge`.
final class DirectorySummaryCache: Sendable {
    static let maximumAge: TimeInterval = 60
    private let state = Mutex<(signal: [Int64], at: Date, summary: DirectorySummary)?>(nil)

    func summary(on db: any SQLDatabase, compute: () async throws -> DirectorySummary) async throws -> DirectorySummary {
        let row = try await db.raw("SELECT (SELECT MAX(id) FROM employees) AS max_id, (SELECT MAX(updated_at) FROM employees) AS max_updated").first()
        let signal = [try row?.decode(column: "max_id", as: Int64?.self) ?? 0, try row?.decode(column: "max_updated", as: Int64?.self) ?? 0]
        let now = Date()
        if let cached = state.withLock({ $0 }), cached.signal == signal, now.timeIntervalSince(cached.at) < Self.maximumAge {
            return cached.summary
        }
        let summary = try await compute()
        state.withLock { $0 = (signal, now, summary) }
        return summary
    }
}
