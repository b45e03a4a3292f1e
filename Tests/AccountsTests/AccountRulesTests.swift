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

    @Test("passwords: long enough, at most 72 bytes, not the email")
    func passwords() throws {
        try AccountRules.password("a sensible passphrase", email: "a@b.c")
        #expect(throws: AppError.self) { try AccountRules.password("short", email: nil) }
        #expect(throws: AppError.self) { try AccountRules.password(String(repeating: "é", count: 40), email: nil) }
        #expect(throws: AppError.self) { try AccountRules.password("Person@Example.com", email: "person@example.com") }
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
