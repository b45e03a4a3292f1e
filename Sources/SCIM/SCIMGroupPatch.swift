/// PATCH for Groups (RFC 7644 §3.5.2), mostly membership: `add` members (union), `remove`
/// `members[value eq "…"]`, `replace` members or displayName. Entra ID removes members with
/// `{"op":"Remove","path":"members","value":[{"value":"…"}]}`, which removes just those.
public enum SCIMGroupPatch {
    public static func apply(_ operations: [SCIMPatchOperation], to group: SCIMGroup) throws -> SCIMGroupInput {
        var input = SCIMGroupInput(displayName: group.displayName, externalId: group.externalId, memberIDs: group.members.map(\.id))
        for operation in operations {
            guard let path = operation.path else {
                for (key, value) in operation.value?.object ?? [] {
                    switch key.lowercased() {
                    case "schemas": continue
                    case "id":
                        guard value.string == group.id else { throw SCIMError.mutability("'id' cannot be changed.") }
                    default:
                        let target = try SCIMPatchRequest.parsePath(key, resource: SCIMGroupSchema.resource)
                        try apply(operation.op, target, value, to: &input, group: group)
                    }
                }
                continue
            }
            try apply(operation.op, path, operation.value, to: &input, group: group)
        }
        return input
    }

    static func apply(_ op: SCIMPatchOperation.Op, _ path: SCIMPatchPath, _ value: SCIMNode?, to input: inout SCIMGroupInput, group: SCIMGroup) throws {
        switch (path.attribute.attribute, path.subAttribute) {
        case ("displayName", nil):
            guard op != .remove else { throw SCIMError.invalidValue("'displayName' is required and cannot be removed.", field: "displayName") }
            guard let name = try SCIMUserReader.string(value ?? .null, "displayName") else {
                throw SCIMError.invalidValue("'displayName' must be a non-empty string.", field: "displayName")
            }
            input.displayName = name
        case ("externalId", nil):
            input.externalId = op == .remove ? nil : try SCIMUserReader.string(value ?? .null, "externalId")
        case ("members", nil):
            if let filter = path.filter {
                guard op == .remove else {
                    throw SCIMError.invalidPath("Members are added with add on 'members'; a filter selects members to remove.")
                }
                let evaluator = SCIMFilterEvaluator(schema: SCIMGroupSchema.resource)
                let node = SCIMGroupMapping.node(group, baseURL: "")
                input.memberIDs.removeAll { id in
                    evaluator.evaluate(filter, node, element: .object([("value", .string(id)), ("type", "User")]))
                }
                return
            }
            let ids = try SCIMGroupMapping.memberIDs(SCIMPatchEngine.asArray(value))
            let given = Set(ids)
            switch op {
            case .add:
                let present = Set(input.memberIDs)
                input.memberIDs += ids.filter { !present.contains($0) }
            case .replace: input.memberIDs = ids
            case .remove: input.memberIDs = value == nil ? [] : input.memberIDs.filter { !given.contains($0) }
            }
        default:
            throw SCIMError.invalidPath("\(path.attribute)\(path.subAttribute.map { "." + $0 } ?? "") cannot be changed; change 'members' or 'displayName'.")
        }
    }
}
