/// For bodies decoded with `RouteTable.FieldCheck.handler`: refuses a field the request does
/// not name, with the same error the table gives at the edge, while the body is decoded once.
public struct StrictKeys: CodingKey {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }

    /// Throws `unknown_field` when the object `decoder` is at has a key outside `known`, given
    /// as the decoder sees them (camelCase: `JSONCoding.decoder` converts from snake_case).
    public static func check(_ decoder: any Decoder, known: Set<String>) throws {
        let keys = try decoder.container(keyedBy: StrictKeys.self).allKeys.map(\.stringValue)
        guard let unknown = keys.filter({ !known.contains($0) }).sorted().first else { return }
        let field = String(unknown.snakeCased.prefix(60))
        throw AppError(.unprocessableContent, code: "unknown_field",
                       message: "'\(field)' is not a field of this request. Known fields: \(known.map(\.snakeCased).sorted().joined(separator: ", ")).",
                       field: field)
    }
}
