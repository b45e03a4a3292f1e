import Crypto
public import Foundation

/// The SHA-256 of a blob's bytes, as 64 lower-case hex digits: its name in every `BlobStore`.
/// Equal content gets an equal key, so storing a file twice keeps one copy.
public struct BlobKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public let hex: String

    /// Accepts only a well-formed key, so a key taken from a URL can never name another path.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        self.hex = hex
    }

    public init(of bytes: Data) {
        hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let key = BlobKey(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Not a SHA-256 blob key: \(text.prefix(70))"))
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
