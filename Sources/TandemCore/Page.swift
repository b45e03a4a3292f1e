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

/// Cursors carry the last row's id (keyset pagination). Clients pass them back unchanged; any
/// string of 1–18 digits is a valid cursor, so the documented pattern and the server agree.
public enum Cursor {
    public static let pattern = "^[0-9]{1,18}$"

    public static func encode(_ id: Int64) -> String { String(id) }

    public static func decode(_ cursor: String?) throws -> Int64? {
        guard let cursor else { return nil }
        guard cursor.count <= 18, cursor.allSatisfy(\.isASCII), cursor.allSatisfy(\.isNumber), let id = Int64(cursor) else {
            throw AppError(.badRequest, code: "invalid_cursor", message: "The cursor is not valid. Start again without 'cursor'.", field: "cursor")
        }
        return id
    }

    /// Parses `limit`, defaulting to 50 and refusing values outside 1...200.
    public static func limit(_ raw: String?, default defaultLimit: Int = 50, max maxLimit: Int = 200) throws -> Int {
        guard let raw else { return defaultLimit }
        guard let value = Int(raw), (1...maxLimit).contains(value) else {
            throw AppError(.badRequest, code: "invalid_limit", message: "'limit' must be a whole number from 1 to \(maxLimit).", field: "limit")
        }
        return value
    }
}
