/// Builds CSV (RFC 4180) with cells that spreadsheets cannot run as formulas (OWASP CSV injection).
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init(header: [String]) {
        append(header)
    }

    public mutating func append(_ row: [String]) {
        text += Self.line(row)
    }

    /// One CSV line with its line break, for writers that stream rows instead of collecting them.
    public static func line(_ row: [String]) -> String {
        row.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.first, "=+-@\t\r".contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            value = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
