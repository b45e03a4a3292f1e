import Accounts
import Audit
import Foundation
import TandemCore
import TandemStore
import TandemTesting

let accountsMigrator = Migrator(AccountsFeature.migrations + AuditFeature.migrations)
let testActor = AuditActor(userID: nil, label: "tester", channel: .cli)

func withAccounts<T>(_ kind: DatabaseKind, _ body: (AccountsFeature, Database) async throws -> T) async throws -> T {
    try await TestDatabase.with(kind, migrator: accountsMigrator) { (database: Database) async throws -> T in
        try await body(AccountsFeature(database: database, bcryptCost: 4, sessionLifetime: .seconds(3600)), database)
    }
}

extension AccountsFeature {
    func makeUser(_ email: String, roles: [Role] = [.hr], password: String = "correct horse battery", team: Team.ID? = nil) async throws -> User {
        try await users.create(
            NewUser(email: email, displayName: email.components(separatedBy: "@")[0], roles: roles.map(\.rawValue), teamID: team),
            passwordHash: try await hasher.hash(password), mustChangePassword: false, by: testActor)
    }
}

func auditActions(_ database: Database) async throws -> [String] {
    try await AuditStore(database: database).search(AuditQuery(limit: 200)).items.map(\.action).reversed()
}
