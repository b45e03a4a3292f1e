import Audit
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// A 10,000-row HRIS export with a realistic mix of defects, and what each one must become.
struct BrokenExport {
    struct Defect {
        let line: Int
        let field: String?
        let reason: String
    }

    let text: String
    let defects: [Defect]
    let goodIDs: Set<String>

    static let formula = "=cmd|' /C calc'!A0"

    static func id(_ row: Int) -> String { "E" + String(100_000 + row) }

    /// Row `i` (1-based) is on line `i + 1`. Every 250 rows carry 14 defects at fixed offsets;
    /// managers are rows 1–10 (always clean) except where a defect says otherwise.
    static func make(rows: Int = 10_000) -> BrokenExport {
        var lines = [EmployeeField.canonicalHeader]
        var defects: [Defect] = []
        var good = Set<String>()
        let countries = [("US", "America/Chicago", "en-US", "+1312555"), ("DE", "Europe/Berlin", "de-DE", "+4930555"), ("BR", "America/Sao_Paulo", "pt-BR", "+5511955")]
        for i in 1...rows {
            let c = countries[i % countries.count]
            var cells = [
                id(i), "Given\(i)", "Family\(i % 97)", "", "person\(i)@example.com", c.3 + String(1000 + i % 9000), c.2, c.1, c.0, "", "Site \(i % 12)",
                "Operations", "Team \(i % 5)", "Title \(i % 30)", "L\(1 + i % 6)", i > 10 ? id(1 + i % 10) : "", i % 7 == 0 ? "part_time" : "full_time",
                i % 2 == 0 ? "frontline" : "desk", "2019-0\(1 + i % 9)-1\(i % 9)", "", "B\(1 + i % 4)", String(30_000 + i), i % 31 == 0 ? "true" : "false",
            ]
            let line = i + 1
            func bad(_ field: String?, _ reason: String) { defects.append(Defect(line: line, field: field, reason: reason)) }
            switch i % 250 {
            case 13: cells.removeLast(); bad(nil, "22 fields but the header has 23")
            case 29: cells.append("surplus"); bad(nil, "24 fields but the header has 23")
            case 41: cells[0] = id(i - 1); bad("employee_id", "appears again (first on line \(line - 1))")
            case 57: cells[18] = "2023-02-30"; bad("hire_date", "2023-02-30 does not exist")
            case 71: cells[19] = "31/12/2020"; bad("termination_date", "YYYY-MM-DD")
            case 83: cells[15] = "X9999999"; bad("manager_id", "Manager X9999999 is neither in this file nor in Tandem")
            case 97: cells[4] = "person\(i)@localhost"; bad("work_email", "is not an email address")
            case 109: cells[5] = "0800 123"; bad("mobile_phone", "international form")
            case 127: cells[7] = "Mars/Olympus_Mons"; bad("time_zone", "is not an IANA time zone")
            case 139: cells[6] = "english!"; bad("language", "is not a language tag")
            case 151: cells[0] = formula; bad("employee_id", "The employee id must be")
            case 163: cells[8] = "XX"; bad("country", "is not an ISO 3166 country code")
            case 181: cells[1] = ""; bad("given_name", "given_name must be")
            // Reports to the row with the impossible hire date: skipping that row must not leave
            // this one pointing at a manager who was never imported.
            case 200: cells[15] = id(i - 143); bad("manager_id", "their row (line \(line - 143)) was rejected")
            default: good.insert(id(i))
            }
            lines.append(cells.joined(separator: ","))
        }
        return BrokenExport(text: lines.joined(separator: "\r\n") + "\r\n", defects: defects, goodIDs: good)
    }
}

@Suite("Deliberately broken HRIS export")
struct BrokenImportTests {
    static let actor = AuditActor(userID: nil, label: "hr@example.com", channel: .cli)

    func request(_ text: String, skip: Bool) -> EmployeeImporter.Request {
        var request = EmployeeImporter.Request(fileName: "broken.csv", data: Data(text.utf8))
        request.options.skipBadRows = skip
        request.options.allowSensitive = true
        request.options.today = "2026-11-23"
        return request
    }

    func storedIDs(_ database: Database) async throws -> Set<String> {
        Set(try await ImportStore(database: database).existing().keys)
    }

    @Test("every defect is reported on its line with its reason, and nothing is written", arguments: TestDatabase.kinds)
    func allOrNothing(kind: DatabaseKind) async throws {
        let file = BrokenExport.make()
        #expect(file.defects.count == 560 && file.goodIDs.count == 9_440)
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let importer = EmployeeImporter(store: ImportStore(database: database))
            guard case .planned(let plan, let reason?) = try await importer.run(request(file.text, skip: false), by: Self.actor) else {
                Issue.record("a file with bad rows must be refused")
                return
            }
            #expect(reason.contains("560 row(s) were rejected, so nothing was imported"))
            #expect(plan.totalRows == 10_000)
            #expect(plan.rejected.map(\.line) == file.defects.map(\.line))
            for (rejection, defect) in zip(plan.rejected, file.defects) {
                #expect(rejection.field == defect.field, "line \(defect.line)")
                #expect(rejection.message.contains(defect.reason), "line \(defect.line): \(rejection.message)")
            }
            #expect(try await EmployeeStore(database: database).count() == 0)
            #expect(try await ImportStore(database: database).history().isEmpty)
        }
    }

    @Test("skipping bad rows imports exactly the good ones; a re-run changes nothing", arguments: TestDatabase.kinds)
    func skipBadRows(kind: DatabaseKind) async throws {
        let file = BrokenExport.make()
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let importer = EmployeeImporter(store: ImportStore(database: database))
            guard case .applied(let plan, let record) = try await importer.run(request(file.text, skip: true), by: Self.actor) else {
                Issue.record("skip bad rows must apply the good rows")
                return
            }
            #expect(record.created == 9_440 && record.rejected == 560 && plan.rejected.count == 560)
            #expect(try await storedIDs(database) == file.goodIDs)
            let managers = try await ImportStore(database: database).existing().values.compactMap(\.managerId)
            #expect(managers.allSatisfy(file.goodIDs.contains), "no imported employee points at a manager who is not there")

            guard case .planned(let again, nil) = try await importer.run(request(file.text, skip: true), by: Self.actor) else {
                Issue.record("the re-run must write nothing")
                return
            }
            #expect(again.creates.isEmpty && again.updates.isEmpty && again.deactivations.isEmpty)
            #expect(again.unchanged == 9_440 && again.rejected.count == 560)
            #expect(try await ImportStore(database: database).history().count == 1)
            #expect(try await storedIDs(database) == file.goodIDs)
        }
    }

    @Test("the rejection report as CSV neutralises formula cells")
    func reportCSV() throws {
        let file = BrokenExport.make(rows: 500)
        var options = ImportOptions()
        options.allowSensitive = true
        let plan = try ImportPlanner.plan(csv: file.text, mapping: nil, existing: [:], options: options)
        let csv = plan.rejectionsCSV
        let cells = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(cells.first == ["line", "employee_id", "field", "message"])
        #expect(cells.count == 1 + plan.rejected.count)
        #expect(csv.contains("'" + BrokenExport.formula))
        #expect(!cells.flatMap { $0 }.contains { $0.hasPrefix("=") || $0.hasPrefix("\"=") }, "no cell a spreadsheet would run")
    }

    @Test("a file that is not UTF-8 is refused whole with a reason", arguments: TestDatabase.kinds)
    func notUTF8(kind: DatabaseKind) async throws {
        // "José" in Windows-1252: 0xE9 is not valid UTF-8 on its own.
        var bytes = Data((EmployeeField.canonicalHeader + "\r\nE1,Jos").utf8)
        bytes.append(0xE9)
        bytes.append(contentsOf: Data(",Silva,,,,,,BR,,,,,,,,,desk,,,,,\r\n".utf8))
        try await TestDatabase.with(kind, migrator: peopleMigrator) { (database: Database) async throws in
            let importer = EmployeeImporter(store: ImportStore(database: database))
            var upload = request("", skip: true)
            upload.data = bytes
            let error = await #expect(throws: AppError.self) { try await importer.run(upload, by: Self.actor) }
            #expect(error?.code == "wrong_encoding")
            #expect(error?.message.contains("not valid UTF-8") == true)
            #expect(try await EmployeeStore(database: database).count() == 0)
        }
    }
}
