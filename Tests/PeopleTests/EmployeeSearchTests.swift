import Audit
import Foundation
@testable import People
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Text search through the trigram index must find exactly what a substring test finds.
@Suite("Employee text search")
struct EmployeeSearchTests {
    /// The people of `DemoPeople` plus some with `%`, `_`, backslashes, quotes and non-ASCII text.
    static func people() -> [Employee] {
        var people = DemoPeople.generate(count: 240, today: "2026-11-23")
        let odd: [(given: String, family: String, title: String?)] = [
            ("Ann%ie", "O_Neil", "100% remote"), ("ZOË", "Łukasz-Żółć", "Straße Ops"), ("İlker", "Ωμέγα", nil),
            ("Back\\slash", "D'Arcy", "C:\\Ops"), ("Nuñez", "Nuñez", "Jefa de tienda"), ("李", "小龙", "店长"),
            ("a_b", "a%b", "x_y_z"),
        ]
        for (index, row) in odd.enumerated() {
            people[index * 11].givenName = row.given
            people[index * 11].familyName = row.family
            people[index * 11].jobTitle = row.title
        }
        people[5].workEmail = "x_y@example.com"
        people[6].preferredName = "Ángel"
        return people
    }

    static func terms(_ people: [Employee]) -> [String] {
        [
            "", "a", "e", "ma", "an", "%", "_", "%%", "a%b", "a_b", "100%", "x_y", "\\", "back\\s", "c:\\o", "d'a", "'",
            "son", "smith", "SMITH", "müller", "MÜLLER", "é", "ão", "wiś", "żół", "zoë", "ZOË", "ωμέ", "ΩΜΈΓΑ", "i̇lk", "straße", "nuñ",
            "李", "小龙", "店长", "@example", "example.com", " ", "  ", "no such person", "remote", "jefa de", "ops",
            people[17].employeeId, people[17].employeeId.lowercased(), String(people[200].employeeId.suffix(4)),
            people[30].familyName, people[31].givenName.uppercased(),
        ]
    }

    /// Today's meaning of `q=`: a substring of the lower-cased fields, compared byte for byte as
    /// SQL `LIKE` does, with `%` and `_` dropped from the term.
    static func matches(_ e: Employee, _ term: String) -> Bool {
        matches(text: [e.givenName, e.familyName, e.preferredName ?? "", e.workEmail ?? "", e.employeeId, e.jobTitle ?? ""]
            .joined(separator: " ").lowercased(), term)
    }

    static func matches(text: String, _ term: String) -> Bool {
        let needle = Array(term.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "").utf8)
        let haystack = Array(text.utf8)
        if needle.isEmpty { return true }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<(start + needle.count)].elementsEqual(needle) }
    }

    /// Every page of a search, following the cursor.
    static func search(_ store: EmployeeStore, _ term: String, limit: Int = 25) async throws -> [String] {
        var found: [String] = []
        var cursor: Int64?
        repeat {
            let page = try await store.list(EmployeeFilter(text: term), cursor: cursor, limit: limit, includeSensitive: false)
            found += page.items.map(\.employeeId)
            cursor = try Cursor.decode(page.nextCursor)
        } while cursor != nil
        return found
    }

    /// The same search with the index asked at once (window 0), after a short scan (window 7),
    /// and as the default (which at this size only scans).
    /// `rows` are (employee id, search text) in id order.
    static func expectSameAsSubstring(_ database: Database, _ rows: [(id: String, text: String)], terms: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for window: Int64 in [0, 7, EmployeeStore.defaultSearchScanWindow] {
            var store = EmployeeStore(database: database)
            store.searchScanWindow = window
            for term in terms {
                let expected = rows.filter { matches(text: $0.text, term) }.map(\.id)
                let found = try await search(store, term)
                #expect(found == expected, "term \(String(reflecting: term)), window \(window)", sourceLocation: sourceLocation)
            }
        }
    }

    /// SQLite: FTS5 compares its index with `employees` row by row.
    static func expectIndexInStep(_ database: Database) async throws {
        guard database.dialect.trigramIndex == .ftsTable else { return }
        try await database.transaction { db in
            try await db.raw("INSERT INTO employee_search (employee_search, rank) VALUES ('integrity-check', 1)").run()
        }
    }

    @Test("results equal a substring filter in memory, for short, Unicode, wildcard and id terms", arguments: TestDatabase.kinds)
    func sameAsSubstring(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let people = Self.people()
            try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
            try await Self.expectIndexInStep(database)
            let rows = people.map { e in
                (id: e.employeeId, text: [e.givenName, e.familyName, e.preferredName ?? "", e.workEmail ?? "", e.employeeId, e.jobTitle ?? ""]
                    .joined(separator: " ").lowercased())
            }
            try await Self.expectSameAsSubstring(database, rows, terms: Self.terms(people))
        }
    }

    @Test("search combines with filters and the cursor when the index answers", arguments: TestDatabase.kinds)
    func withFilters(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let people = Self.people()
            var store = EmployeeStore(database: database)
            try await store.upsert(people, summary: "seed", by: .system)
            store.searchScanWindow = 3
            let filter = EmployeeFilter(text: "example", country: "US")
            var found: [String] = []
            var cursor: Int64?
            repeat {
                let page = try await store.list(filter, cursor: cursor, limit: 4, includeSensitive: true)
                #expect(page.items.allSatisfy { $0.sensitive != nil })
                found += page.items.map(\.employeeId)
                cursor = try Cursor.decode(page.nextCursor)
            } while cursor != nil
            #expect(found == people.filter { $0.country == "US" && Self.matches($0, "example") }.map(\.employeeId))
            #expect(!found.isEmpty)
            let far = try await store.list(EmployeeFilter(text: "example"), cursor: Int64.max - 1, limit: 5, includeSensitive: false)
            #expect(far.items.isEmpty && far.nextCursor == nil)
        }
    }

    @Test("the index follows bulk upserts, renames, SCIM single writes, GDPR erasure and imports", arguments: TestDatabase.kinds)
    func staysInStep(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            var people = Self.people()
            people[40].givenName = "Quixotic"
            var store = EmployeeStore(database: database)
            store.searchScanWindow = 0
            try await store.upsert(people, summary: "seed", by: .system)
            #expect(try await Self.search(store, "quixo") == [people[40].employeeId])

            // Rename through a second bulk upsert (the import's path: INSERT … ON CONFLICT DO UPDATE).
            people[40].givenName = "Zebulon"
            try await store.upsert(people, summary: "rename", by: .system)
            #expect(try await Self.search(store, "quixo").isEmpty)
            #expect(try await Self.search(store, "zebul") == [people[40].employeeId])

            // SCIM: one-row insert and update inside the caller's transaction.
            var hire = DemoPeople.generate(count: 241, today: "2026-11-23")[240]
            hire.employeeId = "SCIM-77"
            hire.givenName = "Marmaduke"
            hire.sensitive = nil
            hire.id = try await database.transaction { [hire] db in try await EmployeeStore.insert(hire, on: db) }
            people.append(hire)
            #expect(try await Self.search(store, "marmad") == ["SCIM-77"])
            hire.givenName = "Peregrine"
            hire.employeeId = "SCIM-78"
            try await database.transaction { [hire] db in try await EmployeeStore.update(hire, on: db) }
            people[people.count - 1] = hire
            #expect(try await Self.search(store, "marmad").isEmpty)
            #expect(try await Self.search(store, "scim-77").isEmpty)
            #expect(try await Self.search(store, "peregr") == ["SCIM-78"])

            // GDPR erasure rewrites search_text to the replacement id.
            let erasedID = people[40].employeeId
            let erased = try await database.transaction { [store] db in
                try await EmployeePersonalData(store: store).erase(employeeID: erasedID, replacement: "ERASED-0001", on: db)
            }
            #expect(erased == 1)
            #expect(try await Self.search(store, "zebul").isEmpty)
            #expect(try await Self.search(store, erasedID).isEmpty)
            #expect(try await Self.search(store, "erased-0001") == ["ERASED-0001"])
            people[40] = try #require(try await store.find(employeeID: "ERASED-0001", includeSensitive: false))

            // A file import renames one person and hires another.
            var file = people.filter { !$0.employeeId.hasPrefix("SCIM") && !$0.employeeId.hasPrefix("ERASED") }.map { employee -> Employee in
                var reporting = employee
                if reporting.managerId == erasedID { reporting.managerId = nil }  // the erasure cut that link
                return reporting
            }
            file[3].familyName = "Vandersloot"
            var newcomer = DemoPeople.generate(count: 242, today: "2026-11-23")[241]
            newcomer.employeeId = "FILE-9"
            newcomer.familyName = "Ottoline"
            file.append(newcomer)
            var request = EmployeeImporter.Request(fileName: "hris.csv", data: Data(csv(file).utf8))
            request.options.allowSensitive = true
            request.options.today = "2026-11-23"
            request.options.mode = .partial
            let outcome = try await EmployeeImporter(store: ImportStore(database: database)).run(request, by: .system)
            guard case .applied = outcome else { Issue.record("expected the import to apply: \(outcome)"); return }
            #expect(try await Self.search(store, "vandersl") == [file[3].employeeId])
            #expect(try await Self.search(store, "ottoli") == ["FILE-9"])

            try await Self.expectIndexInStep(database)
            // After erasure `search_text` holds only the replacement id, not "Erased person", so
            // compare with the stored column: the index must agree with `LIKE` on it.
            let stored = try await database.reader.raw("SELECT employee_id, search_text FROM employees ORDER BY id").all().map {
                (id: try $0.decode(column: "employee_id", as: String.self), text: try $0.decode(column: "search_text", as: String.self))
            }
            try await Self.expectSameAsSubstring(
                database, stored, terms: Self.terms(try await store.all()) + ["erased", "person", "scim", "peregrine", "file-9"])
        }
    }
}
