import Foundation
public import TandemCore

/// Input rules for accounts, applied at the edge before anything is written.
public enum AccountRules {
    public static let minimumPasswordLength = 10

    public static func email(_ raw: String) throws -> String {
        let email = raw.trimmed.lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !email.contains(where: { $0.isWhitespace || $0 == "," || $0 == "<" || $0 == ">" }),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else {
            throw AppError.invalid("email", "Enter an email address like name@example.com.")
        }
        return email
    }

    public static func displayName(_ raw: String) throws -> String {
        try TextRules.singleLine(raw, field: "display_name", label: "The name", range: 1...120)
    }

    public static func roles(_ raw: [String]) throws -> Set<Role> {
        guard raw.count <= Role.staff.count else {
            throw AppError.invalid("roles", "List each role once; there are only \(Role.staff.count) staff roles.")
        }
        var roles = Set<Role>()
        for value in raw {
            guard let role = Role(rawValue: value.lowercased()), Role.staff.contains(role) else {
                throw AppError.invalid("roles", "Unknown role '\(value)'. Choose from: \(Role.staff.map(\.rawValue).joined(separator: ", ")).")
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw AppError.invalid("roles", "Give the user at least one role.") }
        return roles
    }

    public static func teamName(_ raw: String) throws -> String {
        try TextRules.singleLine(raw, field: "name", label: "The team name", range: 1...80)
    }

    public static func tokenName(_ raw: String) throws -> String {
        try TextRules.singleLine(raw, field: "name", label: "The token name", range: 1...80)
    }

    public static let maximumPasswordLength = 128

    /// NIST SP 800-63B: length over composition rules. (Passwords over bcrypt's 72-byte input
    /// are pre-hashed by `PasswordHasher`, so no part of them is ignored.)
    public static func password(_ password: String, email: String?, field: String = "password") throws {
        guard password.unicodeScalars.count >= minimumPasswordLength else {
            throw AppError.invalid(field, "Use a password of at least \(minimumPasswordLength) characters.")
        }
        guard password.unicodeScalars.count <= maximumPasswordLength, !password.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw AppError.invalid(field, "Use a password of at most \(maximumPasswordLength) characters.")
        }
        if let email, password.lowercased() == email.lowercased() {
            throw AppError.invalid(field, "The password must not be your email address.")
        }
    }

    /// A temporary password that is easy to read aloud (no 0/O, 1/l).
    public static func temporaryPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Only same-site paths may be used as a post-sign-in destination (no open redirect).
    public static func safeNextPath(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\"), !raw.contains("\r"), !raw.contains("\n")
        else { return "/" }
        return raw
    }
}
