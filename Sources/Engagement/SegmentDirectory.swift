import SQLKit
import TandemStore

/// Finds each person's breakdown attributes and the id of that combination in
/// `engagement_segments`. Combinations are never deleted, so their ids are cached for good;
/// a person's combination is remembered for a minute (HR changes reach events within a minute,
/// and a busy feed does not query `employees` for every beacon).
actor SegmentDirectory {
    let database: Database
    private var ids: [Segment: Int64] = [:]
    private var people: [Int64: (segment: Segment, id: Int64, at: ContinuousClock.Instant)] = [:]
    static let remember: Duration = .seconds(60)
    static let maximumPeople = 200_000

    init(database: Database) {
        self.database = database
    }

    /// Segment and its id per employee; people who are not in `employees` are left out.
    /// Must not run inside a transaction: a new combination is added in one of its own.
    func segments(of employees: Set<Int64>) async throws -> [Int64: (segment: Segment, id: Int64)] {
        guard !employees.isEmpty else { return [:] }
        let now = ContinuousClock.now
        var known: [Int64: (segment: Segment, id: Int64)] = [:]
        for employee in employees {
            if let entry = people[employee], entry.at.duration(to: now) < Self.remember { known[employee] = (entry.segment, entry.id) }
        }
        if known.count == employees.count { return known }
        var found: [Int64: Segment] = [:]
        let list = Array(employees.filter { known[$0] == nil })
        for start in stride(from: 0, to: list.count, by: 500) {
            let chunk = Array(list[start..<min(list.count, start + 500)])
            for row in try await database.reader.raw("""
                SELECT id, country, department, site, worker_type, language FROM employees WHERE id IN (\(binds: chunk))
                """).all() {
                found[try row.decode(column: "id", as: Int64.self)] = Segment(
                    country: try row.decode(column: "country", as: String.self), department: try row.decode(column: "department", as: String?.self) ?? "",
                    site: try row.decode(column: "site", as: String?.self) ?? "", workerType: try row.decode(column: "worker_type", as: String.self),
                    language: try row.decode(column: "language", as: String.self))
            }
        }
        let missing = Set(found.values).filter { ids[$0] == nil }
        if !missing.isEmpty { try await add(missing) }
        if people.count > Self.maximumPeople { people = [:] }
        for (employee, segment) in found {
            guard let id = ids[segment] else { continue }
            known[employee] = (segment, id)
            people[employee] = (segment, id, now)
        }
        return known
    }

    private func add(_ segments: Set<Segment>) async throws {
        let rows = try await database.transaction { db in
            var out: [(Segment, Int64)] = []
            for segment in segments {
                try await db.raw("""
                    INSERT INTO engagement_segments (country, department, site, worker_type, language)
                    VALUES (\(bind: segment.country), \(bind: segment.department), \(bind: segment.site), \(bind: segment.workerType), \(bind: segment.language))
                    ON CONFLICT (country, department, site, worker_type, language) DO NOTHING
                    """).run()
                let id = try await db.raw("""
                    SELECT id FROM engagement_segments WHERE country = \(bind: segment.country) AND department = \(bind: segment.department)
                      AND site = \(bind: segment.site) AND worker_type = \(bind: segment.workerType) AND language = \(bind: segment.language)
                    """).first()?.decode(column: "id", as: Int64.self)
                if let id { out.append((segment, id)) }
            }
            return out
        }
        for (segment, id) in rows { ids[segment] = id }
    }
}
