import Foundation
import People
import TandemCore
import Testing

@Suite("Import planner")
struct ImportPlannerTests {
    static let header = "employee_id,given_name,family_name,work_email,country,time_zone,language,hire_date,manager_id,worker_type"
    var options: ImportOptions {
        var options = ImportOptions()
        options.today = "2026-11-23"
        options.allowSensitive = true
        return options
    }

    func plan(_ csv: String, existing: [String: Employee] = [:], mode: ImportPlan.Mode = .full) throws -> ImportPlan {
        var options = self.options
        options.mode = mode
        return try ImportPlanner.plan(csv: csv, mapping: nil, existing: existing, options: options)
    }

    @Test("a clean file plans creates; the same file against its result plans nothing")
    func idempotent() throws {
        let csv = """
            \(Self.header)
            E1,Ana,Souza,ana@example.com,BR,America/Sao_Paulo,pt-BR,2024-03-01,,frontline
            E2,Ben,Okafor,ben@example.com,GB,Europe/London,en-GB,2020-01-15,E1,desk
            """
        let first = try plan(csv)
        #expect(first.creates.map(\.employeeId) == ["E1", "E2"])
        #expect(first.rejected.isEmpty && first.totalRows == 2)
        var existing: [String: Employee] = [:]
        for (index, employee) in first.creates.enumerated() {
            var stored = employee
            stored.id = Int64(index + 1)
            existing[employee.employeeId] = stored
        }
        let second = try plan(csv, existing: existing)
        #expect(second.creates.isEmpty && second.updates.isEmpty && second.deactivations.isEmpty)
        #expect(second.unchanged == 2)
    }

    @Test("every bad row is reported with its line and reason; good rows still plan")
    func rejections() throws {
        let csv = """
            \(Self.header)
            E1,Ana,Souza,ana@example.com,BR,America/Sao_Paulo,pt-BR,2024-03-01,,frontline
            E2,Ben,Okafor,not-an-email,GB,Europe/London,en-GB,2020-01-15,,desk
            E3,Cai,Lin,cai@example.com,XX,Asia/Shanghai,zh-CN,2021-02-30,,desk
            E1,Dup,Licate,dup@example.com,US,America/Chicago,en-US,2022-01-01,,desk
            E4,Ragged,Row,ragged@example.com,US
            E5,Eve,Moss,eve@example.com,US,Mars/Base,en-US,2022-01-01,,desk
            E6,Fay,Nunes,fay@example.com,US,America/Chicago,en-US,2022-01-01,E99,desk
            E7,Gus,Ortiz,gus@example.com,US,America/Chicago,en-US,2022-01-01,,robot
            ,No,Id,noid@example.com,US,America/Chicago,en-US,2022-01-01,,desk
            E8,"Quoted, Name",Park,"multi
            line@example.com",US,America/Chicago,en-US,2022-01-01,,desk
            E9,Ivy,Quinn,ivy@example.com,US,America/Chicago,en-US,2022-01-01,,desk
            """
        let result = try plan(csv)
        let byLine = Dictionary(uniqueKeysWithValues: result.rejected.map { ($0.line, $0) })
        #expect(byLine[3]?.field == "work_email")
        #expect(byLine[4]?.field == "country")
        #expect(byLine[5]?.message.contains("first on line 2") == true)
        #expect(byLine[6]?.message.contains("5 fields but the header has 10") == true)
        #expect(byLine[7]?.field == "time_zone")
        #expect(byLine[8]?.message.contains("Manager E99") == true)
        #expect(byLine[9]?.field == "worker_type")
        #expect(byLine[10]?.field == "employee_id")
        #expect(byLine[11]?.field == "work_email", "a quoted newline is one record that starts on line 11")
        #expect(result.creates.map(\.employeeId) == ["E1", "E9"])
        #expect(result.creates[1].givenName == "Ivy")
        #expect(result.rejected.count == 9)
    }

    @Test("CSV records: CRLF, lone CR, escaped quotes and quoted line breaks keep line numbers right")
    func csvShapes() throws {
        let csv = "employee_id,given_name,family_name,country,job_title\r\n"
            + "E1,\"O\"\"Neil\",Ann,IE,\"Head, \"\"Ops\"\"\"\r"
            + "E2,Bo,\"Two\nLines\",US,\r\n"
            + "E3,Cy,Three,XX,\n"
            + "E4,Di,\"Four\"x,US,"
        let result = try plan(csv)
        #expect(result.creates.map(\.employeeId) == ["E1", "E4"])
        #expect(result.creates.first?.givenName == "O\"Neil")
        #expect(result.creates.first?.jobTitle == "Head, \"Ops\"")
        #expect(result.creates.last?.familyName == "Fourx", "text after a closing quote is kept")
        #expect(result.rejected.map(\.line) == [3, 5], "E2's name has a line break; E3 starts on line 5")
        #expect(result.totalRows == 4)
    }

    @Test("a rejected manager's reports are rejected too, down the whole line, unless the manager is already in Tandem")
    func rejectedManagers() throws {
        let csv = """
            employee_id,given_name,family_name,country,manager_id,hire_date
            M1,Mia,Boss,US,,2024-02-30
            R1,Rae,One,US,M1,
            R2,Rex,Two,US,R1,
            K1,Kim,Kept,US,,
            K2,Kit,Kept,US,K1,
            """
        let result = try plan(csv)
        #expect(result.rejected.map(\.line) == [2, 3, 4])
        #expect(result.rejected[1].message == "Manager M1 is not in Tandem and their row (line 2) was rejected.")
        #expect(result.rejected[2].message == "Manager R1 is not in Tandem and their row (line 3) was rejected.")
        #expect(result.creates.map(\.employeeId) == ["K1", "K2"])

        var existing: [String: Employee] = [:]
        var stored = try #require(try plan("employee_id,given_name,family_name,country\nM1,Mia,Boss,US").creates.first)
        stored.id = 1
        existing["M1"] = stored
        let withManager = try plan(csv, existing: existing)
        #expect(withManager.rejected.map(\.line) == [2], "M1 stays in Tandem, so their reports keep a real manager")
    }

    @Test("a full file deactivates the missing; a partial file does not; the safety share is computed")
    func deactivations() throws {
        var existing: [String: Employee] = [:]
        for index in 1...10 {
            var employee = try #require(try plan("employee_id,given_name,family_name,country\nE\(index),A,B,US").creates.first)
            employee.id = Int64(index)
            existing[employee.employeeId] = employee
        }
        let csv = "employee_id,given_name,family_name,country,termination_date\n" + (1...7).map { "E\($0),A,B,US," + ($0 == 7 ? "2026-11-01" : "") }.joined(separator: "\n")
        let full = try plan(csv, existing: existing)
        #expect(full.deactivations.sorted() == ["E10", "E7", "E8", "E9"])
        #expect(full.activeBefore == 10)
        #expect(full.exceedsSafetyStop(threshold: 0.2))
        #expect(!full.exceedsSafetyStop(threshold: 0.5))
        let partial = try plan(csv, existing: existing, mode: .partial)
        #expect(partial.deactivations == ["E7"])
    }

    @Test("a row with an unreadable id stops absence-based deactivation")
    func unreadableIDs() throws {
        var existing: [String: Employee] = [:]
        var employee = try #require(try plan("employee_id,given_name,family_name,country\nE1,A,B,US").creates.first)
        employee.id = 1
        existing["E1"] = employee
        let result = try plan("employee_id,given_name,family_name,country\nE 1,A,B,US", existing: existing)
        #expect(result.deactivations.isEmpty)
        #expect(!result.notes.isEmpty)
    }

    @Test("file-level problems are refused with a clear reason")
    func fileProblems() throws {
        #expect(throws: AppError.self) { try plan("") }
        #expect(throws: AppError.self) { try plan("given_name,family_name\nA,B") }
        #expect(throws: AppError.self) { try ImportPlanner.text(from: Data([0x45, 0x31, 0xE9, 0x0A])) }
        #expect(throws: AppError.self) { try ImportPlanner.text(from: Data([0xFF, 0xFE, 0x45, 0x00])) }
        #expect(try ImportPlanner.text(from: Data([0xEF, 0xBB, 0xBF, 0x41])) == "A")
        var noSensitive = options
        noSensitive.allowSensitive = false
        #expect(throws: AppError.self) { try ImportPlanner.plan(csv: "employee_id,annual_pay\nE1,5", mapping: nil, existing: [:], options: noSensitive) }
    }

    @Test("a mapping renames HRIS columns; unknown columns are listed as ignored")
    func mapping() throws {
        let mapping = try ImportMapping.parse(json: Data(#"{"Worker ID":"employee_id","First Name":"given_name","Last Name":"family_name","Country Code":"country"}"#.utf8))
        let result = try ImportPlanner.plan(csv: "Worker ID,First Name,Last Name,Country Code,Shoe Size\nW-1,Zoe,Ng,sg,42", mapping: mapping, existing: [:], options: options)
        #expect(result.creates.first?.country == "SG")
        #expect(result.ignoredColumns == ["Shoe Size"])
        #expect(throws: AppError.self) { try ImportMapping.parse(json: Data(#"{"A":"salary"}"#.utf8)) }
        #expect(ImportMapping.automatic(header: ["Employee ID", "given-name", "Family Name"]).columns.count == 3)
    }

    @Test("a full import leaves people the identity provider keeps to it, and says so")
    func protectedFromDeactivation() throws {
        let csv = """
            \(Self.header)
            E1,Ana,Souza,ana@example.com,BR,America/Sao_Paulo,pt-BR,2024-03-01,,frontline
            E2,Ben,Okafor,ben@example.com,GB,Europe/London,en-GB,2020-01-15,E1,desk
            E3,Chen,Li,chen@example.com,SG,Asia/Singapore,en,2021-05-01,E1,desk
            """
        var existing: [String: Employee] = [:]
        for (index, employee) in try plan(csv).creates.enumerated() {
            var stored = employee
            stored.id = Int64(index + 1)
            existing[employee.employeeId] = stored
        }
        let onlyAna = "\(Self.header)\nE1,Ana,Souza,ana@example.com,BR,America/Sao_Paulo,pt-BR,2024-03-01,,frontline"
        #expect(try plan(onlyAna, existing: existing).deactivations == ["E2", "E3"])
        var options = self.options
        options.protected = ["E3"]
        let kept = try ImportPlanner.plan(csv: onlyAna, mapping: nil, existing: existing, options: options)
        #expect(kept.deactivations == ["E2"])
        #expect(kept.notes.contains { $0.contains("identity provider") && $0.contains("E3") })
    }
}
