public import Foundation
public import TandemCore
public import TandemStore
public import TandemUI

/// Staff accounts: users, teams, roles, sessions, API tokens, first-run setup.
public struct AccountsFeature: Sendable {
    public let users: UserStore
    public let teams: TeamStore
    public let sessions: SessionStore
    public let tokens: TokenStore
    public let hasher: PasswordHasher
    public let signIn: SignInService
    public let setup: SetupService
    public let cache: IdentityCache
    public let sessionLifetime: Duration

    public init(database: Database, bcryptCost: UInt8, sessionLifetime: Duration, throttle policy: SignInThrottle.Policy = .init()) {
        users = UserStore(database: database)
        teams = TeamStore(database: database)
        sessions = SessionStore(database: database)
        tokens = TokenStore(database: database)
        hasher = PasswordHasher(cost: bcryptCost)
        cache = IdentityCache()
        self.sessionLifetime = sessionLifetime
        signIn = SignInService(
            users: users, sessions: sessions, throttle: SignInThrottle(database: database, policy: policy), hasher: hasher,
            sessionLifetime: sessionLifetime)
        setup = SetupService(database: database, hasher: hasher)
    }

    public static let migrations = AccountsMigrations.all

    public var authenticator: Authenticator { authenticator(resolvers: []) }

    /// The authenticator, also accepting other features' bearer tokens (SCIM).
    public func authenticator(resolvers: [any BearerTokenResolver], cookieResolvers: [any SessionCookieResolver] = [],
                              linker: (any StaffEmployeeLinker)? = nil) -> Authenticator {
        Authenticator(sessions: sessions, tokens: tokens, cache: cache, resolvers: resolvers, cookieResolvers: cookieResolvers, linker: linker)
    }

    public func register(in table: RouteTable) {
        Layout.register([
            NavItem("Users", "/admin/users", .only(.admin)),
            NavItem("Teams", "/admin/teams", .only(.admin)),
        ])
        AuthRoutes(feature: self).register(in: table)
        AccountRoutes(feature: self).register(in: table)
        UserRoutes(feature: self).register(in: table)
        TeamRoutes(feature: self).register(in: table)
    }
}
