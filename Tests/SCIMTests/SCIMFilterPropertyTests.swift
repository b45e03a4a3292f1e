import Audit
import Foundation
import People
import SCIM
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// A small deterministic generator (SplitMix64) so a failure reproduces.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The strongest proof that SQL filtering is right: on generated users, every generated filter
/// selects exactly the users the in-memory evaluator accepts, and sorting orders them the same.
/// Values are ASCII: SQLite's LOWER() folds ASCII only (documented limit).
@Suite("SCIM filters: SQL equals in-memory")
struct SCIMFilterPropertyTests {
    static let given = ["Ada", "ada", "Bob", "BOB", "Cy", "Dee", "Zed"]
    static let family = ["Lovelace", "lovelace", "Hopper", "Byron", "Ng", "O'Neil"]
    static let departments: [String?] = ["Sales", "sales", "R&D", "Ops_1", "50% Off", nil]
    static let titles: [String?] = ["Engineer", "engineer II", "Lead", nil]
    static let countries = ["US", "GB", "DE", "FR"]
    static let types: [String?] = ["Employee", "Contractor", nil]

    static func users(_ random: inout SeededRandom) -> [String] {
        (0..<40).map { index in
            let g = given.randomElement(using: &random)!, f = family.randomElement(using: &random)!
            var fields = [#""userName":"\#(g).\#(f)\#(index)@Example.com""#, #""name":{"givenName":"\#(g)","familyName":"\#(f)"}"#]
            if Bool.random(using: &random) { fields.append(#""emails":[{"value":"\#(g)\#(index)@x.io","type":"work"}]"#) }
            if let title = titles.randomElement(using: &random)! { fields.append(#""title":"\#(title)""#) }
            if let type = types.randomElement(using: &random)! { fields.append(#""userType":"\#(type)""#) }
            if Int.random(in: 0..<4, using: &random) == 0 { fields.append(#""active":false"#) }
            if Bool.random(using: &random) { fields.append(#""externalId":"X\#(index % 7)""#) }
            fields.append(#""addresses":[{"country":"\#(countries.randomElement(using: &random)!)","locality":"Site \#(index % 3)"}]"#)
            var enterprise = [#""employeeNumber":"E\#(index)""#]
            if let department = departments.randomElement(using: &random)! { enterprise.append(#""department":"\#(department)""#) }
            if Bool.random(using: &random) { enterprise.append(#""costCenter":"CC\#(index % 4)""#) }
            fields.append(#""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{\#(enterprise.joined(separator: ","))}"#)
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    static let stringAttributes = [
        "userName", "name.givenName", "name.familyName", "name.formatted", "displayName", "title", "userType", "preferredLanguage", "timezone",
        "emails.value", "emails.type", "addresses.country", "addresses.locality", "externalId", "nickName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
    ]
    static let fragments = ["a", "A", "ada", "BOB", "lovelace", "Love", "e1", "E1", "E12", "sales", "R&D", "50%", "_", "@x.io", "@example.com",
                            "US", "gb", "Site 1", "engineer", "X3", "work", "en", "UTC", "", "Ops_1", "zz", "O'Neil"]

    static func filter(_ random: inout SeededRandom, depth: Int = 0) -> String {
        let roll = Int.random(in: 0..<(depth > 2 ? 6 : 10), using: &random)
        switch roll {
        case 0: return #"active eq \#(Bool.random(using: &random))"#
        case 1: return "\(stringAttributes.randomElement(using: &random)!) pr"
        case 2: return #"\#(stringAttributes.randomElement(using: &random)!) \#(["eq", "ne"].randomElement(using: &random)!) null"#
        case 3: return #"meta.created \#(["gt", "lt", "ge"].randomElement(using: &random)!) "2020-01-01T00:00:00Z""#
        case 4, 5:
            let op = SCIMCompareOp.allCases.randomElement(using: &random)!.rawValue
            return #"\#(stringAttributes.randomElement(using: &random)!) \#(op) "\#(fragments.randomElement(using: &random)!)""#
        case 6: return "(\(filter(&random, depth: depth + 1)) and \(filter(&random, depth: depth + 1)))"
        case 7: return "\(filter(&random, depth: depth + 1)) or \(filter(&random, depth: depth + 1))"
        case 8: return "not (\(filter(&random, depth: depth + 1)))"
        default: return #"emails[type eq "work" and value \#(["co", "sw", "ew"].randomElement(using: &random)!) "\#(fragments.randomElement(using: &random)!)"]"#
        }
    }

    @Test("300 generated filters select the same users in SQL and in memory", arguments: TestDatabase.kinds)
    func filters(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            var random = SeededRandom(state: 20_261_124)
            let store = SCIMStore(database: database)
            for json in Self.users(&random) { _ = try await store.create(try input(json), by: scimActor) }
            let today = EmployeeRules.today()
            let users = SCIMUsers(store: store, baseURL: "")
            let rendered = try await store.all().map { ($0.id, users.render($0, today: today)) }
            let parser = SCIMFilterParser(schema: SCIMUserSchema.resource)
            let evaluator = SCIMFilterEvaluator(schema: SCIMUserSchema.resource)
            let compiler = SCIMFilterCompiler(dialect: database.dialect, today: today)
            var nonTrivial = 0
            for _ in 0..<300 {
                let text = Self.filter(&random)
                let filter = try parser.parse(text)
                let condition = try #require(compiler.sql(filter), "every generated attribute has a column: \(text)")
                let expected = Set(rendered.filter { evaluator.matches(filter, $0.1) }.map(\.0))
                let page = try await store.page(where: condition, order: nil, offset: 0, limit: 1000)
                #expect(Set(page.users.map(\.id)) == expected, "\(text)")
                #expect(page.total == expected.count, "\(text)")
                if !expected.isEmpty && expected.count < rendered.count { nonTrivial += 1 }
            }
            #expect(nonTrivial > 100, "the generated filters should mostly split the users (got \(nonTrivial))")
        }
    }

    @Test("sorting in SQL and in memory give the same order, both directions", arguments: TestDatabase.kinds)
    func sorting(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: scimMigrator) { (database: Database) async throws in
            var random = SeededRandom(state: 7)
            let store = SCIMStore(database: database)
            for json in Self.users(&random) { _ = try await store.create(try input(json), by: scimActor) }
            let users = SCIMUsers(store: store, baseURL: "")
            for attribute in Self.stringAttributes + ["meta.created"] {
                for descending in [false, true] {
                    var query = SCIMListQuery()
                    query.sortBy = SCIMUserSchema.resource.resolve(attribute)!.0
                    query.descending = descending
                    query.count = 200
                    let inSQL = try await users.list(query).resources.compactMap { $0["id"] }
                    // A filter only the evaluator understands forces the in-memory path.
                    query.filter = try SCIMFilterParser(schema: SCIMUserSchema.resource).parse("not (emails.primary eq false)")
                    let inMemory = try await users.list(query).resources.compactMap { $0["id"] }
                    #expect(inSQL.count == 40)
                    #expect(inSQL == inMemory, "\(attribute) \(descending ? "descending" : "ascending")")
                }
            }
        }
    }
}
