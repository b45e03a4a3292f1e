public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Who is saving or moving a post.
public struct PostActor: Sendable {
    public let userID: Int64
    public let name: String
    public let roles: Set<Role>
    public let audit: AuditActor

    public init(userID: Int64, name: String, roles: Set<Role>, audit: AuditActor) {
        self.userID = userID
        self.name = name
        self.roles = roles
        self.audit = audit
    }

    var workflow: WorkflowActor { WorkflowActor(userID: userID, roles: roles) }
}

/// Posts: content with versions, and workflow transitions, each in one transaction.
public struct PostStore: Sendable {
    let database: Database
    /// Markdown → sanitised HTML.
    let render: @Sendable (String) -> String

    public init(database: Database, render: @escaping @Sendable (String) -> String) {
        self.database = database
        self.render = render
    }

    /// Roles that save posts (and so may translate them).
    public static let editorRoles: [Role] = [.admin, .hr, .comms, .marketing]

    // MARK: writing

    public func create(_ content: PostContent, by actor: PostActor) async throws -> Post {
        let content = try PostRules.validate(content, render: render)
        guard actor.workflow.isEditor else { throw AppError(.forbidden, code: "not_allowed", message: "Only HR, Internal Communications, Marketing and admins write posts.") }
        return try await database.transaction { db in
            try await Self.checkReferences(content, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO posts (state, author_id, priority, mandatory, requires_ack, fallback_language, cta_label, cta_url, campaign_id,
                                   publish_at, schedule_zone, expires_at, stage, version, updated_by_id, updated_by, created_at, updated_at)
                VALUES (\(bind: PostState.draft.rawValue), \(bind: actor.userID), \(bind: content.priority.rawValue), \(bind: content.mandatory),
                        \(bind: content.requiresAcknowledgement), \(bind: content.fallbackLanguage), \(bind: content.callToAction?.label),
                        \(bind: content.callToAction?.url), \(bind: content.campaignID), \(bind: Int64?.none), \(bind: "UTC"),
                        \(bind: content.expiresAt.map(Millis.from)), 0, 1, \(bind: actor.userID), \(bind: actor.name), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The post could not be saved.") }
            try await Self.writeContent(content, post: id, on: db)
            try await Self.snapshot(content, post: id, version: 1, by: actor.name, at: now, on: db)
            try await Self.event(post: id, version: 1, action: "create", from: .draft, to: .draft, note: "", by: actor.name, at: now, on: db)
            try await AuditStore.append(
                AuditEntry(action: "post.create", entityType: "post", entityID: String(id), summary: "Drafted \"\(content.variant(for: content.fallbackLanguage)?.title ?? "")\""),
                by: actor.audit, on: db)
            return try await Self.load(id, on: db)!
        }
    }

    /// Saves a new version. `expectedVersion` is the version the editor started from: if someone
    /// saved in between, the save is refused instead of silently overwriting their work.
    /// Editing approved or scheduled text sends the post back to review.
    public func update(_ id: Post.ID, _ content: PostContent, expectedVersion: Int, by actor: PostActor) async throws -> Post {
        let content = try PostRules.validate(content, render: render)
        return try await database.transaction { db in
            guard let current = try await Self.load(id, on: db) else { throw AppError.notFound("Post") }
            try Self.checkVersion(current, expected: expectedVersion)
            let facts = try await Self.facts(current, on: db)
            // An edit never schedules; editing a scheduled post takes it off the schedule (back to review).
            let next = try PostWorkflow.apply(.edit, by: actor.workflow, to: facts)
            try await Self.checkReferences(content, on: db)
            let version = current.version + 1
            let now = Millis.from(Date())
            try await db.raw("""
                UPDATE posts SET priority = \(bind: content.priority.rawValue), mandatory = \(bind: content.mandatory),
                    requires_ack = \(bind: content.requiresAcknowledgement), fallback_language = \(bind: content.fallbackLanguage),
                    cta_label = \(bind: content.callToAction?.label), cta_url = \(bind: content.callToAction?.url), campaign_id = \(bind: content.campaignID),
                    expires_at = \(bind: content.expiresAt.map(Millis.from)), state = \(bind: next.state.rawValue), stage = \(bind: Int64(next.stage)),
                    publish_at = \(bind: current.state == .scheduled ? nil : current.publishAt.map(Millis.from)),
                    version = \(bind: Int64(version)), updated_by_id = \(bind: actor.userID), updated_by = \(bind: actor.name), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND version = \(bind: Int64(current.version))
                """).run()
            try await db.raw("DELETE FROM post_channel_texts WHERE post_id = \(bind: id)").run()
            for table in ["post_variants", "post_topics", "post_tags", "post_audiences", "post_channels"] {
                try await db.raw("DELETE FROM \(ident: table) WHERE post_id = \(bind: id)").run()
            }
            try await Self.writeContent(content, post: id, on: db)
            try await Self.snapshot(content, post: id, version: version, by: actor.name, at: now, on: db)
            let note = current.state != next.state ? "edited: back to review" : ""
            try await Self.event(post: id, version: version, action: "edit", from: current.state, to: next.state, note: note, by: actor.name, at: now, on: db)
            try await AuditStore.append(
                AuditEntry(action: "post.update", entityType: "post", entityID: String(id), summary: "Saved version \(version) of \"\(current.title)\"" + (note.isEmpty ? "" : " (\(note))"),
                           before: ["state": current.state.rawValue, "version": String(current.version)], after: ["state": next.state.rawValue, "version": String(version)]),
                by: actor.audit, on: db)
            return try await Self.load(id, on: db)!
        }
    }

    /// Moves a post through the workflow. `expectedVersion` guards approvals: an approver
    /// approves the version they read, not one saved since.
    public func transition(_ id: Post.ID, _ action: PostAction, expectedVersion: Int?, note: String = "", scheduleZone: String? = nil,
                           by actor: PostActor?) async throws -> Post {
        let (post, leftFeeds) = try await database.transaction { db -> (Post, Bool) in
            guard let current = try await Self.load(id, on: db) else { throw AppError.notFound("Post") }
            if let expectedVersion { try Self.checkVersion(current, expected: expectedVersion) }
            let facts = try await Self.facts(current, on: db)
            let next = try PostWorkflow.apply(action, by: actor?.workflow ?? .scheduler, to: facts)
            switch action {
            case .schedule, .publish:
                if let waiting = current.content.variants.first(where: { $0.status == .needsTranslation }) {
                    throw AppError(.conflict, code: "translation_pending",
                                   message: "The \(waiting.language) version still needs translation. Finish it (mark it translated) or remove it, then try again.")
                }
            default: break
            }
            let now = Date()
            var publishAt = current.publishAt
            var zone = current.scheduleZone
            switch action {
            case .schedule(let at):
                publishAt = at
                zone = scheduleZone ?? zone
            case .unschedule: publishAt = nil
            case .publish: publishAt = actor == nil ? (current.publishAt ?? now) : now
            case .reopen: publishAt = nil
            default: break
            }
            try await db.raw("""
                UPDATE posts SET state = \(bind: next.state.rawValue), stage = \(bind: Int64(next.stage)), publish_at = \(bind: publishAt.map(Millis.from)),
                    schedule_zone = \(bind: zone), updated_at = \(bind: Millis.from(now))
                WHERE id = \(bind: id) AND version = \(bind: Int64(current.version))
                """).run()
            if action == .approve, let user = actor?.userID {
                try await db.raw("""
                    INSERT INTO post_approvals (post_id, version, stage, user_id, at)
                    VALUES (\(bind: id), \(bind: Int64(current.version)), \(bind: Int64(facts.stage)), \(bind: user), \(bind: Millis.from(now)))
                    ON CONFLICT DO NOTHING
                    """).run()
            }
            if next.approvals.isEmpty && !facts.approvals.isEmpty {
                try await db.raw("DELETE FROM post_approvals WHERE post_id = \(bind: id) AND version = \(bind: Int64(current.version))").run()
            }
            let label = actor?.name ?? "scheduler"
            let trimmedNote = String(note.trimmed.prefix(1_000))
            try await Self.event(post: id, version: current.version, action: action.name, from: current.state, to: next.state, note: trimmedNote, by: label, at: Millis.from(now), on: db)
            try await AuditStore.append(
                AuditEntry(action: "post.\(action.name.replacingOccurrences(of: " ", with: "_"))", entityType: "post", entityID: String(id),
                           summary: "\(action.name.capitalized) \"\(current.title)\": \(current.state.rawValue) → \(next.state.rawValue)",
                           before: ["state": current.state.rawValue], after: ["state": next.state.rawValue, "stage": String(next.stage)]),
                by: actor?.audit ?? .system, on: db)
            // A published post that is withdrawn or archived leaves everyone's feed.
            let leftFeeds = current.state == .published && next.state != .published
            if leftFeeds { try await database.feedSignal.record(.everyone, on: db) }
            return (try await Self.load(id, on: db)!, leftFeeds)
        }
        if leftFeeds { database.feedSignal.notify(.everyone) }
        return post
    }

    /// Saves an earlier version's content as a new version (the workflow treats it as an edit).
    public func restore(_ id: Post.ID, version: Int, expectedVersion: Int, by actor: PostActor) async throws -> Post {
        guard let old = try await versions(of: id).first(where: { $0.version == version }) else { throw AppError.notFound("Version \(version)") }
        return try await update(id, old.content, expectedVersion: expectedVersion, by: actor)
    }

    // MARK: reading

    public func find(id: Post.ID) async throws -> Post? {
        try await Self.load(id, on: database.reader)
    }

    public func versions(of id: Post.ID) async throws -> [PostVersion] {
        try await database.reader.raw("SELECT * FROM post_versions WHERE post_id = \(bind: id) ORDER BY version DESC").all().map { row in
            PostVersion(
                version: Int(try row.decode(column: "version", as: Int64.self)),
                content: try JSONDecoder().decode(PostContent.self, from: Data(try row.decode(column: "snapshot", as: String.self).utf8)),
                savedBy: try row.decode(column: "saved_by", as: String.self), savedAt: Millis.date(try row.decode(column: "saved_at", as: Int64.self)))
        }
    }

    /// One saved version, or nil.
    public func version(_ version: Int, of id: Post.ID) async throws -> PostVersion? {
        try await database.reader.raw("SELECT * FROM post_versions WHERE post_id = \(bind: id) AND version = \(bind: Int64(version))").first().map { row in
            PostVersion(
                version: version, content: try JSONDecoder().decode(PostContent.self, from: Data(try row.decode(column: "snapshot", as: String.self).utf8)),
                savedBy: try row.decode(column: "saved_by", as: String.self), savedAt: Millis.date(try row.decode(column: "saved_at", as: Int64.self)))
        }
    }

    public func events(of id: Post.ID) async throws -> [PostEvent] {
        try await database.reader.raw("SELECT * FROM post_events WHERE post_id = \(bind: id) ORDER BY id DESC").all().map { row in
            PostEvent(
                version: Int(try row.decode(column: "version", as: Int64.self)), at: Millis.date(try row.decode(column: "at", as: Int64.self)),
                actor: try row.decode(column: "actor", as: String.self), action: try row.decode(column: "action", as: String.self),
                from: PostState(rawValue: try row.decode(column: "from_state", as: String.self)) ?? .draft,
                to: PostState(rawValue: try row.decode(column: "to_state", as: String.self)) ?? .draft,
                note: try row.decode(column: "note", as: String.self))
        }
    }

    /// The workflow facts of a post as stored now (boards, stage, approvals of this version).
    public func facts(_ post: Post) async throws -> WorkflowFacts {
        try await Self.facts(post, on: database.reader)
    }

    public struct Filter: Sendable {
        public var state: PostState?
        public var topicID: Int64?
        public var authorID: Int64?
        public var campaignID: Int64?
        public init(state: PostState? = nil, topicID: Int64? = nil, authorID: Int64? = nil, campaignID: Int64? = nil) {
            self.state = state
            self.topicID = topicID
            self.authorID = authorID
            self.campaignID = campaignID
        }
    }

    /// Newest first.
    public func list(_ filter: Filter, cursor: Int64?, limit: Int) async throws -> Page<Post> {
        var conditions: [SQLQueryString] = []
        if let cursor { conditions.append("p.id < \(bind: cursor)") }
        if let state = filter.state { conditions.append("p.state = \(bind: state.rawValue)") }
        if let author = filter.authorID { conditions.append("p.author_id = \(bind: author)") }
        if let campaign = filter.campaignID { conditions.append("p.campaign_id = \(bind: campaign)") }
        if let topic = filter.topicID { conditions.append("p.id IN (SELECT post_id FROM post_topics WHERE topic_id = \(bind: topic))") }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let ids = try await database.reader.raw("SELECT p.id FROM posts p" + whereClause + " ORDER BY p.id DESC LIMIT \(bind: limit + 1)").all()
            .map { try $0.decode(column: "id", as: Int64.self) }
        var posts: [Post] = []
        for id in ids.prefix(limit) { if let post = try await Self.load(id, on: database.reader) { posts.append(post) } }
        return Page(items: posts, nextCursor: ids.count > limit ? posts.last.map { Cursor.encode($0.id) } : nil)
    }

    /// Posts in review waiting for this approver's decision at their stage.
    public func reviewQueue(for userID: Int64) async throws -> [Post] {
        let ids = try await database.reader.raw("""
            SELECT p.id FROM posts p WHERE p.state = \(bind: PostState.inReview.rawValue) AND p.author_id <> \(bind: userID)
            AND NOT EXISTS (SELECT 1 FROM post_approvals a WHERE a.post_id = p.id AND a.version = p.version AND a.stage = p.stage AND a.user_id = \(bind: userID))
            ORDER BY p.updated_at
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        var queue: [Post] = []
        for id in ids {
            guard let post = try await Self.load(id, on: database.reader) else { continue }
            let facts = try await Self.facts(post, on: database.reader)
            if facts.stages.indices.contains(facts.stage), facts.stages[facts.stage].approvers.contains(userID) { queue.append(post) }
        }
        return queue
    }

    /// Titles of posts that target an audience (for refusing its deletion).
    public static func titles(targeting audienceID: Int64, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT v.title FROM post_audiences pa JOIN posts p ON p.id = pa.post_id
            JOIN post_variants v ON v.post_id = p.id AND v.language = p.fallback_language
            WHERE pa.audience_id = \(bind: audienceID) ORDER BY p.id
            """).all().map { try $0.decode(column: "title", as: String.self) }
    }

    // MARK: helpers

    static func checkVersion(_ current: Post, expected: Int) throws {
        guard current.version == expected else {
            throw AppError(.conflict, code: "edit_conflict",
                           message: "This post was changed by \(current.updatedBy) at \(current.updatedAt.formatted(.iso8601)) (version \(current.version); you edited version \(expected)). Reload it, then apply your changes again.")
        }
    }

    static func checkReferences(_ content: PostContent, on db: any SQLDatabase) async throws {
        if !content.topicIDs.isEmpty {
            let known = Set(try await db.raw("SELECT id FROM topics WHERE id IN (\(binds: content.topicIDs))").all().map { try $0.decode(column: "id", as: Int64.self) })
            if let missing = content.topicIDs.first(where: { !known.contains($0) }) { throw AppError.invalid("topic_ids", "Topic \(missing) does not exist.") }
        }
        let audienceIDs = content.audiences.map(\.audienceID)
        if !audienceIDs.isEmpty {
            let known = Set(try await db.raw("SELECT id FROM audiences WHERE id IN (\(binds: audienceIDs))").all().map { try $0.decode(column: "id", as: Int64.self) })
            if let missing = audienceIDs.first(where: { !known.contains($0) }) { throw AppError.invalid("audiences", "Audience \(missing) does not exist.") }
        }
        if let campaign = content.campaignID, try await db.raw("SELECT id FROM campaigns WHERE id = \(bind: campaign)").first() == nil {
            throw AppError.invalid("campaign_id", "Campaign \(campaign) does not exist.")
        }
        for variant in content.variants {
            if let translator = variant.translatorID,
               try await db.raw("""
                   SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
                   WHERE u.id = \(bind: translator) AND u.is_active = \(bind: true) AND r.role IN (\(binds: editorRoles.map(\.rawValue)))
                   """).first() == nil {
                throw AppError.invalid("translator_id", "The translator for \(variant.language) must be an active user who can edit posts (HR, Internal Communications, Marketing or admin).")
            }
        }
    }

    static func writeContent(_ content: PostContent, post id: Post.ID, on db: any SQLDatabase) async throws {
        for variant in content.variants {
            try await db.raw("""
                INSERT INTO post_variants (post_id, language, title, summary, body, body_html, status, translator_id)
                VALUES (\(bind: id), \(bind: variant.language), \(bind: variant.title), \(bind: variant.summary), \(bind: variant.body),
                        \(bind: variant.bodyHTML), \(bind: variant.status.rawValue), \(bind: variant.translatorID))
                """).run()
            for (channel, text) in variant.channelTexts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try await db.raw("""
                    INSERT INTO post_channel_texts (post_id, language, channel, text) VALUES (\(bind: id), \(bind: variant.language), \(bind: channel.rawValue), \(bind: text))
                    """).run()
            }
        }
        for topic in content.topicIDs { try await db.raw("INSERT INTO post_topics (post_id, topic_id) VALUES (\(bind: id), \(bind: topic))").run() }
        for tag in content.tags { try await db.raw("INSERT INTO post_tags (post_id, tag) VALUES (\(bind: id), \(bind: tag))").run() }
        for channel in content.channels { try await db.raw("INSERT INTO post_channels (post_id, channel) VALUES (\(bind: id), \(bind: channel.rawValue))").run() }
        for audience in content.audiences {
            try await db.raw("INSERT INTO post_audiences (post_id, audience_id, mode) VALUES (\(bind: id), \(bind: audience.audienceID), \(bind: audience.mode.rawValue))").run()
        }
    }

    static func snapshot(_ content: PostContent, post id: Post.ID, version: Int, by name: String, at now: Int64, on db: any SQLDatabase) async throws {
        // Stored with Swift's own key names (not the API's snake_case, which does not round-trip `bodyHTML`).
        let json = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
        try await db.raw("""
            INSERT INTO post_versions (post_id, version, snapshot, saved_by, saved_at) VALUES (\(bind: id), \(bind: Int64(version)), \(bind: json), \(bind: name), \(bind: now))
            """).run()
    }

    static func event(post id: Post.ID, version: Int, action: String, from: PostState, to: PostState, note: String, by actor: String, at: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO post_events (post_id, version, at, actor, action, from_state, to_state, note)
            VALUES (\(bind: id), \(bind: Int64(version)), \(bind: at), \(bind: actor), \(bind: action), \(bind: from.rawValue), \(bind: to.rawValue), \(bind: note))
            """).run()
    }

    static func facts(_ post: Post, on db: any SQLDatabase) async throws -> WorkflowFacts {
        let topics = try await TopicStore.find(ids: post.content.topicIDs, on: db)
        var approvals: [Int: Set<Int64>] = [:]
        for row in try await db.raw("SELECT stage, user_id FROM post_approvals WHERE post_id = \(bind: post.id) AND version = \(bind: Int64(post.version))").all() {
            approvals[Int(try row.decode(column: "stage", as: Int64.self)), default: []].insert(try row.decode(column: "user_id", as: Int64.self))
        }
        return WorkflowFacts(state: post.state, authorID: post.authorID, stages: topics.flatMap(\.stages), stage: post.stage, approvals: approvals, now: Date())
    }

    static func load(_ id: Post.ID, on db: any SQLDatabase) async throws -> Post? {
        guard let row = try await db.raw("""
            SELECT p.*, u.display_name AS author_name FROM posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.id = \(bind: id)
            """).first() else { return nil }
        var texts: [String: [Channel: String]] = [:]
        for text in try await db.raw("SELECT language, channel, text FROM post_channel_texts WHERE post_id = \(bind: id)").all() {
            guard let channel = Channel(rawValue: try text.decode(column: "channel", as: String.self)) else { continue }
            texts[try text.decode(column: "language", as: String.self), default: [:]][channel] = try text.decode(column: "text", as: String.self)
        }
        let variants = try await db.raw("SELECT * FROM post_variants WHERE post_id = \(bind: id) ORDER BY language").all().map { v in
            let language = try v.decode(column: "language", as: String.self)
            return PostVariant(
                language: language, title: try v.decode(column: "title", as: String.self), summary: try v.decode(column: "summary", as: String.self),
                body: try v.decode(column: "body", as: String.self), bodyHTML: try v.decode(column: "body_html", as: String.self),
                status: VariantStatus(rawValue: try v.decode(column: "status", as: String.self)) ?? .translated,
                translatorID: try v.decode(column: "translator_id", as: Int64?.self), channelTexts: texts[language] ?? [:])
        }
        let topics = try await db.raw("SELECT t.id, t.name FROM post_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.post_id = \(bind: id) ORDER BY t.name_key").all()
        let tags = try await db.raw("SELECT tag FROM post_tags WHERE post_id = \(bind: id) ORDER BY tag").all().map { try $0.decode(column: "tag", as: String.self) }
        let audiences = try await db.raw("""
            SELECT pa.audience_id, pa.mode, a.name FROM post_audiences pa JOIN audiences a ON a.id = pa.audience_id WHERE pa.post_id = \(bind: id) ORDER BY pa.mode, a.name_key
            """).all().map { a in
            PostAudience(audienceID: try a.decode(column: "audience_id", as: Int64.self),
                         mode: AudienceMode(rawValue: try a.decode(column: "mode", as: String.self)) ?? .include, name: try a.decode(column: "name", as: String.self))
        }
        let channelNames = Set(try await db.raw("SELECT channel FROM post_channels WHERE post_id = \(bind: id)").all().map { try $0.decode(column: "channel", as: String.self) })
        let ctaLabel = try row.decode(column: "cta_label", as: String?.self), ctaURL = try row.decode(column: "cta_url", as: String?.self)
        let content = PostContent(
            priority: PostPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal,
            mandatory: try row.decode(column: "mandatory", as: Bool.self), requiresAcknowledgement: try row.decode(column: "requires_ack", as: Bool.self),
            fallbackLanguage: try row.decode(column: "fallback_language", as: String.self),
            callToAction: ctaLabel.flatMap { label in ctaURL.map { PostContent.CallToAction(label: label, url: $0) } },
            campaignID: try row.decode(column: "campaign_id", as: Int64?.self), expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(Millis.date),
            topicIDs: try topics.map { try $0.decode(column: "id", as: Int64.self) }, tags: tags, audiences: audiences,
            channels: Channel.allCases.filter { channelNames.contains($0.rawValue) }, variants: variants)
        return Post(
            id: id, state: PostState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft,
            authorID: try row.decode(column: "author_id", as: Int64.self), authorName: try row.decode(column: "author_name", as: String?.self) ?? "",
            content: content, topicNames: try topics.map { try $0.decode(column: "name", as: String.self) },
            publishAt: try row.decode(column: "publish_at", as: Int64?.self).map(Millis.date), scheduleZone: try row.decode(column: "schedule_zone", as: String.self),
            stage: Int(try row.decode(column: "stage", as: Int64.self)), version: Int(try row.decode(column: "version", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)),
            createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
