public import Accounts
public import Foundation
public import TandemCore
public import TandemStore
public import TandemUI

/// SCIM 2.0 provisioning (RFC 7643/7644): identity providers and HRIS connectors create and
/// maintain employees over `/scim/v2`, authenticated by admin-issued SCIM tokens.
public struct SCIMFeature: Sendable {
    public let tokens: SCIMTokenStore
    public let users: SCIMUsers
    public let groups: SCIMGroups
    let cache: IdentityCache
    let baseURL: String
    public static let migrations = SCIMMigrations.all

    public init(database: Database, baseURL: String, cache: IdentityCache) {
        tokens = SCIMTokenStore(database: database)
        users = SCIMUsers(store: SCIMStore(database: database), baseURL: baseURL)
        groups = SCIMGroups(store: SCIMGroupStore(database: database), baseURL: baseURL)
        self.cache = cache
        self.baseURL = baseURL
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("SCIM", "/admin/scim", .only(.admin))])
        SCIMAdminRoutes(tokens: tokens, cache: cache, baseURL: baseURL).register(in: table)
        SCIMRoutes(users: users, baseURL: baseURL).register(in: table)
        SCIMGroupRoutes(groups: groups, baseURL: baseURL).register(in: table)
    }
}
