/// The Group resource (RFC 7643 §4.2): a named set of SCIM users. Groups are stored by Tandem
/// for identity providers that push them; they do not yet drive audiences or roles.
public enum SCIMGroupSchema {
    public static let coreID = "urn:ietf:params:scim:schemas:core:2.0:Group"

    public static let core = SCIMSchemaDefinition(
        id: coreID, name: "Group", description: "A group of provisioned users.",
        attributes: [
            SCIMAttribute("id", caseExact: true, mutability: .readOnly, returned: .always, unique: true, "Tandem's stable identifier (a UUID)."),
            SCIMAttribute("externalId", caseExact: true, "The provisioning client's identifier."),
            SCIMAttribute("displayName", required: true, unique: true, "The group's name; unique, compared case-insensitively."),
            SCIMAttribute("members", type: .complex, multiValued: true, "The group's users.", sub: [
                SCIMAttribute("value", caseExact: true, mutability: .immutable, "A member's SCIM user id."),
                SCIMAttribute("$ref", type: .reference, caseExact: true, mutability: .readOnly, "The member's URI."),
                SCIMAttribute("display", mutability: .readOnly, "The member's display name."),
                SCIMAttribute("type", mutability: .immutable, canonicalValues: ["User"], "Always User."),
            ]),
            SCIMUserSchema.meta,
        ])

    public static let resource = SCIMResourceSchema(core: core, extensions: [])
}

/// A stored group, with its members' SCIM ids and display names.
public struct SCIMGroup: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let id: String
        public let display: String

        public init(id: String, display: String) {
            self.id = id
            self.display = display
        }
    }

    public var id: String
    public var externalId: String?
    public var displayName: String
    public var members: [Member]
    public var version: Int64
    public var created: Int64
    public var lastModified: Int64

    public init(id: String, externalId: String?, displayName: String, members: [Member], version: Int64, created: Int64, lastModified: Int64) {
        self.id = id
        self.externalId = externalId
        self.displayName = displayName
        self.members = members
        self.version = version
        self.created = created
        self.lastModified = lastModified
    }

    public var etag: String { "W/\"\(version)\"" }
}

/// What a client sent for a group (POST, PUT, or the result of a PATCH).
public struct SCIMGroupInput: Sendable, Equatable {
    public var displayName: String
    public var externalId: String?
    /// SCIM user ids, without duplicates, in the order first given.
    public var memberIDs: [String]

    public init(displayName: String, externalId: String? = nil, memberIDs: [String] = []) {
        self.displayName = displayName
        self.externalId = externalId
        self.memberIDs = memberIDs
    }
}
