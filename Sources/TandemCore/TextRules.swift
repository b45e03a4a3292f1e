/// Rules for free text that every feature shares.
public enum TextRules {
    /// Control characters (C0, DEL, C1), line and paragraph separators: never valid in a
    /// one-line field, and NUL cannot be stored by PostgreSQL at all.
    public static func isForbiddenInLine(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// A trimmed one-line value of `range` characters, or a 422 naming the field and the reason.
    public static func singleLine(_ raw: String, field: String, label: String? = nil, range: ClosedRange<Int>) throws -> String {
        let value = raw.trimmed
        let name = label ?? field
        if value.unicodeScalars.contains(where: isForbiddenInLine) {
            throw AppError.invalid(field, "\(name) must be one line without control characters.")
        }
        // JSON Schema counts code points, so the documented limits and this check agree.
        guard range.contains(value.unicodeScalars.count) else {
            throw AppError.invalid(field, range.lowerBound > 0 && value.isEmpty
                ? "\(name) is required." : "\(name) must be \(range.lowerBound) to \(range.upperBound) characters.")
        }
        return value
    }

    /// JSON Schema pattern matching what `singleLine` accepts (ECMA-262 syntax).
    public static let singleLinePattern = "^(?=.*\\S)[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$"
}

extension StringProtocol {
    /// Trims white space at both ends. Foundation's `trimmingCharacters(in:)` goes through
    /// NSString on Linux and dominated the import profile; this stays in Swift and returns at
    /// once when there is nothing to trim.
    public var trimmed: String {
        // Most cells start and end with an ASCII letter or digit: then there is nothing to trim,
        // and checking two bytes avoids finding the last grapheme cluster (a Unicode property
        // lookup that was 11% of the import profile). A cluster that ends in an ASCII byte other
        // than a line feed cannot be white space, nor can one that starts with such a byte.
        let string = String(self)
        guard let firstByte = string.utf8.first, let lastByte = string.utf8.last else { return "" }
        func isASCIIText(_ byte: UInt8) -> Bool { byte > 32 && byte < 127 }
        if isASCIIText(firstByte) && isASCIIText(lastByte) { return string }
        guard let first = first, let last = last else { return "" }
        if !first.isWhitespace && !last.isWhitespace { return String(self) }
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[start...end])
    }
}
