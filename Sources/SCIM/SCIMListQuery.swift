import Foundation

/// The query of a list or search request (RFC 7644 §3.4.2): filter, sort, paging, projection.
public struct SCIMListQuery: Sendable, Equatable {
    public static let defaultCount = 100
    /// Larger `count` values are lowered to this (RFC 7644 §3.4.2.4 lets the provider return
    /// fewer; ServiceProviderConfig advertises it as filter.maxResults).
    public static let maxResults = 200

    public var filter: SCIMFilter?
    public var sortBy: SCIMPath?
    public var descending = false
    /// 1-based.
    public var startIndex = 1
    public var count = defaultCount
    public var attributes: [SCIMPath] = []
    public var excludedAttributes: [SCIMPath] = []

    public init() {}

    /// Reads the parameters by name (case-insensitively), from a query string or a .search body.
    public static func read(_ value: (String) -> String?, resource: SCIMResourceSchema) throws -> SCIMListQuery {
        var query = SCIMListQuery()
        if let text = value("filter") { query.filter = try SCIMFilterParser(schema: resource).parse(text) }
        if let text = value("sortBy"), !text.isEmpty {
            guard let found = resource.resolve(text), found.1.kind != .complex else {
                throw SCIMError.invalidValue("sortBy: '\(text.prefix(80))' is not an attribute Tandem can sort by.", field: "sortBy")
            }
            query.sortBy = found.0
        }
        switch value("sortOrder")?.lowercased() {
        case nil, "ascending": break
        case "descending": query.descending = true
        default: throw SCIMError.invalidValue("sortOrder must be ascending or descending.", field: "sortOrder")
        }
        if let text = value("startIndex") {
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw SCIMError.invalidValue("startIndex must be a whole number (1 for the first result).", field: "startIndex")
            }
            query.startIndex = max(1, number)  // RFC 7644 §3.4.2.4: values below 1 mean 1
        }
        if let text = value("count") {
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw SCIMError.invalidValue("count must be a whole number from 0 to \(maxResults).", field: "count")
            }
            query.count = min(max(0, number), maxResults)
        }
        query.attributes = try paths(value("attributes"), "attributes", resource: resource)
        query.excludedAttributes = try paths(value("excludedAttributes"), "excludedAttributes", resource: resource)
        guard query.attributes.isEmpty || query.excludedAttributes.isEmpty else {
            throw SCIMError.invalidValue("Send attributes or excludedAttributes, not both.")
        }
        return query
    }

    static func paths(_ text: String?, _ name: String, resource: SCIMResourceSchema) throws -> [SCIMPath] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { raw in
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let found = resource.resolve(trimmed) { return found.0 }
            // A whole extension by its URN.
            if let schema = resource.schema(trimmed) { return SCIMPath(schema: schema.id, attribute: "") }
            throw SCIMError.invalidValue("\(name): '\(trimmed.prefix(80))' is not an attribute Tandem supports.", field: name)
        }
    }
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5). `schemas` and `id` are always
/// returned; paths name attributes, sub-attributes, or a whole extension by its URN.
public enum SCIMProjection {
    public static func apply(_ node: SCIMNode, _ query: SCIMListQuery, core: String) -> SCIMNode {
        if !query.attributes.isEmpty { return keep(node, query.attributes, core: core) }
        if !query.excludedAttributes.isEmpty { return drop(node, query.excludedAttributes, core: core) }
        return node
    }

    static func keep(_ node: SCIMNode, _ paths: [SCIMPath], core: String) -> SCIMNode {
        var result = SCIMNode.object([])
        for (key, value) in node.object ?? [] {
            if key == "schemas" || key == "id" { result.set(key, value); continue }
            let isExtension = key.hasPrefix("urn:")
            let wanted = paths.filter { isExtension ? $0.schema == key : ($0.schema == core && $0.attribute == key) }
            guard !wanted.isEmpty else { continue }
            if !isExtension {
                result.set(key, narrow(value, wanted.compactMap(\.subAttribute), whole: wanted.contains { $0.subAttribute == nil }))
                continue
            }
            if wanted.contains(where: { $0.attribute.isEmpty }) { result.set(key, value); continue }
            var inner = SCIMNode.object([])
            for (name, field) in value.object ?? [] {
                let forField = wanted.filter { $0.attribute == name }
                guard !forField.isEmpty else { continue }
                inner.set(name, narrow(field, forField.compactMap(\.subAttribute), whole: forField.contains { $0.subAttribute == nil }))
            }
            result.set(key, inner)
        }
        return result
    }

    /// Only the named sub-attributes of a complex value (each element of a multi-valued one).
    static func narrow(_ value: SCIMNode, _ subs: [String], whole: Bool) -> SCIMNode {
        guard !whole else { return value }
        func only(_ element: SCIMNode) -> SCIMNode { .object((element.object ?? []).filter { subs.contains($0.0) }) }
        if let list = value.array { return .array(list.map(only)) }
        return only(value)
    }

    static func drop(_ node: SCIMNode, _ paths: [SCIMPath], core: String) -> SCIMNode {
        var result = node
        for path in paths {
            if path.schema == core {
                if path.attribute == "id" { continue }
                result = remove(path, from: result)
            } else if path.attribute.isEmpty {
                result.set(path.schema, nil)
            } else if var inner = result[path.schema] {
                inner = remove(SCIMPath(schema: core, attribute: path.attribute, subAttribute: path.subAttribute), from: inner)
                result.set(path.schema, inner)
            }
        }
        return result
    }

    static func remove(_ path: SCIMPath, from container: SCIMNode) -> SCIMNode {
        var result = container
        guard let sub = path.subAttribute else {
            result.set(path.attribute, nil)
            return result
        }
        guard var value = result[path.attribute] else { return result }
        if var list = value.array {
            for index in list.indices { list[index].set(sub, nil) }
            value = .array(list)
        } else {
            value.set(sub, nil)
        }
        result.set(path.attribute, value)
        return result
    }
}
