public import Foundation
public import TandemCore

/// Who made a change and through which door.
public struct AuditActor: Sendable, Equatable {
    public enum Channel: String, Sendable, Codable, CaseIterable { case web, api, cli, system, scim }
    public let userID: Int64?
    public let label: String
    public let channel: Channel
    public let requestID: String?

    public init(userID: Int64?, label: String, channel: Channel, requestID: String? = nil) {
        self.userID = userID
        self.label = label
        self.channel = channel
        self.requestID = requestID
    }

    /// The actor behind an HTTP request: a browser session is `web`, a bearer token is `api`,
    /// a SCIM token is `scim` (with no user behind it).
    public init(identity: Identity, requestID: String?) {
        if identity.isEmployeeOnly {
            self.init(userID: nil, label: "employee:\(identity.employeeID ?? 0)", channel: .web, requestID: requestID)
            return
        }
        if identity.isSCIM {
            self.init(userID: nil, label: identity.email, channel: .scim, requestID: requestID)
            return
        }
        self.init(
            userID: identity.userID, label: identity.email, channel: identity.isSession ? .web : .api, requestID: requestID)
    }

    public static func cli(_ label: String = "cli") -> AuditActor { AuditActor(userID: nil, label: label, channel: .cli) }
    public static let system = AuditActor(userID: nil, label: "system", channel: .system)
}

/// One change to record: what happened to which entity, with a before/after summary.
public struct AuditEntry: Sendable {
    public let action: String
    public let entityType: String
    public let entityID: String
    public let summary: String
    public let before: [String: String]?
    public let after: [String: String]?

    public init(action: String, entityType: String, entityID: String, summary: String, before: [String: String]? = nil, after: [String: String]? = nil) {
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.summary = summary
        self.before = before
        self.after = after
    }
}

/// A stored audit row.
public struct AuditRecord: Sendable, Codable, Equatable {
    public let id: Int64
    public let at: Date
    public let actorId: Int64?
    public let actor: String
    public let channel: String
    public let action: String
    public let entityType: String
    public let entityId: String
    public let summary: String
    public let before: [String: String]?
    public let after: [String: String]?
    public let requestId: String?
}

/// Filters for browsing and exporting the log.
public struct AuditQuery: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var entityType: String?
    public var from: Date?
    public var to: Date?
    public var text: String?
    public var cursor: Int64?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, entityType: String? = nil, from: Date? = nil, to: Date? = nil, text: String? = nil, cursor: Int64? = nil, limit: Int = 50) {
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.from = from
        self.to = to
        self.text = text
        self.cursor = cursor
        self.limit = limit
    }
}
