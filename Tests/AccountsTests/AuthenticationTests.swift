import Accounts
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Sessions, tokens, sign-in and setup")
struct AuthenticationTests {
    @Test("a session resolves to its user until it expires", arguments: TestDatabase.kinds)
    func sessions(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            let user = try await accounts.makeUser("s@example.com", roles: [.comms])
            let session = try await accounts.sessions.create(userID: user.id, email: user.email, lifetime: .seconds(60), by: testActor)
            let identity = try #require(try await accounts.sessions.identity(forToken: session.token))
            #expect(identity.userID == user.id && identity.roles == [.comms])
            #expect(identity.csrfToken == session.csrfToken)
            #expect(try await accounts.sessions.identity(forToken: session.token, now: Date().addingTimeInterval(61)) == nil)
            #expect(try await accounts.sessions.identity(forToken: "forged") == nil)
            try await accounts.sessions.delete(id: session.id)
            #expect(try await accounts.sessions.identity(forToken: session.token) == nil)
        }
    }

    @Test("API tokens resolve until revoked; only their hash is stored", arguments: TestDatabase.kinds)
    func tokens(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, database: Database) async throws in
            let user = try await accounts.makeUser("t@example.com", roles: [.analyst])
            let (token, secret) = try await accounts.tokens.create(userID: user.id, name: "script", by: testActor)
            #expect(secret.hasPrefix("tdm_") && secret.hasPrefix(token.prefix))
            let stored = try await database.reader.raw("SELECT token_hash FROM api_tokens").first()!.decode(column: "token_hash", as: String.self)
            #expect(stored == Secrets.sha256Hex(secret) && !stored.contains(secret))
            #expect(try await accounts.tokens.identity(forSecret: secret)?.roles == [.analyst])
            #expect(try await accounts.tokens.identity(forSecret: secret + "x") == nil)
            #expect(try await accounts.tokens.identity(forSecret: "not-a-token") == nil)
            let other = try await accounts.makeUser("o@example.com")
            await #expect(throws: AppError.notFound("Token \(token.id)")) { try await accounts.tokens.revoke(id: token.id, userID: other.id, by: testActor) }
            try await accounts.tokens.revoke(id: token.id, userID: user.id, by: testActor)
            #expect(try await accounts.tokens.identity(forSecret: secret) == nil)
            #expect(try await accounts.tokens.list(userID: user.id).first?.revokedAt != nil)
        }
    }

    @Test("sign-in checks the password and locks an account after 5 failures", arguments: TestDatabase.kinds)
    func signIn(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, database: Database) async throws in
            _ = try await accounts.makeUser("ana@example.com", password: "correct horse battery")
            let (user, session) = try await accounts.signIn.signIn(email: " ANA@example.com", password: "correct horse battery", address: "10.0.0.1", requestID: nil)
            #expect(user.email == "ana@example.com" && !session.token.isEmpty)
            for _ in 0..<5 {
                await #expect(throws: SignInService.wrongCredentials) {
                    _ = try await accounts.signIn.signIn(email: "ana@example.com", password: "wrong", address: "10.0.0.1", requestID: nil)
                }
            }
            do {
                _ = try await accounts.signIn.signIn(email: "ana@example.com", password: "correct horse battery", address: "10.0.0.2", requestID: nil)
                Issue.record("the account should be locked")
            } catch let error as AppError {
                #expect(error.status == .tooManyRequests)
                #expect((error.retryAfter ?? 0) >= 60)
                #expect(error.message.contains("Try again in"))
            }
            // Unknown accounts answer exactly like wrong passwords.
            await #expect(throws: SignInService.wrongCredentials) {
                _ = try await accounts.signIn.signIn(email: "nobody@example.com", password: "whatever12", address: "10.0.0.3", requestID: nil)
            }
            let stored = try await database.reader.raw("SELECT subject FROM sign_in_failures").all().map { try $0.decode(column: "subject", as: String.self) }
            #expect(!stored.contains { $0.contains("ana") || $0.contains("10.0.0") }, "subjects are stored hashed")
            #expect(try await auditActions(database).filter { $0 == "auth.sign_in" }.count == 1)
        }
    }

    @Test("one address is limited across accounts", arguments: TestDatabase.kinds)
    func addressLimit(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (_: AccountsFeature, database: Database) async throws in
            var policy = SignInThrottle.Policy()
            policy.perAddress = 3
            let throttle = SignInThrottle(database: database, policy: policy)
            for index in 0..<3 { try await throttle.recordFailure(email: "u\(index)@x.io", address: "192.0.2.7") }
            await #expect(throws: AppError.self) { try await throttle.check(email: "fresh@x.io", address: "192.0.2.7") }
            try await throttle.check(email: "fresh@x.io", address: "192.0.2.8")
        }
    }

    @Test("first-run setup creates one admin, once", arguments: TestDatabase.kinds)
    func setup(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            let token = try #require(try await accounts.setup.prepare())
            #expect(try await accounts.setup.isValid(token))
            #expect(try await !accounts.setup.isValid("guess"))
            await #expect(throws: AppError.self) {
                _ = try await accounts.setup.complete(token: token, email: "root@example.com", displayName: "Root", password: "short")
            }
            let admin = try await accounts.setup.complete(token: token, email: "root@example.com", displayName: "Root", password: "a long admin passphrase")
            #expect(admin.roles == [.admin])
            await #expect(throws: AppError.self) {
                _ = try await accounts.setup.complete(token: token, email: "two@example.com", displayName: "Two", password: "a long admin passphrase")
            }
            #expect(try await accounts.setup.prepare() == nil)
            #expect(try await accounts.users.count() == 1)
        }
    }

    @Test("an expired setup link is refused", arguments: TestDatabase.kinds)
    func expiredSetup(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            let token = try #require(try await accounts.setup.prepare(now: Date().addingTimeInterval(-2 * 86_400)))
            #expect(try await !accounts.setup.isValid(token))
        }
    }
}
