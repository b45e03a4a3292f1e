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
    /// Where users reach Tandem, for addresses handed to other programs (calendar feeds).
    public let baseURL: String

    /// `render` turns Markdown into sanitised HTML.
    public init(database: Database, blobs: any BlobStore, baseURL: String = "http://127.0.0.1:8080", render: @escaping @Sendable (String) -> String) {
        topics = TopicStore(database: database)
        posts = PostStore(database: database, render: render)
        campaigns = CampaignStore(database: database)
        calendar = CalendarStore(database: database)
        calendarFeeds = CalendarFeedStore(database: database)
        attachments = PostAttachmentStore(database: database, blobs: blobs)
        self.baseURL = baseURL
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Posts", "/posts", Self.readers), NavItem("Reviews", "/reviews", Self.readers), NavItem("Calendar", "/calendar", Self.readers), NavItem("Campaigns", "/campaigns", Self.readers), NavItem("Topics", "/topics", Self.readers)])
        table.component("Topic", ContentAPI.topic)
        table.component("Post", ContentAPI.post)
        TopicRoutes(store: topics).register(in: table)
        CampaignRoutes(store: campaigns, posts: posts).register(in: table)
        PostAPIRoutes(feature: self).register(in: table)
        PostPageRoutes(feature: self).register(in: table)
        PostAttachmentRoutes(feature: self).register(in: table)
        CalendarRoutes(feature: self).register(in: table)
    }

    static func actor(_ context: TandemContext) throws -> PostActor {
        let identity = try context.requireIdentity()
        return PostActor(userID: identity.userID, name: identity.displayName, roles: identity.roles,
                         audit: AuditActor(identity: identity, requestID: context.id))
    }
}
