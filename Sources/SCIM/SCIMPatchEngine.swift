/// Applies PATCH operations to a rendered resource (RFC 7644 §3.5.2.1–3). The result is read
/// back like a PUT body, so a PATCH can never store what a PUT could not. Tandem keeps one
/// value per `type` of a multi-valued attribute, so `add` replaces an element of the same type.
public struct SCIMPatchEngine: Sendable {
    let resource: SCIMResourceSchema

    public init(resource: SCIMResourceSchema) {
        self.resource = resource
    }

    public func apply(_ operations: [SCIMPatchOperation], to node: SCIMNode) throws -> SCIMNode {
        var result = node
        for operation in operations {
            if let path = operation.path {
                try apply(operation.op, path, operation.value, to: &result)
            } else {
                // No path: each key of the value object is a path of its own (Entra ID sends
                // {"active": false} and also "urn:…:User:department" style keys).
                for (key, value) in operation.value?.object ?? [] {
                    if let schema = resource.extensions.first(where: { $0.id.lowercased() == key.lowercased() }) {
                        guard let inner = value.object else { throw SCIMError.invalidValue("'\(schema.id)' must be an object, not \(value.typeName).") }
                        for (name, subValue) in inner {
                            try apply(operation.op, try SCIMPatchRequest.parsePath(schema.id + ":" + name, resource: resource), subValue, to: &result)
                        }
                        continue
                    }
                    if key.lowercased() == "schemas" { continue }
                    try apply(operation.op, try SCIMPatchRequest.parsePath(key, resource: resource), value, to: &result)
                }
            }
        }
        return result
    }

    func apply(_ op: SCIMPatchOperation.Op, _ path: SCIMPatchPath, _ value: SCIMNode?, to root: inout SCIMNode) throws {
        let isCore = path.attribute.schema == resource.core.id
        var container = isCore ? root : (root[path.attribute.schema] ?? .object([]))
        guard let definition = resource.parent(of: path.attribute) else { throw SCIMError.invalidPath("\(path.attribute) is not supported.") }
        let name = definition.name
        let current = container[name]

        if let filter = path.filter {
            var elements = current?.array ?? []
            let evaluator = SCIMFilterEvaluator(schema: resource)
            let matched = elements.indices.filter { evaluator.evaluate(filter, root, element: elements[$0]) }
            switch op {
            case .remove:
                if let sub = path.subAttribute {
                    for index in matched { elements[index].set(sub, nil) }
                } else {
                    elements = elements.indices.filter { !matched.contains($0) }.map { elements[$0] }
                }
            case .add, .replace:
                let newValue = path.subAttribute.map { SCIMNode.object([($0, value ?? .null)]) } ?? value ?? .null
                guard let fields = newValue.object else {
                    throw SCIMError.invalidValue("The value for \(path.attribute)[…] must be an object, not \(newValue.typeName).")
                }
                if matched.isEmpty {
                    // emails[type eq "work"].value on a user without a work email: create it,
                    // as Entra ID expects; any other filter has nothing to target.
                    guard case .compare(let target, .eq, .string(let wanted)) = filter, let sub = target.subAttribute else {
                        throw SCIMError.noTarget("No element of \(path.attribute) matches the filter.")
                    }
                    var element = SCIMNode.object([(sub, .string(wanted))])
                    for (key, field) in fields { element.set(key, field) }
                    elements.append(element)
                } else {
                    for index in matched { for (key, field) in fields { elements[index].set(key, field) } }
                }
            }
            container.set(name, elements.isEmpty ? nil : .array(elements))
        } else if let sub = path.subAttribute {
            if definition.multiValued {
                var elements = current?.array ?? []
                if elements.isEmpty, op != .remove { elements = [.object([])] }
                for index in elements.indices { elements[index].set(sub, op == .remove ? nil : value) }
                container.set(name, .array(elements))
            } else {
                var object = current?.object.map(SCIMNode.object) ?? .object([])
                object.set(sub, op == .remove ? nil : value)
                container.set(name, object)
            }
        } else {
            switch op {
            case .remove:
                container.set(name, nil)
            case .replace where definition.multiValued:
                container.set(name, Self.asArray(value))
            case .add where definition.multiValued:
                var elements = current?.array ?? []
                for element in Self.asArray(value).array ?? [] {
                    if let type = element["type"]?.string?.lowercased() {
                        elements.removeAll { $0["type"]?.string?.lowercased() == type }
                    }
                    elements.append(element)
                }
                container.set(name, .array(elements))
            case .add, .replace:
                if definition.kind == .complex, let fields = value?.object, var merged = current, merged.object != nil {
                    // Sub-attributes not named keep their values (RFC 7644 §3.5.2.1 and .3).
                    for (key, field) in fields { merged.set(key, field) }
                    container.set(name, merged)
                } else if definition.kind == .complex, let value, value.object == nil, !value.isNull, definition.sub("value") != nil {
                    container.set(name, .object([("value", value)]))  // Entra ID: manager as a bare id
                } else {
                    container.set(name, value)
                }
            }
        }
        if isCore { root = container } else { root.set(path.attribute.schema, container) }
    }

    static func asArray(_ value: SCIMNode?) -> SCIMNode {
        guard let value, !value.isNull else { return .array([]) }
        return value.array != nil ? value : .array([value])
    }
}
