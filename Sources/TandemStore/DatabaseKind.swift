/// The two supported engines. Every difference between them is spelled out in `Dialect`.
public enum DatabaseKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { self == .sqlite ? "SQLite" : "PostgreSQL" }
}

/// Where the data lives.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public var kind: DatabaseKind {
        if case .sqlite = self { return .sqlite }
        return .postgres
    }

    /// For logs and errors: never includes a password.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
            let credentials = url[scheme.upperBound..<at]
            let user = credentials.split(separator: ":").first.map(String.init) ?? ""
            return url[..<scheme.upperBound] + user + ":***" + url[at...]
        }
    }
}

/// Timestamps are stored as BIGINT milliseconds since 1970 UTC on both engines: one type,
/// sortable, and no time-zone conversion hidden in a driver.
public enum Millis {
    public static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

import Foundation
