public import Foundation
public import TandemCore

/// The type of a custom attribute. `list` is a choice from a fixed set of options.
public enum AttributeKind: String, Sendable, Codable, CaseIterable {
    case text, number, date, boolean, list
}

/// A field an organisation adds to employee records without code, e.g. `shift` (list: day,
/// night) or `union_member` (boolean). Values are imported (`attr.NAME` columns) and targeted
/// in audience rules (`attr.shift = "night"`). The name is the key everywhere, so it and the
/// kind never change once defined; the label, description, options and HR-only flag may.
public struct AttributeDefinition: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public var id: ID
    public var name: String
    public var label: String
    public var kind: AttributeKind
    /// The allowed values of a `list` attribute, in the order they are offered.
    public var options: [String]
    /// HR-only: seen, imported and targeted only by roles that see pay and benefits.
    public var sensitive: Bool
    public var description: String
    public var updatedBy: String
    public var updatedAt: Date

    public init(id: ID = 0, name: String, label: String, kind: AttributeKind, options: [String] = [], sensitive: Bool = false,
                description: String = "", updatedBy: String = "", updatedAt: Date = Date()) {
        self.id = id
        self.name = name
        self.label = label
        self.kind = kind
        self.options = options
        self.sensitive = sensitive
        self.description = description
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// How rules and import columns name it.
    public var fieldName: String { AttributeDefinition.prefix + name }
    public static let prefix = "attr."

    /// The stored form of one raw value, validated for the kind: nil for an empty cell (no
    /// value). Numbers are kept in a canonical spelling so re-importing them changes nothing.
    public func canonical(_ raw: String) throws -> String? {
        let value = raw.trimmed
        if value.isEmpty { return nil }
        let field = fieldName
        switch kind {
        case .text:
            guard value.count <= AttributeRules.maximumTextLength, !value.contains(where: \.isNewline) else {
                throw AppError.invalid(field, "\(field) must be one line of at most \(AttributeRules.maximumTextLength) characters.")
            }
            return value
        case .number:
            let digits = value.utf8.contains(44) ? value.replacingOccurrences(of: ",", with: "") : value
            guard let number = Double(digits), number.isFinite, abs(number) < 1e15 else {
                throw AppError.invalid(field, "\(field) must be a number such as 12 or 3.5 (got '\(value.prefix(30))').")
            }
            return AttributeValue.canonicalNumber(number)
        case .date:
            return try EmployeeRules.date(value, field: field)
        case .boolean:
            switch value.lowercased() {
            case "1", "true", "yes", "y": return "true"
            case "0", "false", "no", "n": return "false"
            default: throw AppError.invalid(field, "\(field) must be true or false (got '\(value.prefix(30))').")
            }
        case .list:
            if let exact = options.first(where: { $0 == value }) { return exact }
            if let loose = options.first(where: { $0.caseInsensitiveCompare(value) == .orderedSame }) { return loose }
            throw AppError.invalid(field, "\(field) must be one of \(options.map { "\"\($0)\"" }.joined(separator: ", ")) (got '\(value.prefix(40))').")
        }
    }
}

/// Reading stored values back as typed values.
public enum AttributeValue {
    public static func canonicalNumber(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// The number column of a stored value (only numbers have one).
    public static func number(_ stored: String, kind: AttributeKind) -> Double? {
        kind == .number ? Double(stored) : nil
    }
}

/// What a definition must look like.
public enum AttributeRules {
    public static let maximumTextLength = 500
    public static let maximumOptions = 100
    public static let maximumAttributes = 200
    static let reserved: Set<String> = ["id", "status", "audience", "benefits"]

    /// Lower-case letters, digits and `_`, starting with a letter; at most 40 characters.
    public static func name(_ raw: String) throws -> String {
        let name = raw.trimmed
        let bytes = Array(name.utf8)
        guard (1...40).contains(bytes.count), (97...122).contains(bytes[0]),
              bytes.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else {
            throw AppError.invalid("name", "The name must be 1–40 lower-case letters, digits or _, starting with a letter (e.g. shift or union_member). It is how rules and CSV columns name the attribute: attr.NAME.")
        }
        guard !reserved.contains(name) else { throw AppError.invalid("name", "'\(name)' is reserved; choose another name.") }
        return name
    }

    public static func label(_ raw: String) throws -> String {
        let label = raw.trimmed
        guard (1...80).contains(label.count), !label.contains(where: \.isNewline) else {
            throw AppError.invalid("label", "The label must be one line of 1–80 characters.")
        }
        return label
    }

    public static func description(_ raw: String) throws -> String {
        let text = raw.trimmed
        guard text.count <= 500 else { throw AppError.invalid("description", "The description must be at most 500 characters.") }
        return text
    }

    /// Options of a list attribute: 1–100, each one line of 1–80 characters, no repeats.
    public static func options(_ raw: [String], kind: AttributeKind) throws -> [String] {
        let options = raw.map(\.trimmed).filter { !$0.isEmpty }
        guard kind == .list else {
            guard options.isEmpty else { throw AppError.invalid("options", "Only list attributes have options.") }
            return []
        }
        guard (1...maximumOptions).contains(options.count) else {
            throw AppError.invalid("options", "A list attribute needs 1–\(maximumOptions) options, one per line.")
        }
        var seen = Set<String>()
        for option in options {
            guard option.count <= 80, !option.contains(where: \.isNewline) else {
                throw AppError.invalid("options", "Each option must be one line of at most 80 characters.")
            }
            guard seen.insert(option.lowercased()).inserted else { throw AppError.invalid("options", "The option \"\(option)\" appears twice.") }
        }
        return options
    }
}

/// A new or changed definition, validated.
public struct AttributeDraft: Sendable, Equatable {
    public let name: String
    public let label: String
    public let kind: AttributeKind
    public let options: [String]
    public let sensitive: Bool
    public let description: String

    public init(name: String, label: String?, kind: AttributeKind, options: [String], sensitive: Bool, description: String) throws {
        self.name = try AttributeRules.name(name)
        self.label = try AttributeRules.label(label.flatMap { $0.trimmed.isEmpty ? nil : $0 } ?? name.replacingOccurrences(of: "_", with: " ").capitalized)
        self.kind = kind
        self.options = try AttributeRules.options(options, kind: kind)
        self.sensitive = sensitive
        self.description = try AttributeRules.description(description)
    }
}
