public import Accounts
public import Content
public import Delivery
public import Engagement
public import Foundation
public import Logging
public import TandemCore
public import TandemStore
import TandemUI

/// What employees see and do: sign-in by magic link, the personal feed, reactions and
/// acknowledgements; and for staff, the acknowledgement board of each post.
public struct FeedFeature: Sendable {
    public static let migrations = FeedMigrations.all

    public let sessions: EmployeeSessionStore
    public let links: MagicLinkStore
    public let store: FeedStore
    public let board: AckBoardStore
    public let comments: FeedCommentStore
    public let content: FeedContent
    public let pages: FeedPageCache
    public let preferences: PreferenceStore
    public let signage: SignageStore
    public let passwords: EmployeePasswordStore
    /// Signs each card's beacon token and records what readers do.
    public let engagement: EngagementFeature
    let optOuts: OptOutStore
    let sender: SignInLinkSender
    let identities: IdentityCache
    let database: Database
    let baseURL: String
    /// Surveys and the like, shown above the feed.
    let prompts: FeedPrompt.Source

    public init(database: Database, posts: PostStore, delivery: DeliveryFeature, identities: IdentityCache, baseURL: String,
                hasher: PasswordHasher = PasswordHasher(), pageCache: Bool = true, linkPolicy: MagicLinkStore.Policy = .init(), logger: Logger = Logger(label: "tandem.feed"),
                prompts: @escaping FeedPrompt.Source = { _ in [] }) {
        self.database = database
        self.prompts = prompts
        sessions = EmployeeSessionStore(database: database)
        links = MagicLinkStore(database: database, policy: linkPolicy)
        store = FeedStore(database: database)
        board = AckBoardStore(database: database)
        comments = FeedCommentStore(database: database)
        content = FeedContent(posts: posts, database: database)
        preferences = delivery.preferences
        signage = SignageStore(database: database)
        passwords = EmployeePasswordStore(database: database, hasher: hasher, throttle: SignInThrottle(database: database), links: links)
        optOuts = delivery.optOuts
        engagement = EngagementFeature(database: database, signer: delivery.signer, logger: logger)
        pages = FeedPageCache(signal: database.feedSignal, enabled: pageCache)
        sender = SignInLinkSender(email: delivery.email, sms: delivery.sms, logger: logger)
        self.identities = identities
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Feed", "/feed", .employee), NavItem("Preferences", "/feed/preferences", .employee), NavItem("Your sign-in", "/feed/account", .employee), NavItem("Moderation", "/moderation/comments", FeedCommentRoutes.moderators), NavItem("Signage", "/signage", SignageRoutes.managers)])
        SignInRoutes(feature: self).register(in: table)
        FeedRoutes(feature: self).register(in: table)
        AckBoardRoutes(feature: self).register(in: table)
        FeedCommentRoutes(feature: self).register(in: table)
        PreferenceRoutes(feature: self).register(in: table)
        SignageRoutes(feature: self).register(in: table)
        EmployeePasswordRoutes(feature: self).register(in: table)
    }
}

extension FeedFeature {
    /// The signed-in person's employee id, for the employee's own pages; 403 for staff without
    /// an employee record.
    static func employeeID(_ context: TandemContext) throws -> Int64 {
        guard let id = try context.requireIdentity().employeeID else {
            throw AppError(.forbidden, code: "not_an_employee", message: "This page is for employees. Your employee record was not found; ask HR to check it.")
        }
        return id
    }
}
