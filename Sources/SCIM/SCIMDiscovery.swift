/// Discovery documents (RFC 7644 §4, RFC 7643 §5–7), built from the same definitions that
/// validate requests, so they describe exactly what Tandem does.
public enum SCIMDiscovery {
    public static let listSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    public static func serviceProviderConfig(baseURL: String) -> SCIMNode {
        .object([
            ("schemas", .array(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])),
            ("documentationUri", .string("\(baseURL)/admin/scim")),
            ("patch", .object([("supported", .bool(true))])),
            ("bulk", .object([("supported", .bool(false)), ("maxOperations", .number(0)), ("maxPayloadSize", .number(0))])),
            ("filter", .object([("supported", .bool(true)), ("maxResults", .number(Double(SCIMListQuery.maxResults)))])),
            ("changePassword", .object([("supported", .bool(false))])),
            ("sort", .object([("supported", .bool(true))])),
            ("etag", .object([("supported", .bool(true))])),
            ("authenticationSchemes", .array([.object([
                ("type", "oauthbearertoken"), ("name", "Bearer token"),
                ("description", "A SCIM token created by a Tandem admin under Admin → SCIM, sent as 'Authorization: Bearer tdm_scim_…'."),
                ("specUri", "https://www.rfc-editor.org/rfc/rfc6750"), ("primary", .bool(true)),
            ])])),
            ("meta", .object([("resourceType", "ServiceProviderConfig"), ("location", .string("\(baseURL)/scim/v2/ServiceProviderConfig"))])),
        ])
    }

    public static func userResourceType(baseURL: String) -> SCIMNode {
        .object([
            ("schemas", .array(["urn:ietf:params:scim:schemas:core:2.0:ResourceType"])),
            ("id", "User"), ("name", "User"), ("endpoint", "/Users"),
            ("description", "Employees in Tandem's people directory."),
            ("schema", .string(SCIMUserSchema.coreID)),
            ("schemaExtensions", .array([.object([("schema", .string(SCIMUserSchema.enterpriseID)), ("required", .bool(false))])])),
            ("meta", .object([("resourceType", "ResourceType"), ("location", .string("\(baseURL)/scim/v2/ResourceTypes/User"))])),
        ])
    }

    public static func groupResourceType(baseURL: String) -> SCIMNode {
        .object([
            ("schemas", .array(["urn:ietf:params:scim:schemas:core:2.0:ResourceType"])),
            ("id", "Group"), ("name", "Group"), ("endpoint", "/Groups"),
            ("description", "Groups of provisioned users."),
            ("schema", .string(SCIMGroupSchema.coreID)),
            ("schemaExtensions", .array([])),
            ("meta", .object([("resourceType", "ResourceType"), ("location", .string("\(baseURL)/scim/v2/ResourceTypes/Group"))])),
        ])
    }

    public static func schema(_ definition: SCIMSchemaDefinition, baseURL: String) -> SCIMNode {
        .object([
            ("schemas", .array(["urn:ietf:params:scim:schemas:core:2.0:Schema"])),
            ("id", .string(definition.id)), ("name", .string(definition.name)), ("description", .string(definition.description)),
            // id, externalId and meta are common attributes (RFC 7643 §3.1), not schema attributes.
            ("attributes", .array(definition.attributes.filter { !["id", "externalId", "meta"].contains($0.name) || ![SCIMUserSchema.coreID, SCIMGroupSchema.coreID].contains(definition.id) }.map(attribute))),
            ("meta", .object([("resourceType", "Schema"), ("location", .string("\(baseURL)/scim/v2/Schemas/\(definition.id)"))])),
        ])
    }

    static func attribute(_ a: SCIMAttribute) -> SCIMNode {
        var node = SCIMNode.object([
            ("name", .string(a.name)), ("type", .string(a.kind.rawValue)), ("multiValued", .bool(a.multiValued)),
            ("description", .string(a.description)), ("required", .bool(a.required)),
        ])
        if a.kind == .complex {
            node.set("subAttributes", .array(a.subAttributes.map(attribute)))
        } else {
            node.set("caseExact", .bool(a.caseExact))
        }
        if !a.canonicalValues.isEmpty { node.set("canonicalValues", .array(a.canonicalValues.map(SCIMNode.string))) }
        node.set("mutability", .string(a.mutability.rawValue))
        node.set("returned", .string(a.returned.rawValue))
        if a.kind != .complex, a.kind != .boolean { node.set("uniqueness", .string(a.unique ? "server" : "none")) }
        if a.kind == .reference { node.set("referenceTypes", .array(["User"])) }
        return node
    }

    public static func list(_ resources: [SCIMNode], total: Int? = nil, startIndex: Int = 1) -> SCIMNode {
        .object([
            ("schemas", .array([.string(listSchema)])), ("totalResults", .number(Double(total ?? resources.count))),
            ("startIndex", .number(Double(startIndex))), ("itemsPerPage", .number(Double(resources.count))),
            ("Resources", .array(resources)),
        ])
    }
}
