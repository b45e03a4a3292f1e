public import Foundation
public import TandemCore

/// A staff account (HR, IC, Marketing, admins, approvers, analysts).
public struct User: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let email: String
    public let displayName: String
    public let roles: [Role]
    public let team: Team?
    public let isActive: Bool
    public let mustChangePassword: Bool
    public let createdAt: Date
    public let lastSignInAt: Date?
}

/// A group of staff users, such as HR or Internal Communications.
public struct Team: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
}

/// A personal API token as listed (the secret itself is shown only once, at creation).
public struct APIToken: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let prefix: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// Validated input for a new staff account.
public struct NewUser: Sendable, Equatable {
    public let email: String
    public let displayName: String
    public let roles: Set<Role>
    public let teamID: Team.ID?

    public init(email: String, displayName: String, roles: [String], teamID: Team.ID?) throws {
        self.email = try AccountRules.email(email)
        self.displayName = try AccountRules.displayName(displayName)
        self.roles = try AccountRules.roles(roles)
        self.teamID = teamID
    }
}

/// A partial update of a user; nil fields stay as they are.
public struct UserChange: Sendable, Equatable {
    public var displayName: String?
    public var roles: Set<Role>?
    public var teamID: Team.ID??
    public var isActive: Bool?

    public init(displayName: String? = nil, roles: Set<Role>? = nil, teamID: Team.ID?? = nil, isActive: Bool? = nil) {
        self.displayName = displayName
        self.roles = roles
        self.teamID = teamID
        self.isActive = isActive
    }
}
