import Foundation
public import TandemCore

/// Input rules for accounts, applied at the edge before anything is written.
public enum AccountRules {
    public static let minimumPasswordLength = 10

    public static func email(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
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
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(name.count), !name.contains(where: { $0.isNewline }) else {
            throw AppError.invalid("display_name", "Enter a name of 1 to 120 characters.")
        }
        return name
    }

    public static func roles(_ raw: [String]) throws -> Set<Role> {
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
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count), !name.contains(where: { $0.isNewline }) else {
            throw AppError.invalid("name", "Enter a team name of 1 to 80 characters.")
        }
        return name
    }

    public static func tokenName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else {
            throw AppError.invalid("name", "Name the token (1 to 80 characters) so you can recognise it later.")
        }
        return name
    }

    /// NIST SP 800-63B: length over composition rules; bcrypt reads only the first 72 bytes,
    /// so longer passwords are refused rather than silently truncated.
    public static func password(_ password: String, email: String?, field: String = "password") throws {
        guard password.count >= minimumPasswordLength else {
            throw AppError.invalid(field, "Use a password of at least \(minimumPasswordLength) characters.")
        }
        guard password.utf8.count <= 72 else {
            throw AppError.invalid(field, "Use a password of at most 72 bytes.")
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
