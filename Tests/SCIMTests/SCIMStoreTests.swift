import Audit
import Foundation
import People
import SCIM
import TandemCore
import TandemStore
import TandemTesting
import Testing

let scimMigrator = Migrator(AuditFeature.migrations + PeopleFeature.migrations + SCIMFeature.migrations)
let scimActor = AuditActor(userID: nil, label: "scim:test", channel: .scim)

func input(_ json: String) throws -> SCIMUserInput { try SCIMUserReader.read(try node(json), mode: .create) }

@Suite("SCIM store")
struct SCIMStoreTests {
    @Test("create, read, replace and delete, each audited on the scim channel", arguments: TestDatabase.kinds)
    func lifecycle(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let store = SCIMStore(database: database)
            let created = try await store.create(try input(oktaCreate), by: scimActor)
            #expect(created.version == 1 && created.employee.id > 0)
            #expect(try await store.find(id: created.id) == created)
            let updated = try await store.update(id: created.id, ifMatch: created.etag, action: "scim.user.replace", by: scimActor) { _ in
                try input(#"{"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"King"},"title":"Countess"}"#)
            }
            #expect(updated.version == 2 && updated.employee.familyName == "King" && updated.employee.jobTitle == "Countess")
            try await store.delete(id: created.id, ifMatch: nil, by: scimActor)
            #expect(try await store.find(id: created.id) == nil)
            let employee = try #require(try await EmployeeStore(database: database).find(id: created.employee.id, includeSensitive: false))
            #expect(employee.terminationDate == EmployeeRules.today(), "DELETE keeps the employee as a leaver")
            let audit = try await AuditStore(database: database).search(AuditQuery())
            #expect(Set(audit.items.filter { $0.channel == "scim" }.map(\.action)) == ["scim.user.create", "scim.user.replace", "scim.user.delete"])
        }
    }

    @Test("duplicate userName (any case) or employeeNumber is uniqueness, and nothing is half-written", arguments: TestDatabase.kinds)
    func uniqueness(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let store = SCIMStore(database: database)
            let employees = EmployeeStore(database: database)
            _ = try await store.create(try input(#"{"userName":"a@x.io","name":{"givenName":"A","familyName":"B"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E1"}}"#), by: scimActor)
            await #expect(throws: AppError.self) {
                _ = try await store.create(try input(#"{"userName":"A@X.IO","name":{"givenName":"C","familyName":"D"}}"#), by: scimActor)
            }
            let failure = await scimErrorAsync { _ = try await store.create(try input(#"{"userName":"c@x.io","name":{"givenName":"C","familyName":"D"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E1"}}"#), by: scimActor) }
            #expect(failure?.code == "uniqueness" && failure?.status == .conflict)
            let bad = await scimErrorAsync { _ = try await store.create(try input(#"{"userName":"d@x.io","name":{"givenName":"D","familyName":"E"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"nobody"}}}"#), by: scimActor) }
            #expect(bad?.code == "invalidValue")
            #expect(try await employees.count() == 1, "failed creates leave no employee behind")
        }
    }

    @Test("an imported employee with the same employeeNumber is linked, keeping pay and benefits", arguments: TestDatabase.kinds)
    func adopt(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let employees = EmployeeStore(database: database)
            var person = DemoPeople.generate(count: 1)[0]
            person.sensitive = SensitiveFields(payBand: "B3", annualPay: 90_000, payCurrency: "EUR", hce: true, benefits: [BenefitEnrollment(plan: "401k", enrolled: true, deferralPercent: 5)])
            try await employees.upsert([person], summary: "seed", by: .system)
            let store = SCIMStore(database: database)
            let linked = try await store.create(try input("""
                {"userName":"linked@x.io","name":{"givenName":"L","familyName":"K"},
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"\(person.employeeId)"}}
                """), by: scimActor)
            #expect(try await employees.count() == 1)
            let after = try #require(try await employees.find(id: linked.employee.id, includeSensitive: true))
            #expect(after.givenName == "L" && after.sensitive == person.sensitive && after.team == person.team)
        }
    }

    @Test("userName lookups fold case beyond ASCII, on SQLite too", arguments: TestDatabase.kinds)
    func unicodeUserName(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let store = SCIMStore(database: database)
            let user = try await store.create(try input(#"{"userName":"ÆRØ.Şahin@x.io","name":{"givenName":"Æ","familyName":"Ş"}}"#), by: scimActor)
            let filter = try SCIMFilterParser(schema: SCIMUserSchema.resource).parse(#"userName eq "ærø.şahin@X.IO""#)
            let condition = try #require(SCIMFilterCompiler(dialect: database.dialect, today: "2026-11-24").sql(filter))
            #expect(try await store.page(where: condition, order: nil, offset: 0, limit: 10).users.map(\.id) == [user.id])
            #expect(SCIMFilterEvaluator(schema: SCIMUserSchema.resource).matches(filter, SCIMUserRenderer.node(user, baseURL: "", today: "2026-11-24")))
        }
    }

    @Test("changing a manager's employeeNumber keeps their reports pointing at them", arguments: TestDatabase.kinds)
    func managerRename(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let store = SCIMStore(database: database)
            let boss = try await store.create(try input(#"{"userName":"boss@x.io","name":{"givenName":"B","familyName":"S"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"B1"}}"#), by: scimActor)
            let report = try await store.create(try input(#"{"userName":"r@x.io","name":{"givenName":"R","familyName":"P"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"\#(boss.id)"}}}"#), by: scimActor)
            #expect(report.managerID == boss.id && report.employee.managerId == "B1")
            _ = try await store.update(id: boss.id, ifMatch: nil, action: "scim.user.patch", by: scimActor) { _ in
                try input(#"{"userName":"boss@x.io","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"B2"}}"#)
            }
            let after = try #require(try await store.find(id: report.id))
            #expect(after.employee.managerId == "B2" && after.managerID == boss.id && after.managerDisplayName == "B S")
        }
    }

    @Test("If-Match with a stale version is refused with 412 and changes nothing", arguments: TestDatabase.kinds)
    func etags(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            let store = SCIMStore(database: database)
            let created = try await store.create(try input(oktaCreate), by: scimActor)
            let failure = await scimErrorAsync {
                _ = try await store.update(id: created.id, ifMatch: "W/\"7\"", action: "scim.user.patch", by: scimActor) { _ in try input(#"{"userName":"z@x.io"}"#) }
            }
            #expect(failure?.status == .preconditionFailed)
            #expect(try await store.find(id: created.id)?.userName == created.userName)
            let deleteFailure = await scimErrorAsync { try await store.delete(id: created.id, ifMatch: "\"2\"", by: scimActor) }
            #expect(deleteFailure?.status == .preconditionFailed)
            #expect(SCIMETag.matches("W/\"1\"", created.etag) && SCIMETag.matches("\"1\"", created.etag) && SCIMETag.matches("*", created.etag))
            #expect(SCIMETag.matches("W/\"5\", W/\"1\"", created.etag) && !SCIMETag.matches("W/\"11\"", created.etag))
        }
    }
}

func scimErrorAsync(_ body: () async throws -> Void) async -> AppError? {
    do {
        try await body()
        return nil
    } catch let error as AppError {
        return error
    } catch {
        return nil
    }
}
