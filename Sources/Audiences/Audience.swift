public import Foundation

/// A saved audience: a rule over employee data (dynamic) or an uploaded list of employee ids
/// (static). Every save makes a new version; old versions are kept so it can later be shown
/// exactly whom a message was aimed at.
public struct Audience: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public enum Kind: String, Sendable, Codable, CaseIterable { case rule, list }

    public let id: ID
    public let name: String
    public let description: String
    public let kind: Kind
    /// The rule text for `rule` audiences; nil for lists.
    public let rule: String?
    /// How many employee ids a `list` audience holds; nil for rules.
    public let listSize: Int?
    public let version: Int
    /// Whether the rule (with the audiences it refers to) reads pay, HCE or benefits.
    public let usesSensitiveFields: Bool
    public let updatedBy: String
    public let updatedAt: Date
}

/// One saved state of an audience.
public struct AudienceVersion: Sendable, Codable, Equatable {
    public let version: Int
    public let name: String
    public let rule: String?
    public let listSize: Int?
    public let savedBy: String
    public let savedAt: Date
}

/// What a new save says: a rule or a list of employee ids, never both.
public struct AudienceDraft: Sendable, Equatable {
    public enum Definition: Sendable, Equatable {
        case rule(Rule)
        case list([String])
    }
    public var name: String
    public var description: String
    public var definition: Definition

    public init(name: String, description: String, definition: Definition) {
        self.name = name
        self.description = description
        self.definition = definition
    }
}

/// A saved audience as the rule compiler and evaluator see it when a rule says
/// `in audience "…"`.
public enum AudienceDefinition: Sendable, Equatable {
    case rule(Rule)
    /// A static list, by version; `members` is filled only where the rule is evaluated in memory.
    case list(audienceID: Audience.ID, version: Int, members: Set<String>)
}
