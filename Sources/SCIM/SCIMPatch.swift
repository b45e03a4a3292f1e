/// A PATCH request (RFC 7644 §3.5.2), parsed and checked before anything is changed.
public struct SCIMPatchOperation: Sendable, Equatable {
    public enum Op: String, Sendable { case add, replace, remove }
    public let op: Op
    public let path: SCIMPatchPath?
    public let value: SCIMNode?
}

/// `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]` or `attr[filter].sub`.
public struct SCIMPatchPath: Sendable, Equatable {
    /// The top-level attribute (no sub-attribute).
    public let attribute: SCIMPath
    public let filter: SCIMFilter?
    public let subAttribute: String?

    public static func == (a: SCIMPatchPath, b: SCIMPatchPath) -> Bool {
        a.attribute == b.attribute && a.filter == b.filter && a.subAttribute == b.subAttribute
    }
}

public enum SCIMPatchRequest {
    public static let schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let maxOperations = 100

    public static func parse(_ body: SCIMNode, resource: SCIMResourceSchema) throws -> [SCIMPatchOperation] {
        guard body.object != nil else { throw SCIMError.invalidSyntax("A PATCH body must be a JSON object with 'schemas' and 'Operations'.") }
        for (key, _) in body.object! where !["schemas", "operations"].contains(key.lowercased()) {
            throw SCIMError.invalidSyntax("'\(key.prefix(60))' is not part of a PATCH request; send 'schemas' and 'Operations'.")
        }
        guard let schemas = body["schemas"]?.array, schemas.contains(where: { $0.string?.lowercased() == schema.lowercased() }) else {
            throw SCIMError.invalidSyntax("'schemas' must be [\"\(schema)\"].")
        }
        guard let list = body["Operations"]?.array, !list.isEmpty else {
            throw SCIMError.invalidSyntax("'Operations' must be a non-empty array of {op, path, value}.")
        }
        guard list.count <= maxOperations else { throw SCIMError.invalidValue("Send at most \(maxOperations) operations in one PATCH.") }
        return try list.enumerated().map { index, item in try operation(item, number: index + 1, resource: resource) }
    }

    static func operation(_ item: SCIMNode, number: Int, resource: SCIMResourceSchema) throws -> SCIMPatchOperation {
        guard let pairs = item.object else { throw SCIMError.invalidSyntax("Operation \(number) must be an object, not \(item.typeName).") }
        for (key, _) in pairs where !["op", "path", "value"].contains(key.lowercased()) {
            throw SCIMError.invalidSyntax("Operation \(number): '\(key.prefix(60))' is not one of op, path, value.")
        }
        // Entra ID sends "Replace" and "Add": op names are case-insensitive.
        guard let name = item["op"]?.string, let op = SCIMPatchOperation.Op(rawValue: name.lowercased()) else {
            throw SCIMError.invalidSyntax("Operation \(number): 'op' must be add, replace or remove.")
        }
        var path: SCIMPatchPath?
        if let raw = item["path"], !raw.isNull {
            guard let text = raw.string, !text.isEmpty else { throw SCIMError.invalidPath("Operation \(number): 'path' must be a non-empty string.") }
            path = try parsePath(text, resource: resource)
        }
        let value = item["value"]
        switch (op, path) {
        case (.remove, nil): throw SCIMError.noTarget("Operation \(number): remove needs a 'path'.")
        case (.remove, _): break
        case (_, nil):
            guard value?.object != nil else {
                throw SCIMError.invalidValue("Operation \(number): without a 'path', 'value' must be an object of attributes.")
            }
        case (_, _?):
            guard value != nil else { throw SCIMError.invalidValue("Operation \(number): \(op.rawValue) needs a 'value'.") }
        }
        return SCIMPatchOperation(op: op, path: path, value: value)
    }

    public static func parsePath(_ text: String, resource: SCIMResourceSchema) throws -> SCIMPatchPath {
        guard text.count <= SCIMFilterParser.maxLength else { throw SCIMError.invalidPath("The path is too long.") }
        var head = Substring(text)
        var filterText: Substring?
        var tail: Substring?
        if let open = text.firstIndex(of: "[") {
            guard let close = text.lastIndex(of: "]"), close > open else {
                throw SCIMError.invalidPath("'\(text.prefix(100))': a '[' has no matching ']'.")
            }
            head = text[..<open]
            filterText = text[text.index(after: open)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix("."), rest.count > 1 else { throw SCIMError.invalidPath("'\(text.prefix(100))': after ']' only '.subAttribute' may follow.") }
                tail = rest.dropFirst()
            }
        }
        guard let found = resource.resolve(String(head)) else {
            throw SCIMError.invalidPath("'\(head.prefix(100))' is not an attribute Tandem supports. See /scim/v2/Schemas.")
        }
        let (resolved, attribute) = found
        var top = resolved
        var sub = resolved.subAttribute
        if sub != nil { top = SCIMPath(schema: resolved.schema, attribute: resolved.attribute) }
        guard let parent = resource.parent(of: top) else { throw SCIMError.invalidPath("'\(text.prefix(100))' is not supported.") }
        var filter: SCIMFilter?
        if let filterText {
            guard sub == nil, attribute.kind == .complex, attribute.multiValued else {
                throw SCIMError.invalidPath("'\(head.prefix(100))' is not a multi-valued attribute, so it cannot take '[…]'.")
            }
            filter = try SCIMFilterParser(schema: resource).parse(String(filterText), parent: (top, parent))
        }
        if let tail {
            guard let definition = parent.sub(String(tail)) else {
                throw SCIMError.invalidPath("\(top) has no sub-attribute '\(tail.prefix(60))'.")
            }
            sub = definition.name
        }
        let target = sub.flatMap { parent.sub($0) } ?? parent
        if parent.mutability == .readOnly || target.mutability == .readOnly {
            throw SCIMError.mutability("'\(text.prefix(100))' is read-only.")
        }
        return SCIMPatchPath(attribute: top, filter: filter, subAttribute: sub)
    }
}
