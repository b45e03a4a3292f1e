import Foundation
public import TandemCore

/// Reads a User body (RFC 7643 §4.1, §4.3) into `SCIMUserInput`, refusing unknown attributes
/// and wrong JSON types with the attribute's name. Read-only attributes are ignored as RFC 7644
/// §3.5.1 says, except a client-chosen `id`, which is refused as `mutability`.
public enum SCIMUserReader {
    public enum Mode: Sendable, Equatable {
        case create
        /// Replacing the user with this SCIM id (an `id` in the body must match it).
        case replace(id: String)
    }

    public static func read(_ node: SCIMNode, mode: Mode) throws -> SCIMUserInput {
        guard let pairs = node.object else { throw SCIMError.invalidSyntax("A User must be a JSON object, not \(node.typeName).") }
        var input = SCIMUserInput()
        var sawUserName = false
        for (key, value) in pairs {
            if let schema = SCIMUserSchema.resource.extensions.first(where: { $0.id.lowercased() == key.lowercased() }) {
                try readEnterprise(value, schema: schema, into: &input)
                continue
            }
            guard let attribute = SCIMUserSchema.core.attribute(key) else {
                switch key.lowercased() {
                case "schemas": try checkSchemas(value); continue
                case "groups": continue  // read-only on User (RFC 7643 §4.1.2); Okta sends an empty list
                case "password":
                    throw SCIMError.invalidValue("Tandem does not keep passwords; turn off password sync for this application.", field: "password")
                default:
                    throw SCIMError.invalidSyntax("'\(key.prefix(80))' is not a User attribute Tandem supports. See /scim/v2/Schemas.")
                }
            }
            switch attribute.name {
            case "id":
                guard case .replace(let id) = mode, value.string == id else {
                    throw SCIMError.mutability("'id' is assigned by Tandem and cannot be set or changed.")
                }
            case "meta": continue
            case "externalId": input.externalId = try string(value, "externalId")
            case "userName":
                input.userName = try string(value, "userName") ?? ""
                sawUserName = true
            case "name": try readName(value, into: &input)
            case "displayName": input.displayName = try string(value, "displayName")
            case "nickName": input.nickName = try string(value, "nickName")
            case "title": input.title = try string(value, "title")
            case "userType": input.userType = try string(value, "userType")
            case "preferredLanguage": input.preferredLanguage = try string(value, "preferredLanguage")
            case "locale": input.locale = try string(value, "locale")
            case "timezone": input.timezone = try string(value, "timezone")
            case "active": input.active = try boolean(value, "active")
            case "emails": input.email = try pick(value, attribute, preferredType: "work")?["value"].flatMap { try string($0, "emails.value") }
            case "phoneNumbers": input.phone = try pick(value, attribute, preferredType: "mobile")?["value"].flatMap { try string($0, "phoneNumbers.value") }
            case "addresses":
                let address = try pick(value, attribute, preferredType: "work")
                input.country = try address?["country"].flatMap { try string($0, "addresses.country") }
                input.region = try address?["region"].flatMap { try string($0, "addresses.region") }
                input.locality = try address?["locality"].flatMap { try string($0, "addresses.locality") }
            default: break
            }
        }
        guard sawUserName, !input.userName.trimmed.isEmpty else {
            throw SCIMError.invalidValue("'userName' is required (RFC 7643 §4.1.1); usually the work email.", field: "userName")
        }
        return input
    }

    static func checkSchemas(_ value: SCIMNode) throws {
        guard let list = value.array, list.allSatisfy({ $0.string != nil }) else {
            throw SCIMError.invalidSyntax("'schemas' must be an array of schema URNs.")
        }
        let urns = list.compactMap(\.string)
        for urn in urns where SCIMUserSchema.resource.schema(urn) == nil {
            throw SCIMError.invalidValue("'\(urn.prefix(100))' is not a schema Tandem supports for Users. See /scim/v2/Schemas.", field: "schemas")
        }
        guard urns.contains(where: { $0.lowercased() == SCIMUserSchema.coreID.lowercased() }) else {
            throw SCIMError.invalidValue("'schemas' must include \(SCIMUserSchema.coreID).", field: "schemas")
        }
    }

    static func readName(_ value: SCIMNode, into input: inout SCIMUserInput) throws {
        if value.isNull { return }
        guard let pairs = value.object else { throw SCIMError.invalidValue("'name' must be an object, not \(value.typeName).", field: "name") }
        for (key, sub) in pairs {
            switch key.lowercased() {
            case "givenname": input.givenName = try string(sub, "name.givenName")
            case "familyname": input.familyName = try string(sub, "name.familyName")
            case "formatted": input.formattedName = try string(sub, "name.formatted")
            default: throw SCIMError.invalidSyntax("'name.\(key.prefix(60))' is not supported; Tandem keeps givenName, familyName and formatted.")
            }
        }
    }

    static func readEnterprise(_ value: SCIMNode, schema: SCIMSchemaDefinition, into input: inout SCIMUserInput) throws {
        if value.isNull { return }
        guard let pairs = value.object else { throw SCIMError.invalidValue("'\(schema.id)' must be an object, not \(value.typeName).", field: schema.id) }
        for (key, sub) in pairs {
            guard let attribute = schema.attribute(key) else {
                throw SCIMError.invalidSyntax("'\(key.prefix(60))' is not an enterprise User attribute. Known: \(schema.attributes.map(\.name).joined(separator: ", ")).")
            }
            switch attribute.name {
            case "employeeNumber": input.employeeNumber = try string(sub, "employeeNumber")
            case "costCenter": input.costCenter = try string(sub, "costCenter")
            case "organization": input.organization = try string(sub, "organization")
            case "division": input.division = try string(sub, "division")
            case "department": input.department = try string(sub, "department")
            case "manager": input.managerID = try manager(sub)
            default: break
            }
        }
    }

    /// `manager` is `{"value": id}`; Entra ID also sends the id as a bare string.
    static func manager(_ value: SCIMNode) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let id): return id.trimmed.isEmpty ? nil : id.trimmed
        case .object(let pairs):
            for (key, _) in pairs where !["value", "$ref", "displayname"].contains(key.lowercased()) {
                throw SCIMError.invalidSyntax("'manager.\(key.prefix(60))' is not supported; send manager.value.")
            }
            return try value["value"].flatMap { try string($0, "manager.value") }.flatMap { $0.trimmed.isEmpty ? nil : $0.trimmed }
        default:
            throw SCIMError.invalidValue("'manager' must be an object with 'value', not \(value.typeName).", field: "manager")
        }
    }

    /// One element of a multi-valued attribute: the one of `preferredType`, else the primary,
    /// else the first (Tandem keeps one email, one phone, one address).
    static func pick(_ value: SCIMNode, _ attribute: SCIMAttribute, preferredType: String) throws -> SCIMNode? {
        if value.isNull { return nil }
        guard let list = value.array else {
            throw SCIMError.invalidValue("'\(attribute.name)' must be an array, not \(value.typeName).", field: attribute.name)
        }
        for element in list {
            guard let pairs = element.object else {
                throw SCIMError.invalidValue("Each of '\(attribute.name)' must be an object, not \(element.typeName).", field: attribute.name)
            }
            for (key, sub) in pairs {
                guard let definition = attribute.sub(key) else {
                    throw SCIMError.invalidSyntax("'\(attribute.name).\(key.prefix(60))' is not supported. Known: \(attribute.subAttributes.map(\.name).joined(separator: ", ")).")
                }
                if definition.kind == .boolean { _ = try boolean(sub, "\(attribute.name).\(definition.name)") } else { _ = try string(sub, "\(attribute.name).\(definition.name)") }
            }
        }
        return list.first { $0["type"]?.string?.lowercased() == preferredType }
            ?? list.first { $0["primary"] == .bool(true) }
            ?? list.first
    }

    static func string(_ value: SCIMNode, _ name: String) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw SCIMError.invalidValue("'\(name)' must be a string, not \(value.typeName).", field: name)
        }
    }

    /// Booleans; the strings "true" and "false" in any case too (Entra ID sends "False").
    static func boolean(_ value: SCIMNode, _ name: String) throws -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw SCIMError.invalidValue("'\(name)' must be true or false, not \(value.typeName).", field: name)
        }
    }
}
