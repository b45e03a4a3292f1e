/// Attribute definitions (RFC 7643 §2, §7). They drive validation, case-insensitive name
/// resolution, filters, PATCH paths and the `/Schemas` discovery document, so what Tandem
/// advertises is exactly what it checks.
public struct SCIMAttribute: Sendable {
    public enum Kind: String, Sendable { case string, boolean, decimal, integer, dateTime, reference, complex }
    public enum Mutability: String, Sendable { case readOnly, readWrite, immutable, writeOnly }
    public enum Returned: String, Sendable { case always, never, `default`, request }

    public let name: String
    public let kind: Kind
    public let multiValued: Bool
    public let required: Bool
    public let caseExact: Bool
    public let mutability: Mutability
    public let returned: Returned
    public let unique: Bool
    public let description: String
    public let canonicalValues: [String]
    public let subAttributes: [SCIMAttribute]

    public init(
        _ name: String, type kind: Kind = .string, multiValued: Bool = false, required: Bool = false, caseExact: Bool = false,
        mutability: Mutability = .readWrite, returned: Returned = .default, unique: Bool = false, canonicalValues: [String] = [],
        _ description: String, sub: [SCIMAttribute] = []
    ) {
        self.name = name
        self.kind = kind
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.unique = unique
        self.description = description
        self.canonicalValues = canonicalValues
        self.subAttributes = sub
    }

    public func sub(_ name: String) -> SCIMAttribute? {
        subAttributes.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// One schema: the core User schema or an extension.
public struct SCIMSchemaDefinition: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let attributes: [SCIMAttribute]

    public func attribute(_ name: String) -> SCIMAttribute? {
        attributes.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// A resolved attribute path such as `name.givenName` or the enterprise `manager.value`.
public struct SCIMPath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN the attribute belongs to.
    public let schema: String
    public let attribute: String
    public let subAttribute: String?

    public init(schema: String, attribute: String, subAttribute: String? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// Core attributes print bare; extension attributes with their URN prefix.
    public var description: String {
        let base = schema == SCIMUserSchema.core.id ? attribute : schema + ":" + attribute
        return subAttribute.map { base + "." + $0 } ?? base
    }

    /// The dotted name inside its schema (`name.givenName`), used as the key of column maps.
    public var key: String { subAttribute.map { attribute + "." + $0 } ?? attribute }
}

/// A resource type's schemas, and the one place attribute names are resolved.
public struct SCIMResourceSchema: Sendable {
    public let core: SCIMSchemaDefinition
    public let extensions: [SCIMSchemaDefinition]

    public var all: [SCIMSchemaDefinition] { [core] + extensions }

    public func schema(_ urn: String) -> SCIMSchemaDefinition? {
        all.first { $0.id.lowercased() == urn.lowercased() }
    }

    /// Resolves `[urn:]attr[.sub]`, case-insensitively, to canonical names; nil if unknown.
    public func resolve(_ raw: String) -> (SCIMPath, SCIMAttribute)? {
        var schemaDefinition = core
        var rest = Substring(raw)
        if let extensionSchema = all.first(where: { raw.lowercased().hasPrefix($0.id.lowercased() + ":") }) {
            schemaDefinition = extensionSchema
            rest = raw.dropFirst(extensionSchema.id.count + 1)
        }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let attribute = schemaDefinition.attribute(String(first)) else { return nil }
        if parts.count == 2 {
            guard let sub = attribute.sub(String(parts[1])) else { return nil }
            return (SCIMPath(schema: schemaDefinition.id, attribute: attribute.name, subAttribute: sub.name), sub)
        }
        return (SCIMPath(schema: schemaDefinition.id, attribute: attribute.name), attribute)
    }

    /// The definition of a resolved path's top-level attribute.
    public func parent(of path: SCIMPath) -> SCIMAttribute? {
        schema(path.schema)?.attribute(path.attribute)
    }
}
