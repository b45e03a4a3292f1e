import People

/// The JSON a client reads for a user, in the order of RFC 7643 §4.1. The same node is what
/// filters are evaluated on and what PATCH edits, so all three agree on every attribute.
public enum SCIMUserRenderer {
    public static func node(_ user: SCIMUser, baseURL: String, today: String) -> SCIMNode {
        let e = user.employee
        var node = SCIMNode.object([
            ("schemas", .array([.string(SCIMUserSchema.coreID), .string(SCIMUserSchema.enterpriseID)])),
            ("id", .string(user.id)),
        ])
        node.set("externalId", user.externalId.map(SCIMNode.string))
        node.set("userName", .string(user.userName))
        node.set("name", .object([
            ("formatted", .string(user.formattedName)), ("familyName", .string(e.familyName)), ("givenName", .string(e.givenName)),
        ]))
        node.set("displayName", .string(user.displayName))
        node.set("nickName", e.preferredName.map(SCIMNode.string))
        node.set("title", e.jobTitle.map(SCIMNode.string))
        node.set("userType", user.userType.map(SCIMNode.string))
        node.set("preferredLanguage", .string(e.language))
        node.set("locale", user.locale.map(SCIMNode.string))
        node.set("timezone", .string(e.timeZone))
        node.set("active", .bool(user.active(on: today)))
        node.set("emails", e.workEmail.map { .array([.object([("value", .string($0)), ("type", "work"), ("primary", .bool(true))])]) })
        node.set("phoneNumbers", e.mobilePhone.map { .array([.object([("value", .string($0)), ("type", "mobile"), ("primary", .bool(true))])]) })
        var address = SCIMNode.object([("type", "work")])
        address.set("locality", e.site.map(SCIMNode.string))
        address.set("region", e.region.map(SCIMNode.string))
        address.set("country", .string(e.country))
        address.set("primary", .bool(true))
        node.set("addresses", .array([address]))
        var enterprise = SCIMNode.object([("employeeNumber", .string(e.employeeId))])
        enterprise.set("costCenter", user.costCenter.map(SCIMNode.string))
        enterprise.set("organization", user.organization.map(SCIMNode.string))
        enterprise.set("division", user.division.map(SCIMNode.string))
        enterprise.set("department", e.department.map(SCIMNode.string))
        if let manager = user.managerID {
            var value = SCIMNode.object([("value", .string(manager)), ("$ref", .string("\(baseURL)/scim/v2/Users/\(manager)"))])
            value.set("displayName", user.managerDisplayName.map(SCIMNode.string))
            enterprise.set("manager", value)
        }
        node.set(SCIMUserSchema.enterpriseID, enterprise)
        node.set("meta", .object([
            ("resourceType", "User"), ("created", .string(SCIMDate.format(user.created))),
            ("lastModified", .string(SCIMDate.format(user.lastModified))),
            ("location", .string("\(baseURL)/scim/v2/Users/\(user.id)")), ("version", .string(user.etag)),
        ]))
        return node
    }
}

extension SCIMNode: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
