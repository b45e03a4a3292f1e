public import Accounts
import Analytics
public import Audiences
public import Audit
import Content
import Delivery
import Engagement
import Feed
import Foundation
import Listening
public import People
import SQLKit
import TandemCore
import TandemStore

/// Loads a demo organisation so a newcomer sees Tandem alive on the first run. Running it again
/// changes nothing: it only adds what is missing.
public struct DemoLoader: Sendable {
    public struct Credential: Sendable {
        public let email: String
        public let roles: [Role]
        public let password: String
    }

    static let teams = ["HR", "Internal Communications", "Marketing", "Leadership"]
    static let staff: [(email: String, name: String, roles: [Role], team: String?)] = [
        ("admin@demo.tandem.local", "Avery Admin", [.admin], nil),
        ("hr@demo.tandem.local", "Hana Reyes", [.hr], "HR"),
        ("comms@demo.tandem.local", "Cory Mensah", [.comms], "Internal Communications"),
        ("marketing@demo.tandem.local", "Mara Lindqvist", [.marketing], "Marketing"),
        ("approver@demo.tandem.local", "Priya Natarajan", [.approver, .hr], "HR"),
        ("analyst@demo.tandem.local", "Ana Souza", [.analyst], "Marketing"),
        ("hr-comms@demo.tandem.local", "Jordan Blake", [.hr, .comms], "Internal Communications"),
    ]

    /// Enough people to make audiences, reach and breakdowns meaningful.
    public static let employeeCount = 3_000
    let accounts: AccountsFeature
    let people: PeopleFeature
    let audiences: AudiencesFeature
    let content: ContentFeature
    let delivery: DeliveryFeature
    let feed: FeedFeature
    let listening: ListeningFeature

    public init(_ services: TandemServices) {
        self.listening = services.listening
        self.accounts = services.accounts
        self.people = services.people
        self.audiences = services.audiences
        self.content = services.content
        self.delivery = services.delivery
        self.feed = services.feed
    }

    /// Saved audiences shared by the three teams; the 401(k) one is HR's (it reads benefits and HCE).
    static let demoAudiences: [(name: String, description: String, rule: String)] = [
        ("New hires", "Everyone who joined in the last 90 days: onboarding messages.", "hire_date >= today - 90d"),
        ("Frontline Brazil", "Store and warehouse staff in Brazil, who rarely read email.", #"country = "BR" and worker_type = "frontline""#),
        ("North America", "United States, Canada and Mexico.", #"country in ("US", "CA", "MX")"#),
        ("New hires in North America", "Onboarding for the US and Canada.", #"in audience "New hires" and in audience "North America""#),
        ("401(k) not enrolled, non-HCE (US)", "HR's 401(k) participation campaign: eligible people who have not enrolled.",
         #"country = "US" and not hce and not benefits.401k.enrolled"#),
        ("Night shift frontline", "Frontline staff on nights (custom attribute shift): send at shift start, not at 9 am.",
         #"worker_type = "frontline" and attr.shift = "night""#),
    ]

    static let demoPersonas: [(name: String, summary: String, needs: String, pains: String, channels: [String], languages: [String], interests: [String], audience: String)] = [
        ("Frontline Fernanda", "Works shifts in a Brazilian store; no desk, no corporate email, a phone in her locker.",
         "Shift changes and safety news in Portuguese, on her phone.", "Long emails she cannot open at work; messages sent at night.",
         ["sms", "chat", "signage"], ["pt-BR"], ["Safety", "Schedules", "Recognition"], "Frontline Brazil"),
        ("New-hire Noah", "Joined in the last three months and is still finding his way.",
         "A clear first-90-days path: benefits enrolment, who is who, where to ask.", "Too many links; deadlines he did not know about.",
         ["email", "feed"], ["en"], ["Onboarding", "Benefits", "Careers"], "New hires in North America"),
        ("Saver-to-be Sam", "Eligible for the 401(k) match but not enrolled.",
         "Plain-language reasons to enrol and a one-step way to do it.", "Jargon; not knowing what the match is worth.",
         ["email", "feed"], ["en", "es-US"], ["Benefits", "Money"], "401(k) not enrolled, non-HCE (US)"),
    ]

    /// Creates what is missing. Each new demo user gets `password`, or a random one when nil.
    public func load(password: String?, progress: @escaping @Sendable (String) -> Void) async throws -> [Credential] {
        let actor = AuditActor(userID: nil, label: "demo", channel: .cli)
        var teamIDs: [String: Team.ID] = [:]
        for team in try await accounts.teams.all() { teamIDs[team.name] = team.id }
        for name in Self.teams where teamIDs[name] == nil {
            teamIDs[name] = try await accounts.teams.create(name: name, by: actor).id
            progress("team \(name)")
        }
        if let password { try AccountRules.password(password, email: nil) }
        var created: [Credential] = []
        for member in Self.staff {
            if try await accounts.users.find(email: member.email) != nil { continue }
            let secret = password ?? AccountRules.temporaryPassword()
            let new = try NewUser(email: member.email, displayName: member.name, roles: member.roles.map(\.rawValue), teamID: member.team.flatMap { teamIDs[$0] })
            _ = try await accounts.users.create(new, passwordHash: try await accounts.hasher.hash(secret), mustChangePassword: false, by: actor)
            created.append(Credential(email: member.email, roles: member.roles, password: secret))
            progress("user \(member.email)")
        }
        if try await people.employees.count() == 0 {
            let workforce = DemoPeople.generate(count: Self.employeeCount)
            try await people.employees.upsert(workforce, summary: "Loaded \(workforce.count) demo employees", by: actor) { written in
                if written % 1_000 == 0 || written == workforce.count { progress("employees \(written)/\(workforce.count)") }
            }
        }
        try await loadAttributes(actor: actor, progress: progress)
        try await loadAudiences(actor: actor, progress: progress)
        var audienceIDs: [String: Int64] = [:]
        for audience in try await audiences.store.all() { audienceIDs[audience.name] = audience.id }
        try await DemoContent(accounts: accounts, content: content, audiences: audienceIDs).load(teams: teamIDs, progress: progress)
        // Freeze the audience of the demo's published post, as the server's loop would.
        for send in try await delivery.scheduler.tick().resolved {
            progress("deliveries for post \(send.postID): \(send.people) people, \(send.deliveries) deliveries, \(send.unreachable) unreachable")
        }
        // One address a mail server refused, so HR's list at /deliveries/email has an example.
        if try await delivery.flags.list(limit: 1).isEmpty,
           let address = DemoPeople.generate(count: 50).compactMap(\.workEmail).dropFirst(7).first {
            try await delivery.flags.flag(address, reason: "550 5.1.1 mailbox unavailable (demo data)", deliveryID: nil)
            progress("undeliverable address \(address)")
        }
        try await loadAcknowledgements(progress: progress)
        try await loadEngagement(progress: progress)
        try await loadKPIs(progress: progress)
        try await loadSurveys(progress: progress)
        return created
    }

    /// What people did with the demo's published posts over the last three days — feed views
    /// and reads, email opens and clicks — so the dashboards at /analytics have figures. Frontline
    /// staff read on the feed more than by email, desk staff the other way round; some people are
    /// never reached. Marked as demo data by their dedupe keys (`demo.`).
    func loadEngagement(progress: @escaping @Sendable (String) -> Void) async throws {
        let database = feed.store.database
        guard try await database.reader.raw("SELECT 1 FROM engagement_events WHERE dedupe LIKE 'demo.%' LIMIT 1").first() == nil else { return }
        let rows = try await database.reader.raw("""
            SELECT d.post_id, d.employee_id, d.channel, e.worker_type FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN employees e ON e.id = d.employee_id
            WHERE p.state = 'published' AND d.state <> 'cancelled' ORDER BY d.id
            """).all()
        let now = Date()
        var events: [EngagementEvent] = []
        for row in rows {
            let post = try row.decode(column: "post_id", as: Int64.self), employee = try row.decode(column: "employee_id", as: Int64.self)
            let frontline = try row.decode(column: "worker_type", as: String.self) == "frontline"
            let mixed: Int64 = (employee &* 2_654_435_761) &+ (post &* 40_503)
            let roll = Int((mixed & 0x7FFF_FFFF) % 1_000)
            // Minutes after publishing, bunched in the first hours as real reading is.
            let spread = Int64(roll * roll % 4_320)
            let minutes: Int64 = spread / Int64(roll % 3 + 1)
            let at = Millis.from(now) - 72 * 3_600_000 + minutes * 60_000
            func event(_ channel: EventChannel, _ kind: EventKind, dwell: Int64? = nil, after: Int64 = 0) {
                events.append(EngagementEvent(postID: post, employeeID: employee, channel: channel, kind: kind, occurredAt: min(Millis.from(now), at + after),
                                              dwellMilliseconds: dwell, dedupe: "demo.\(post).\(employee).\(channel.rawValue).\(kind.rawValue)"))
            }
            switch try row.decode(column: "channel", as: String.self) {
            case "feed" where roll < (frontline ? 780 : 520):
                event(.feed, .viewed)
                let dwell = Int64(roll % 20) * 1_000
                event(.feed, EventKind.dwell(milliseconds: dwell), dwell: dwell, after: dwell)
            case "email" where roll % 1_000 < (frontline ? 180 : 560):
                event(.email, .opened, after: 60_000)
                if roll % 5 == 0 { event(.email, .clicked, after: 120_000) }
            default:
                break
            }
        }
        let writer = EngagementWriter(database: database)
        for start in stride(from: 0, to: events.count, by: 2_000) {
            try await writer.record(Array(events[start..<min(events.count, start + 2_000)]))
        }
        try await RollupBuilder(database: database).catchUp()
        if !events.isEmpty { progress("engagement events \(events.count) (demo: views, reads, opens and clicks)") }
    }

    /// Shared KPIs for the three teams and a note on the timeline, so /analytics/scorecards has
    /// something to show.
    func loadKPIs(progress: @escaping @Sendable (String) -> Void) async throws {
        let database = feed.store.database
        let store = KPIStore(database: database, metrics: PostMetricsStore(database: database))
        guard try await store.all().isEmpty else { return }
        let actor = AuditActor(userID: nil, label: "demo", channel: .cli)
        let kpis: [(name: String, description: String, formula: String, team: String, target: String, direction: String, period: String, unit: String)] = [
            ("Frontline reached", "Share of deliveries to frontline staff that reached them.",
             #"reached{worker_type="frontline"} / recipients{worker_type="frontline"}"#, "ic", "70", "higher", "month", "percent"),
            ("Acknowledged within 24 hours", "Acknowledgements in the first day over everyone a post went to.", "acknowledged_24h / recipients", "hr", "40", "higher", "month", "percent"),
            ("Email click-through", "People who followed a link over people emailed.", #"clicked{channel="email"} / recipients{channel="email"}"#, "marketing", "8", "higher", "month", "percent"),
            ("Feed read rate", "Reads of more than 8 seconds over feed deliveries.", #"read{channel="feed"} / recipients{channel="feed"}"#, "shared", "25", "higher", "month", "percent"),
            ("Unsubscribes", "People who left optional email through a post.", "unsubscribed", "shared", "5", "lower", "month", "number"),
        ]
        for kpi in kpis {
            _ = try await store.create(try KPIDraft(name: kpi.name, description: kpi.description, formula: kpi.formula, ownerTeam: kpi.team, target: kpi.target,
                                                    direction: kpi.direction, period: kpi.period, unit: kpi.unit), by: actor)
        }
        let yesterday = Date().addingTimeInterval(-86_400)
        _ = try await AnnotationStore(database: database).create(day: ISO8601DateFormatter.string(from: yesterday, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate]),
                                                                 note: "Benefits fair at head office", teams: ["shared"], by: actor)
        progress("KPIs \(kpis.count) and a note on the timeline")
    }

    /// Some people have already confirmed the demo's policy post, so its board has numbers.
    func loadAcknowledgements(progress: @escaping @Sendable (String) -> Void) async throws {
        let database = feed.store.database
        guard try await database.reader.raw("SELECT 1 FROM post_acks LIMIT 1").first() == nil else { return }
        let rows = try await database.reader.raw("""
            SELECT DISTINCT d.post_id, d.employee_id FROM deliveries d JOIN posts p ON p.id = d.post_id
            WHERE p.requires_ack = \(bind: true) AND p.state = 'published' AND d.state <> 'cancelled'
            """).all()
        var count = 0
        for row in rows {
            let employee = try row.decode(column: "employee_id", as: Int64.self)
            guard employee % 9 < 5 else { continue }
            _ = try await feed.store.acknowledge(employee, post: try row.decode(column: "post_id", as: Int64.self),
                                                 now: Date().addingTimeInterval(-Double(employee % 48) * 1_800))
            count += 1
        }
        if count > 0 { progress("acknowledgements \(count)") }
        // A few comments under the policy post: two approved, one waiting at /moderation/comments.
        guard let first = rows.first, try await database.reader.raw("SELECT 1 FROM feed_comments LIMIT 1").first() == nil else { return }
        let post = try first.decode(column: "post_id", as: Int64.self)
        let people = try rows.map { try $0.decode(column: "employee_id", as: Int64.self) }
        let texts = ["Thanks, the anonymous line is a good step.", "Does the gift rule apply to team lunches paid by suppliers?",
                     "Where do I find the form to declare a gift?"]
        let moderator = AuditActor(userID: nil, label: "demo", channel: .cli)
        for (index, text) in texts.enumerated() where index < people.count {
            let comment = try await feed.comments.add(post: post, employee: people[index * 7 % people.count], body: text)
            if index < 2 { _ = try await feed.comments.moderate(comment.id, approve: true, reason: nil, by: moderator) }
        }
        progress("comments 3 (one waiting for moderation)")
    }

    /// The demo's employee: someone reading in Spanish shows the feed in the reader's language.
    func demoReader() async throws -> (any SQLRow)? {
        try await feed.store.database.reader.raw("""
            SELECT d.employee_id, e.given_name, e.family_name, e.language FROM deliveries d JOIN employees e ON e.id = d.employee_id
            WHERE d.channel = 'feed' AND d.state <> 'cancelled'
            ORDER BY CASE WHEN e.language LIKE 'es%' THEN 0 ELSE 1 END, d.employee_id LIMIT 1
            """).first()
    }

    /// A sign-in link (one use, 24 hours) for a demo employee who has posts in their feed, so
    /// a newcomer can see the employee side without setting up email.
    public func employeeLink(baseURL: String) async throws -> (name: String, url: String)? {
        guard let row = try await demoReader() else { return nil }
        let employee = try row.decode(column: "employee_id", as: Int64.self)
        // Their preferences show what employees can choose: a weekly digest and quiet hours.
        if try await feed.preferences.get(employee) == .standard {
            try await feed.preferences.save(employee, DeliveryPreferences(digest: .weekly, quietStart: 21 * 60, quietEnd: 7 * 60))
        }
        let token = try await feed.links.issue(employeeID: employee, channel: "demo", lifetime: 86_400)
        let name = "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self)) (\(try row.decode(column: "language", as: String.self)))"
        return (name, (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/signin/link/" + token)
    }

    /// A signage screen for the biggest site, made on the first load only (its address cannot be
    /// shown again); nil when screens exist.
    public func signageLink(baseURL: String) async throws -> (site: String, url: String)? {
        guard try await feed.signage.list().isEmpty,
              let row = try await feed.store.database.reader.raw("""
                SELECT site, COUNT(*) AS n FROM employees WHERE site IS NOT NULL AND site <> '' GROUP BY site ORDER BY n DESC, site LIMIT 1
                """).first() else { return nil }
        let site = try row.decode(column: "site", as: String.self)
        let (_, token) = try await feed.signage.create(name: "Canteen screen (demo)", site: site, by: AuditActor(userID: nil, label: "demo", channel: .cli))
        return (site, (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/signage/screen/" + token)
    }

    /// Defines the demo's custom attributes and fills them for the demo workforce, once.
    func loadAttributes(actor: AuditActor, progress: @escaping @Sendable (String) -> Void) async throws {
        let known = Set(try await people.attributes.all().map(\.name))
        var added: [AttributeDefinition] = []
        for draft in try DemoAttributes.definitions() where !known.contains(draft.name) {
            added.append(try await people.attributes.create(draft, by: actor))
            progress("attribute \(draft.name)")
        }
        guard !added.isEmpty else { return }
        let demo = DemoPeople.generate(count: Self.employeeCount)
        let existing = try await people.employees.existing(employeeIDs: demo.map(\.employeeId))
        let values = DemoAttributes.values(for: demo.filter { existing.contains($0.employeeId) })
        try await people.attributes.set(values, attributes: added, summary: "Filled demo custom attributes for \(values.count) employees", by: actor)
        progress("attribute values for \(values.count) employees")
    }

    func loadAudiences(actor: AuditActor, progress: @escaping @Sendable (String) -> Void) async throws {
        for demo in Self.demoAudiences where try await audiences.store.find(name: demo.name) == nil {
            let draft = try AudienceDraft.make(name: demo.name, description: demo.description, rule: demo.rule, employeeIDs: nil,
                                               attributes: try await people.attributes.all())
            _ = try await audiences.store.create(draft, mayUseSensitive: true, by: actor)
            progress("audience \(demo.name)")
        }
        let listName = "Benefits fair volunteers"
        if try await audiences.store.find(name: listName) == nil {
            let ids = (1...24).map { String(format: "E%05d", $0 * 37) }
            let known = try await people.employees.existing(employeeIDs: ids)
            if !known.isEmpty {
                let draft = try AudienceDraft.make(name: listName, description: "Uploaded list: people who signed up to staff the benefits fair.",
                                                   rule: nil, employeeIDs: ids.filter(known.contains), attributes: [])
                _ = try await audiences.store.create(draft, mayUseSensitive: true, by: actor)
                progress("audience \(listName)")
            }
        }
        let existing = Set(try await audiences.personas.all().map(\.name))
        for demo in Self.demoPersonas where !existing.contains(demo.name) {
            let audienceID = try await audiences.store.find(name: demo.audience)?.id
            let draft = try PersonaDraft(name: demo.name, summary: demo.summary, needs: demo.needs, painPoints: demo.pains, channels: demo.channels,
                                         languages: demo.languages, interests: demo.interests, audienceID: audienceID)
            _ = try await audiences.personas.create(draft, by: actor)
            progress("persona \(demo.name)")
        }
    }
}
