import Foundation

/// A JSON value as SCIM clients send it and as Tandem answers. Objects keep their key order so
/// responses read in the order RFC 7643 lists attributes.
public indirect enum SCIMNode: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SCIMNode])
    case object([(String, SCIMNode)])

    public static func == (lhs: SCIMNode, rhs: SCIMNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The value under `key`, matched case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive).
    public subscript(key: String) -> SCIMNode? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1 ?? pairs.first { $0.0.lowercased() == key.lowercased() }?.1
    }

    public var object: [(String, SCIMNode)]? { if case .object(let pairs) = self { pairs } else { nil } }
    public var array: [SCIMNode]? { if case .array(let values) = self { values } else { nil } }
    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// Sets (or with nil removes) `key`, replacing a key that differs only in case.
    public mutating func set(_ key: String, _ value: SCIMNode?) {
        var pairs = object ?? []
        let index = pairs.firstIndex { $0.0.lowercased() == key.lowercased() }
        switch (index, value) {
        case (let index?, let value?): pairs[index] = (key, value)
        case (let index?, nil): pairs.remove(at: index)
        case (nil, let value?): pairs.append((key, value))
        case (nil, nil): break
        }
        self = .object(pairs)
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            // Key order is not preserved by JSONDecoder; it does not matter for input.
            self = .object(try container.allKeys.sorted { $0.stringValue < $1.stringValue }.map { ($0.stringValue, try container.decode(SCIMNode.self, forKey: $0)) })
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var values: [SCIMNode] = []
            while !container.isAtEnd { values.append(try container.decode(SCIMNode.self)) }
            self = .array(values)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .object(let pairs):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in pairs { try container.encode(value, forKey: Key(key)) }
        }
    }

    /// Parses a request body; anything that is not JSON is `invalidSyntax`.
    public static func parse(_ data: Data) throws -> SCIMNode {
        guard !data.isEmpty else { throw SCIMError.invalidSyntax("The request body is empty; send a JSON object.") }
        do {
            return try JSONDecoder().decode(SCIMNode.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(detail.prefix(200))")
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON.")
        }
    }

    /// Compact JSON with keys in their stored order (JSONEncoder would reorder them).
    public func encoded() -> Data {
        var out = ""
        write(to: &out)
        return Data(out.utf8)
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { out += String(Int64(value)) } else if value.isFinite { out += "\(value)" } else { out += "null" }
        case .string(let value): Self.quote(value, into: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// RFC 8259 §7 string escaping.
    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
