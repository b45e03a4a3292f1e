/// Reads CSV (RFC 4180) records from UTF-8 bytes, with the file line each record starts on.
///
/// Written for the import's volume: it walks bytes, and makes one `String` per field. The
/// general-purpose reader it replaces went through an `AnyIterator` of Unicode scalars and was
/// most of the CSV time in profiles (docs/PERFORMANCE.md). Rules:
/// - fields are separated by `,` and records by LF, CRLF or a lone CR;
/// - a field that starts with `"` is quoted: `""` inside it is one `"`, and commas and line breaks
///   are data. Text after its closing quote is kept as data (lenient, as spreadsheets write it);
/// - a quote that never closes runs to the end of the file, so the record comes out with too few
///   fields and the import reports it on the line where it started.
struct CSVRecords: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position = 0
    /// The line the next record starts on (1-based).
    private var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    private static let comma: UInt8 = 44, quote: UInt8 = 34, lf: UInt8 = 10, cr: UInt8 = 13

    mutating func next() -> (line: Int, fields: [String])? {
        guard position < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        fields.reserveCapacity(24)
        while true {
            let (field, endOfRecord) = readField()
            fields.append(field)
            if endOfRecord { break }
        }
        return (startLine, fields)
    }

    /// Reads one field and the separator after it; true when that ended the record (or the file).
    private mutating func readField() -> (String, Bool) {
        let count = bytes.count
        if position < count, bytes[position] == Self.quote {
            position += 1
            var value: [UInt8] = []
            var quoted = true
            while position < count {
                let byte = bytes[position]
                if quoted {
                    if byte == Self.quote {
                        if position + 1 < count, bytes[position + 1] == Self.quote {
                            value.append(Self.quote)
                            position += 2
                            continue
                        }
                        quoted = false
                        position += 1
                        continue
                    }
                    if byte == Self.lf || (byte == Self.cr && !(position + 1 < count && bytes[position + 1] == Self.lf)) { line += 1 }
                    value.append(byte)
                    position += 1
                } else {
                    if byte == Self.comma || byte == Self.lf || byte == Self.cr { break }
                    value.append(byte)
                    position += 1
                }
            }
            return (String(decoding: value, as: UTF8.self), consumeSeparator())
        }
        let start = position
        while position < count {
            let byte = bytes[position]
            if byte == Self.comma || byte == Self.lf || byte == Self.cr { break }
            position += 1
        }
        let value = String(decoding: bytes[start..<position], as: UTF8.self)
        return (value, consumeSeparator())
    }

    /// Steps over a comma (false) or a record end (true); the end of the file ends the record.
    private mutating func consumeSeparator() -> Bool {
        guard position < bytes.count else { return true }
        let byte = bytes[position]
        position += 1
        if byte == Self.comma { return false }
        if byte == Self.cr, position < bytes.count, bytes[position] == Self.lf { position += 1 }
        line += 1
        return true
    }
}
