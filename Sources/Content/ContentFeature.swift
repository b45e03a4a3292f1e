public import Audiences
public import Audit
public import Foundation
public import TandemCore
public import TandemStore
import TandemUI

/// The newsroom: topics with approval boards, posts with language and channel variants, and
/// the editorial workflow.
public struct ContentFeature: Sendable {
    public static let migrations = ContentMigrations.all
    /// Authors: HR, Internal Communications and Marketing write, schedule and publish.
    public static let editors: Access = .roles([.hr, .comms, .marketing])
    /// Everyone who writes or approves reads posts (approvers review them).
    public static let readers: Access = .roles([.hr, .comms, .marketing, .approver])
    /// HR and Internal Communications own the topic list and its boards.
    public static let topicWriters: Access = .roles([.hr, .comms])

    public let topics: TopicStore
    public let posts: PostStore
    public let campaigns: CampaignStore
    public let calendar: CalendarStore
    public let calendarFeeds: CalendarFeedStore
    public let attachments: PostAttachmentStore
    public let comments: PostCommentStore
    public let views: PostViewStore
    public let counter: AudienceCounter
    public let translations: PostTranslations
    /// Groups smaller than this show as "fewer than N" to staff who do not see personal data.
    public let privacyThreshold: Int
    /// Where users reach Tandem, for addresses handed to other programs (calendar feeds).
    public let baseURL: String

    /// `render` turns Markdown into sanitised HTML.
    public init(database: Database, blobs: any BlobStore, baseURL: String = "http://127.0.0.1:8080", privacyThreshold: Int = AudienceCounter.defaultThreshold,
                translator: (any TranslationProvider)? = nil, render: @escaping @Sendable (String) -> String) {
        topics = TopicStore(database: database)
        posts = PostStore(database: database, render: render)
        campaigns = CampaignStore(database: database)
        calendar = CalendarStore(database: database)
        calendarFeeds = CalendarFeedStore(database: database)
        attachments = PostAttachmentStore(database: database, blobs: blobs)
        comments = PostCommentStore(database: database, render: render)
        views = PostViewStore(database: database)
        self.privacyThreshold = max(3, privacyThreshold)
        counter = AudienceCounter(database: database, threshold: self.privacyThreshold)
        translations = PostTranslations(database: database, posts: posts, provider: translator)
        self.baseURL = baseURL
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Posts", "/posts", Self.readers), NavItem("Reviews", "/reviews", Self.readers), NavItem("Translations", "/translations", Self.readers), NavItem("Calendar", "/calendar", Self.readers), NavItem("Campaigns", "/campaigns", Self.readers), NavItem("Topics", "/topics", Self.readers)])
        table.component("Topic", ContentAPI.topic)
        table.component("Post", ContentAPI.post)
        TopicRoutes(store: topics).register(in: table)
        CampaignRoutes(store: campaigns, posts: posts).register(in: table)
        PostAPIRoutes(feature: self).register(in: table)
        PostPageRoutes(feature: self).register(in: table)
        PostAttachmentRoutes(feature: self).register(in: table)
        CalendarRoutes(feature: self).register(in: table)
        CommentRoutes(feature: self).register(in: table)
        ReviewRoutes(feature: self).register(in: table)
        ReachRoutes(feature: self).register(in: table)
        TranslationRoutes(feature: self).register(in: table)
    }

    /// Per-channel reach of audiences (by id) on the chosen channels. HR and admins see exact
    /// counts; everyone else sees small groups suppressed.
    public func reach(_ audiences: [PostAudience], channels: [Channel], seesAll: Bool) async throws -> PostReach {
        let names = Dictionary(try await topics.audienceNames().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func resolve(_ mode: AudienceMode) throws -> [String] {
            try audiences.filter { $0.mode == mode }.map { audience in
                guard let name = names[audience.audienceID] else { throw AppError.invalid("audiences", "Audience \(audience.audienceID) does not exist.") }
                return name
            }
        }
        let contacts = try await counter.contactReach(include: try resolve(.include), exclude: try resolve(.exclude))
        return PostReach(contacts, channels: channels, seesAll: seesAll, threshold: privacyThreshold)
    }

    /// What changed between two saved versions of a post, with ids shown as names.
    func diff(post: Post, from: Int, to: Int) async throws -> PostDiff {
        guard let old = try await posts.version(from, of: post.id), let new = try await posts.version(to, of: post.id) else {
            throw AppError.notFound("Version")
        }
        var names = PostDiff.Names(users: try await topics.userNames())
        for topic in try await topics.all() { names.topics[topic.id] = topic.name }
        for audience in try await topics.audienceNames() { names.audiences[audience.id] = audience.name }
        for campaign in try await campaigns.all() { names.campaigns[campaign.id] = campaign.name }
        return PostDiff.compare(old.content, version: from, with: new.content, version: to, names: names)
    }

    static func actor(_ context: TandemContext) throws -> PostActor {
        let identity = try context.requireIdentity()
        return PostActor(userID: identity.userID, name: identity.displayName, roles: identity.roles,
                         audit: AuditActor(identity: identity, requestID: context.id))
    }
}
