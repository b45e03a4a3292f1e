public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// A language variant waiting for its translator or an approval.
public struct TranslationTask: Sendable, Codable, Equatable {
    public let postID: Int64
    public let postTitle: String
    public let postState: PostState
    public let language: String
    public let status: VariantStatus
    public let translatorID: Int64?
    public let translatorName: String?
    public let updatedAt: Date
}

/// Requesting translations: a new language variant for a person to translate, drafted by the
/// machine-translation service when one is set up. The request is an edit of the post (a new
/// version), so it goes through the same checks, locking and history as any other save.
public struct PostTranslations: Sendable {
    let database: Database
    let posts: PostStore
    public let provider: (any TranslationProvider)?

    public init(database: Database, posts: PostStore, provider: (any TranslationProvider)?) {
        self.database = database
        self.posts = posts
        self.provider = provider
    }

    public func request(post id: Post.ID, language raw: String, translatorID: Int64?, machine: Bool, expectedVersion: Int, by actor: PostActor) async throws -> Post {
        guard let post = try await posts.find(id: id) else { throw AppError.notFound("Post") }
        let language = raw.trimmed
        guard !language.isEmpty else { throw AppError.invalid("language", "Name the language to translate into (BCP 47, for example de or pt-BR).") }
        if post.content.variants.contains(where: { $0.language.lowercased() == language.lowercased() }) {
            throw AppError.conflict("This post already has a \(language) version. Edit it instead.", field: "language")
        }
        guard let source = post.content.variant(for: post.content.fallbackLanguage) else {
            throw AppError.conflict("The post has no \(post.content.fallbackLanguage) version to translate from.")
        }
        var variant = PostVariant(language: language, title: source.title, summary: source.summary, body: source.body,
                                  status: .needsTranslation, translatorID: translatorID, channelTexts: source.channelTexts)
        if machine {
            guard let provider else {
                throw AppError(.conflict, code: "no_translation_service",
                               message: "No machine-translation service is set up (TANDEM_TRANSLATE_URL). Assign a person to translate it instead.", field: "machine")
            }
            // Checked before the service is called, so a bad tag never leaves the server.
            _ = try PostRules.validate(PostContent(fallbackLanguage: language, variants: [PostVariant(language: language, title: "x", summary: "", body: "")]), render: { $0 })
            let channels = source.channelTexts.keys.sorted { $0.rawValue < $1.rawValue }
            let texts = [source.title, source.summary, source.body] + channels.map { source.channelTexts[$0] ?? "" }
            let translated: [String]
            do {
                translated = try await provider.translate(texts, from: source.language, to: language)
            } catch let error as TranslationError {
                throw AppError(.badGateway, code: "translation_failed", message: error.description)
            }
            variant.title = translated[0]
            variant.summary = translated[1]
            variant.body = translated[2]
            for (index, channel) in channels.enumerated() { variant.channelTexts[channel] = translated[3 + index] }
        }
        var content = post.content
        content.variants.append(variant)
        return try await posts.update(id, content, expectedVersion: expectedVersion, by: actor)
    }

    /// Variants not yet approved, on posts still being prepared; `assignedTo` narrows to one translator.
    public func tasks(assignedTo userID: Int64?, limit: Int = 200) async throws -> [TranslationTask] {
        let open = [PostState.draft, .inReview, .changesRequested, .approved, .scheduled].map(\.rawValue)
        let mine: SQLQueryString = userID.map { " AND v.translator_id = \(bind: $0)" } ?? ""
        return try await database.reader.raw("""
            SELECT p.id, p.state, p.updated_at, v.language, v.status, v.translator_id, u.display_name AS translator_name, f.title
            FROM post_variants v JOIN posts p ON p.id = v.post_id
            JOIN post_variants f ON f.post_id = p.id AND f.language = p.fallback_language
            LEFT JOIN users u ON u.id = v.translator_id
            WHERE v.status <> \(bind: VariantStatus.approved.rawValue) AND v.language <> p.fallback_language AND p.state IN (\(binds: open))
            """ + mine + " ORDER BY v.status, p.updated_at DESC LIMIT \(bind: limit)").all().map { row in
            TranslationTask(
                postID: try row.decode(column: "id", as: Int64.self), postTitle: try row.decode(column: "title", as: String.self),
                postState: PostState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft,
                language: try row.decode(column: "language", as: String.self),
                status: VariantStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .translated,
                translatorID: try row.decode(column: "translator_id", as: Int64?.self), translatorName: try row.decode(column: "translator_name", as: String?.self),
                updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    /// Staff who may translate: active users who can save posts.
    public func translators() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("""
            SELECT DISTINCT u.id, u.display_name FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.is_active = \(bind: true) AND r.role IN (\(binds: PostStore.editorRoles.map(\.rawValue))) ORDER BY u.display_name, u.id
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "display_name", as: String.self)) }
    }
}
