import Foundation
public import TandemCore

/// Reads and renders Groups. Unknown attributes are refused; `members` names SCIM users by id.
public enum SCIMGroupMapping {
    public static let maxMembers = 100_000

    public static func read(_ node: SCIMNode, mode: SCIMUserReader.Mode) throws -> SCIMGroupInput {
        guard let pairs = node.object else { throw SCIMError.invalidSyntax("A Group must be a JSON object, not \(node.typeName).") }
        var input = SCIMGroupInput(displayName: "")
        for (key, value) in pairs {
            switch key.lowercased() {
            case "schemas":
                guard let list = value.array, list.allSatisfy({ $0.string != nil }),
                    list.contains(where: { $0.string?.lowercased() == SCIMGroupSchema.coreID.lowercased() }),
                    list.allSatisfy({ $0.string?.lowercased() == SCIMGroupSchema.coreID.lowercased() })
                else { throw SCIMError.invalidValue("'schemas' must be [\"\(SCIMGroupSchema.coreID)\"].", field: "schemas") }
            case "id":
                guard case .replace(let id) = mode, value.string == id else {
                    throw SCIMError.mutability("'id' is assigned by Tandem and cannot be set or changed.")
                }
            case "meta": continue
            case "displayname": input.displayName = try SCIMUserReader.string(value, "displayName") ?? ""
            case "externalid": input.externalId = try SCIMUserReader.string(value, "externalId")
            case "members": input.memberIDs = try memberIDs(value)
            default: throw SCIMError.invalidSyntax("'\(key.prefix(80))' is not a Group attribute Tandem supports. See /scim/v2/Schemas.")
            }
        }
        guard let name = try SCIMUserMapping.text(input.displayName, "displayName", max: 200) else {
            throw SCIMError.invalidValue("'displayName' is required (RFC 7643 §4.2).", field: "displayName")
        }
        input.displayName = name
        input.externalId = try SCIMUserMapping.text(input.externalId, "externalId", max: 255)
        return input
    }

    /// `[{"value": id}, …]`; `display`, `type` and `$ref` may accompany each value.
    static func memberIDs(_ value: SCIMNode) throws -> [String] {
        if value.isNull { return [] }
        guard let list = value.array else { throw SCIMError.invalidValue("'members' must be an array, not \(value.typeName).", field: "members") }
        guard list.count <= maxMembers else { throw SCIMError.invalidValue("A group may have at most \(maxMembers) members.", field: "members") }
        var ids: [String] = []
        var seen = Set<String>()
        for element in list {
            guard let pairs = element.object else { throw SCIMError.invalidValue("Each member must be an object with 'value', not \(element.typeName).", field: "members") }
            for (key, _) in pairs where !["value", "display", "type", "$ref"].contains(key.lowercased()) {
                throw SCIMError.invalidSyntax("'members.\(key.prefix(60))' is not supported. Known: value, display, type, $ref.")
            }
            if let type = element["type"]?.string, type.lowercased() != "user" {
                throw SCIMError.invalidValue("Members must be users; Tandem does not nest groups (got type '\(type.prefix(40))').", field: "members")
            }
            guard let id = element["value"]?.string, !id.isEmpty, id.count <= 100 else {
                throw SCIMError.invalidValue("Each member needs 'value', a SCIM user id.", field: "members")
            }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    public static func node(_ group: SCIMGroup, baseURL: String) -> SCIMNode {
        var node = SCIMNode.object([("schemas", .array([.string(SCIMGroupSchema.coreID)])), ("id", .string(group.id))])
        node.set("externalId", group.externalId.map(SCIMNode.string))
        node.set("displayName", .string(group.displayName))
        node.set("members", .array(group.members.map { member in
            .object([("value", .string(member.id)), ("$ref", .string("\(baseURL)/scim/v2/Users/\(member.id)")), ("display", .string(member.display)), ("type", "User")])
        }))
        node.set("meta", .object([
            ("resourceType", "Group"), ("created", .string(SCIMDate.format(group.created))),
            ("lastModified", .string(SCIMDate.format(group.lastModified))),
            ("location", .string("\(baseURL)/scim/v2/Groups/\(group.id)")), ("version", .string(group.etag)),
        ]))
        return node
    }
}
