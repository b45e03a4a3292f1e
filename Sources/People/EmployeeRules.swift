import Foundation
public import TandemCore

/// Field rules for employee data, applied wherever records enter (API, import, SCIM, demo).
public enum EmployeeRules {
    static let isoCountries = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 })

    // Imports check millions of cells, and almost all are ASCII: the rules below check ASCII text
    // byte by byte (same verdicts: for ASCII, a Character is one byte, except CR LF, which every
    // rule refuses anyway) and keep the Character-based check for everything else.
    static func isASCII(_ value: String) -> Bool { value.utf8.allSatisfy { $0 < 0x80 } }
    static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) }
    static func isASCIINewline(_ byte: UInt8) -> Bool { (10...13).contains(byte) }
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool { (9...13).contains(byte) || byte == 32 }

    public static func employeeID(_ raw: String) throws -> String {
        let value = raw.trimmed
        let valid = isASCII(value)
            ? (1...64).contains(value.utf8.count) && value.utf8.allSatisfy { isASCIILetterOrDigit($0) || $0 == 45 || $0 == 95 || $0 == 46 }
            : (1...64).contains(value.count) && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        guard valid else {
            throw AppError.invalid("employee_id", "The employee id must be 1–64 letters, digits, '-', '_' or '.' (got '\(raw.prefix(70))').")
        }
        return value
    }

    public static func name(_ raw: String, field: String) throws -> String {
        let value = raw.trimmed
        guard isOneLine(value, length: 1...100) else {
            throw AppError.invalid(field, "\(field) must be 1–100 characters on one line.")
        }
        return value
    }

    public static func optionalText(_ raw: String?, field: String, max: Int = 100) throws -> String? {
        guard let value = raw?.trimmed, !value.isEmpty else { return nil }
        guard isOneLine(value, length: 0...max) else {
            throw AppError.invalid(field, "\(field) must be at most \(max) characters on one line.")
        }
        return value
    }

    static func isOneLine(_ value: String, length: ClosedRange<Int>) -> Bool {
        isASCII(value)
            ? length.contains(value.utf8.count) && !value.utf8.contains(where: isASCIINewline)
            : length.contains(value.count) && !value.contains(where: \.isNewline)
    }

    public static func email(_ raw: String?) throws -> String? {
        guard let value = raw?.trimmed.lowercased(), !value.isEmpty else { return nil }
        let valid: Bool
        if isASCII(value) {
            let bytes = value.utf8
            let at = bytes.firstIndex(of: 64)
            valid = bytes.count <= 254 && at != nil && at != bytes.startIndex && bytes.filter { $0 == 64 }.count == 1
                && bytes[bytes.index(after: at!)...].contains(46) && !bytes.contains(where: isASCIIWhitespace)
        } else {
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            valid = value.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !value.contains(where: \.isWhitespace)
        }
        guard valid else {
            throw AppError.invalid("work_email", "'\(value.prefix(60))' is not an email address.")
        }
        return value
    }

    /// E.164: '+', country code, up to 15 digits. Spaces, dashes and brackets are removed first.
    public static func phone(_ raw: String?) throws -> String? {
        guard let raw, !raw.trimmed.isEmpty else { return nil }
        if isASCII(raw) {
            // Space, '-', '(', ')' and '.' are dropped; then '+', a non-zero digit and 7–15 digits in all.
            let compact = raw.utf8.filter { $0 != 32 && $0 != 45 && $0 != 40 && $0 != 41 && $0 != 46 }
            guard compact.first == 43, (8...16).contains(compact.count), compact.dropFirst().allSatisfy({ (48...57).contains($0) }), compact.dropFirst().first != 48 else {
                throw AppError.invalid("mobile_phone", "'\(raw.prefix(30))' is not a phone number in international form such as +44 20 7946 0958.")
            }
            return String(decoding: compact, as: UTF8.self)
        }
        let compact = raw.filter { !" -().".contains($0) }
        guard compact.hasPrefix("+"), (8...16).contains(compact.count), compact.dropFirst().allSatisfy(\.isNumber), compact.dropFirst().first != "0" else {
            throw AppError.invalid("mobile_phone", "'\(raw.prefix(30))' is not a phone number in international form such as +44 20 7946 0958.")
        }
        return compact
    }

    /// A BCP 47 tag such as en, en-GB, pt-BR, zh-Hant-TW (RFC 5646 shape; not every subtag is checked).
    public static func language(_ raw: String?) throws -> String {
        guard let value = raw?.trimmed, !value.isEmpty else { return "en" }
        let subtags = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (2...3).contains(first.count), first.allSatisfy(\.isLetter),
            subtags.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isLetter || $0.isNumber } })
        else {
            throw AppError.invalid("language", "'\(value.prefix(20))' is not a language tag such as en, de-DE or pt-BR.")
        }
        var normal = [first.lowercased()]
        for subtag in subtags.dropFirst() {
            normal.append(subtag.count == 2 ? subtag.uppercased() : subtag.count == 4 ? subtag.prefix(1).uppercased() + subtag.dropFirst().lowercased() : subtag.lowercased())
        }
        return normal.joined(separator: "-")
    }

    static let knownTimeZones = Set(TimeZone.knownTimeZoneIdentifiers)

    public static func timeZone(_ raw: String?) throws -> String {
        guard let value = raw?.trimmed, !value.isEmpty else { return "UTC" }
        guard knownTimeZones.contains(value) || (value.contains("/") && TimeZone(identifier: value) != nil) || value == "UTC" else {
            throw AppError.invalid("time_zone", "'\(value.prefix(40))' is not an IANA time zone such as Europe/Berlin.")
        }
        return value
    }

    public static func country(_ raw: String) throws -> String {
        let value = raw.trimmed.uppercased()
        guard isoCountries.contains(value) else {
            throw AppError.invalid("country", "'\(raw.prefix(20))' is not an ISO 3166 country code such as US, DE or BR.")
        }
        return value
    }

    /// A calendar day as YYYY-MM-DD (Gregorian; checked by arithmetic, not a Calendar, since
    /// imports check hundreds of thousands of dates).
    public static func date(_ raw: String?, field: String) throws -> String? {
        guard let value = raw?.trimmed, !value.isEmpty else { return nil }
        let bytes = Array(value.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                result = result * 10 + Int(byte - 48)
            }
            return result
        }
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1900...2200).contains(year), (1...12).contains(month)
        else {
            throw AppError.invalid(field, "\(field) must be a date written YYYY-MM-DD (got '\(value.prefix(20))').")
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else {
            throw AppError.invalid(field, "\(field) must be a real date; \(value) does not exist.")
        }
        return value
    }

    public static func today(_ now: Date = Date()) -> String {
        now.formatted(Date.ISO8601FormatStyle().year().month().day())
    }
}
