import Accounts
import Audit
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("User store")
struct UserStoreTests {
    @Test("creates a user with roles and team, audited in the same transaction", arguments: TestDatabase.kinds)
    func create(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, database: Database) async throws in
            let team = try await accounts.teams.create(name: "Internal Communications", by: testActor)
            let user = try await accounts.makeUser("Cory@Example.com", roles: [.comms, .hr], team: team.id)
            #expect(user.email == "cory@example.com")
            #expect(user.roles == [.hr, .comms])
            #expect(user.team == team)
            #expect(try await accounts.users.find(email: "CORY@example.com")?.id == user.id)
            let audit = try await AuditStore(database: database).search(AuditQuery(action: "user.create"))
            #expect(audit.items.count == 1)
            #expect(audit.items[0].after?["roles"] == "hr, comms")
            #expect(audit.items[0].actor == "tester")
        }
    }

    @Test("a duplicate email is a conflict and writes nothing", arguments: TestDatabase.kinds)
    func duplicate(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, database: Database) async throws in
            _ = try await accounts.makeUser("dup@example.com")
            await #expect(throws: AppError.conflict("A user with the email dup@example.com already exists.", field: "email")) {
                _ = try await accounts.makeUser("DUP@example.com")
            }
            #expect(try await accounts.users.count() == 1)
            #expect(try await auditActions(database) == ["user.create"])
        }
    }

    @Test("an unknown team is refused and nothing is written", arguments: TestDatabase.kinds)
    func unknownTeam(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            await #expect(throws: AppError.self) { _ = try await accounts.makeUser("t@example.com", team: 999) }
            #expect(try await accounts.users.count() == 0)
        }
    }

    @Test("updates record what changed before and after", arguments: TestDatabase.kinds)
    func update(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, database: Database) async throws in
            _ = try await accounts.makeUser("boss@example.com", roles: [.admin])
            let user = try await accounts.makeUser("hana@example.com", roles: [.hr])
            let updated = try await accounts.users.update(user.id, UserChange(displayName: "Hana R.", roles: [.hr, .approver]), by: testActor)
            #expect(updated.displayName == "Hana R.")
            #expect(updated.roles == [.hr, .approver])
            let entry = try await AuditStore(database: database).search(AuditQuery(action: "user.update")).items[0]
            #expect(entry.before == ["display_name": "hana", "roles": "hr"])
            #expect(entry.after == ["display_name": "Hana R.", "roles": "hr, approver"])
        }
    }

    @Test("the last active admin cannot be demoted or deactivated", arguments: TestDatabase.kinds)
    func lastAdmin(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            let admin = try await accounts.makeUser("root@example.com", roles: [.admin])
            await #expect(throws: AppError.self) { _ = try await accounts.users.update(admin.id, UserChange(roles: [.hr]), by: testActor) }
            await #expect(throws: AppError.self) { _ = try await accounts.users.update(admin.id, UserChange(isActive: false), by: testActor) }
            #expect(try await accounts.users.find(id: admin.id)?.roles == [.admin])
            _ = try await accounts.makeUser("second@example.com", roles: [.admin])
            let demoted = try await accounts.users.update(admin.id, UserChange(roles: [.hr]), by: testActor)
            #expect(demoted.roles == [.hr])
        }
    }

    @Test("deactivating a user ends their sessions", arguments: TestDatabase.kinds)
    func deactivate(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            _ = try await accounts.makeUser("root@example.com", roles: [.admin])
            let user = try await accounts.makeUser("leaver@example.com")
            let session = try await accounts.sessions.create(userID: user.id, email: user.email, lifetime: .seconds(60), by: testActor)
            #expect(try await accounts.sessions.identity(forToken: session.token) != nil)
            _ = try await accounts.users.update(user.id, UserChange(isActive: false), by: testActor)
            #expect(try await accounts.sessions.identity(forToken: session.token) == nil)
        }
    }

    @Test("pages through users with a cursor", arguments: TestDatabase.kinds)
    func paging(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            for index in 0..<5 { _ = try await accounts.makeUser("u\(index)@example.com") }
            let first = try await accounts.users.list(cursor: nil, limit: 2)
            #expect(first.items.map(\.email) == ["u0@example.com", "u1@example.com"])
            let second = try await accounts.users.list(cursor: try Cursor.decode(first.nextCursor), limit: 2)
            #expect(second.items.map(\.email) == ["u2@example.com", "u3@example.com"])
            let third = try await accounts.users.list(cursor: try Cursor.decode(second.nextCursor), limit: 2)
            #expect(third.items.map(\.email) == ["u4@example.com"])
            #expect(third.nextCursor == nil)
        }
    }

    @Test("teams have unique names regardless of case", arguments: TestDatabase.kinds)
    func teams(kind: DatabaseKind) async throws {
        try await withAccounts(kind) { (accounts: AccountsFeature, _: Database) async throws in
            _ = try await accounts.teams.create(name: "Marketing", by: testActor)
            await #expect(throws: AppError.self) { _ = try await accounts.teams.create(name: " marketing ", by: testActor) }
            await #expect(throws: AppError.self) { _ = try await accounts.teams.create(name: "", by: testActor) }
            #expect(try await accounts.teams.all().map(\.name) == ["Marketing"])
        }
    }
}
