public import Foundation

/// A secret iCalendar address that shows the plan (with its filters) in Outlook, Google
/// Calendar or Apple Calendar. Only the token's hash is stored; the address is shown once.
public struct CalendarFeed: Sendable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let userID: Int64
    public let name: String
    public let filter: CalendarFilter
    public let prefix: String
    public let createdAt: Date
    public let lastUsedAt: Date?

    public static let tokenPrefix = "tcal_"
    /// What a feed carries: the last quarter and the year ahead.
    public static let pastDays = 92
    public static let futureDays = 400
    public static let maximumEvents = 10_000

    public static func path(token: String) -> String { "/calendar/feed/\(token).ics" }
}
