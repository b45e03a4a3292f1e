public import Foundation

/// One page of a list, with an opaque cursor for the next page (cursor pagination, newest API convention).
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Cursors encode the last row's id; they are opaque to clients but validated on the way in.
public enum Cursor {
    public static func encode(_ id: Int64) -> String {
        Data("v1:\(id)".utf8).base64URLEncoded
    }

    public static func decode(_ cursor: String?) throws -> Int64? {
        guard let cursor, !cursor.isEmpty else { return nil }
        guard let data = Data(base64URLEncoded: cursor), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("v1:"), let id = Int64(text.dropFirst(3)), id >= 0
        else {
            throw AppError(.badRequest, code: "invalid_cursor", message: "The cursor is not valid. Start again without 'cursor'.", field: "cursor")
        }
        return id
    }

    /// Parses `limit`, defaulting to 50 and refusing values outside 1...200.
    public static func limit(_ raw: String?, default defaultLimit: Int = 50, max maxLimit: Int = 200) throws -> Int {
        guard let raw, !raw.isEmpty else { return defaultLimit }
        guard let value = Int(raw), (1...maxLimit).contains(value) else {
            throw AppError(.badRequest, code: "invalid_limit", message: "'limit' must be a whole number from 1 to \(maxLimit).", field: "limit")
        }
        return value
    }
}
