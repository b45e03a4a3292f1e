public import Audit
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Screens for a site (a factory floor, a store's back office) and what they show. A screen is
/// reached through a secret address; only the SHA-256 of its token is stored.
///
/// A screen is seen by anyone passing by, so it only shows posts meant for the whole site: a
/// published, unexpired post whose feed reached at least `coverage` of the site's current
/// employees. A post for a small or sensitive group at the site never qualifies.
public struct SignageStore: Sendable {
    public struct Screen: Sendable, Encodable, Equatable {
        public let id: Int64
        public let name: String
        public let site: String
        public let createdBy: String
        public let createdAt: Date
        public let lastSeenAt: Date?
    }

    public struct Slide: Sendable, Equatable {
        public let postID: Int64
        public let version: Int
        public let critical: Bool
        public let publishedAt: Date
    }

    public static let coverage = 0.9
    public static let maximumSlides = 10
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates a screen; returns it and its token (shown once).
    public func create(name: String, site: String, by actor: AuditActor, now: Date = Date()) async throws -> (Screen, String) {
        let name = name.trimmed, site = site.trimmed
        guard (1...100).contains(name.count) else { throw AppError.invalid("name", "Name the screen (1 to 100 characters), e.g. 'Canteen, Plant 2'.") }
        guard !site.isEmpty else { throw AppError.invalid("site", "Choose the site whose posts the screen shows.") }
        guard try await sites().contains(site) else {
            throw AppError.invalid("site", "No current employee works at '\(site.prefix(60))'. Choose one of the sites in the list.")
        }
        let token = "s_" + Secrets.token()
        let screen = try await database.transaction { db -> Screen in
            let row = try await db.raw("""
                INSERT INTO signage_screens (name, site, token_hash, created_by, created_at)
                VALUES (\(bind: name), \(bind: site), \(bind: Secrets.sha256Hex(token)), \(bind: actor.label), \(bind: Millis.from(now)))
                RETURNING id, name, site, created_by, created_at, last_seen_at
                """).first()!
            let screen = try Self.screen(row)
            try await AuditStore.append(AuditEntry(action: "signage.create", entityType: "signage_screen", entityID: String(screen.id),
                                                   summary: "Screen \"\(name)\" for \(site)"), by: actor, on: db, at: now)
            return screen
        }
        return (screen, token)
    }

    public func list() async throws -> [Screen] {
        try await database.reader.raw("SELECT id, name, site, created_by, created_at, last_seen_at FROM signage_screens ORDER BY site, name").all().map(Self.screen)
    }

    /// Removes a screen: its address stops working at once.
    public func delete(_ id: Int64, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("DELETE FROM signage_screens WHERE id = \(bind: id) RETURNING name, site").first() else { throw AppError.notFound("Screen") }
            try await AuditStore.append(AuditEntry(action: "signage.delete", entityType: "signage_screen", entityID: String(id),
                                                   summary: "Removed screen \"\(try row.decode(column: "name", as: String.self))\""), by: actor, on: db)
        }
    }

    /// The screen a token opens, noting when it was last seen (at most once a minute).
    public func screen(token: String, now: Date = Date()) async throws -> Screen? {
        guard token.hasPrefix("s_"), token.count < 100,
              let row = try await database.reader.raw("""
                SELECT id, name, site, created_by, created_at, last_seen_at FROM signage_screens WHERE token_hash = \(bind: Secrets.sha256Hex(token))
                """).first() else { return nil }
        let screen = try Self.screen(row)
        if (screen.lastSeenAt.map { now.timeIntervalSince($0) > 60 } ?? true) {
            try await database.transaction { db in
                try await db.raw("UPDATE signage_screens SET last_seen_at = \(bind: Millis.from(now)) WHERE id = \(bind: screen.id)").run()
            }
        }
        return screen
    }

    /// Sites with current employees, for the form.
    public func sites(now: Date = Date()) async throws -> [String] {
        try await database.reader.raw("""
            SELECT DISTINCT site FROM employees WHERE site IS NOT NULL AND site <> ''
            AND (termination_date IS NULL OR termination_date = '' OR termination_date >= \(bind: EmployeeRules.today(now))) ORDER BY site
            """).all().map { try $0.decode(column: "site", as: String.self) }
    }

    /// What the site's screens show: the newest posts meant for the whole site, critical first.
    public func slides(site: String, now: Date = Date()) async throws -> [Slide] {
        let headcount = try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM employees WHERE site = \(bind: site)
            AND (termination_date IS NULL OR termination_date = '' OR termination_date >= \(bind: EmployeeRules.today(now)))
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        guard headcount > 0 else { return [] }
        let needed = Int64((Double(headcount) * Self.coverage).rounded(.up))
        // The newest published posts first. Each is counted from the site's current people
        // (employees_site) with one (post_id, employee_id, channel) key lookup each, so the
        // cost follows the site's size, not the post's audience.
        let today = EmployeeRules.today(now)
        let rows = try await database.reader.raw("""
            SELECT p.id, s.version, p.priority, s.started_at,
                (SELECT COUNT(*) FROM employees e
                 WHERE e.site = \(bind: site) AND (e.termination_date IS NULL OR e.termination_date = '' OR e.termination_date >= \(bind: today))
                   AND EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = p.id AND d.employee_id = e.id AND d.channel = 'feed' AND d.state = 'sent')) AS reached
            FROM posts p JOIN post_sends s ON s.post_id = p.id
            WHERE p.state = 'published' AND (p.expires_at IS NULL OR p.expires_at > \(bind: Millis.from(now)))
            ORDER BY s.started_at DESC LIMIT 50
            """).all()
        var slides: [Slide] = []
        for row in rows where try row.decode(column: "reached", as: Int64.self) >= needed {
            slides.append(Slide(postID: try row.decode(column: "id", as: Int64.self), version: Int(try row.decode(column: "version", as: Int64.self)),
                                critical: try row.decode(column: "priority", as: String.self) == "critical",
                                publishedAt: Millis.date(try row.decode(column: "started_at", as: Int64.self))))
        }
        return Array(slides.sorted { ($0.critical ? 0 : 1, -$0.publishedAt.timeIntervalSince1970) < ($1.critical ? 0 : 1, -$1.publishedAt.timeIntervalSince1970) }
            .prefix(Self.maximumSlides))
    }

    /// The language most of the site's people read, for the screen's text.
    public func language(site: String) async throws -> String? {
        try await database.reader.raw("""
            SELECT language, COUNT(*) AS n FROM employees WHERE site = \(bind: site) GROUP BY language ORDER BY n DESC, language LIMIT 1
            """).first()?.decode(column: "language", as: String.self)
    }

    static func screen(_ row: any SQLRow) throws -> Screen {
        Screen(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
               site: try row.decode(column: "site", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self),
               createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
               lastSeenAt: try row.decode(column: "last_seen_at", as: Int64?.self).map(Millis.date))
    }
}
