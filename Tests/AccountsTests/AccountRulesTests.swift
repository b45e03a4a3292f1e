import Accounts
import TandemCore
import Testing

@Suite("Account rules")
struct AccountRulesTests {
    @Test("emails are trimmed and lower-cased", arguments: [("  Ana@Example.COM ", "ana@example.com"), ("x@localhost", "x@localhost")])
    func normalisesEmail(raw: String, expected: String) throws {
        #expect(try AccountRules.email(raw) == expected)
    }

    @Test("malformed emails are refused with the field named", arguments: ["", "no-at-sign", "@example.com", "a@", "a b@example.com", "a@b@c", "a@.example.com", String(repeating: "a", count: 250) + "@x.io"])
    func refusesEmail(raw: String) {
        #expect(throws: AppError.invalid("email", "Enter an email address like name@example.com.")) { try AccountRules.email(raw) }
    }

    @Test("roles must be known staff roles and at least one")
    func roles() throws {
        #expect(try AccountRules.roles(["HR", "comms", "hr"]) == [.hr, .comms])
        #expect(throws: AppError.self) { try AccountRules.roles([]) }
        #expect(throws: AppError.self) { try AccountRules.roles(["employee"]) }
        #expect(throws: AppError.self) { try AccountRules.roles(["superuser"]) }
    }

    @Test("passwords: 10 to 128 characters, not the email")
    func passwords() throws {
        try AccountRules.password("a sensible passphrase", email: "a@b.c")
        try AccountRules.password(String(repeating: "é", count: 128), email: nil)
        #expect(throws: AppError.self) { try AccountRules.password("short", email: nil) }
        #expect(throws: AppError.self) { try AccountRules.password(String(repeating: "é", count: 129), email: nil) }
        #expect(throws: AppError.self) { try AccountRules.password("ten chars\u{0}!", email: nil) }
        #expect(throws: AppError.self) { try AccountRules.password("Person@Example.com", email: "person@example.com") }
    }

    @Test("every character of a long password counts, beyond bcrypt's 72 bytes")
    func longPasswords() async throws {
        let hasher = PasswordHasher(cost: 4)
        let long = String(repeating: "x", count: 80) + "tail-one"
        let hash = try await hasher.hash(long)
        #expect(try await hasher.verify(long, against: hash))
        #expect(try await !hasher.verify(String(repeating: "x", count: 80) + "tail-two", against: hash))
    }

    @Test("one-line names refuse control characters and say why", arguments: ["a\u{0}b", "line\nbreak", "tab\there", "sep\u{2028}x"])
    func controlCharacters(raw: String) {
        do {
            _ = try AccountRules.teamName(raw)
            Issue.record("should refuse \(raw.debugDescription)")
        } catch let error as AppError {
            #expect(error.message.contains("control characters"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("only same-site paths are accepted after sign-in", arguments: [
        ("/admin/users", "/admin/users"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"), (nil, "/"), ("/a\r\nSet-Cookie: x", "/"),
    ])
    func nextPath(raw: String?, expected: String) {
        #expect(AccountRules.safeNextPath(raw) == expected)
    }

    @Test("temporary passwords are 16 readable characters and differ")
    func temporaryPasswords() {
        let a = AccountRules.temporaryPassword()
        let b = AccountRules.temporaryPassword()
        #expect(a.count == 16 && b.count == 16 && a != b)
        #expect(!a.contains("0") && !a.contains("O") && !a.contains("l"))
    }
}
