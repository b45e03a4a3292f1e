public import Foundation

/// A decoded `application/x-www-form-urlencoded` body. Repeated names (checkboxes) keep every value.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    private static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The trimmed value, or nil when absent or blank.
    public func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmed, !value.isEmpty else {
            return nil
        }
        return value
    }

    public func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public func has(_ name: String) -> Bool { fields.contains { $0.name == name } }
}
