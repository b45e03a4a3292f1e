import People
import TandemCore
import Testing

@Suite("Employee rules")
struct EmployeeRulesTests {
    @Test("language tags are normalised", arguments: [("en", "en"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("", "en")])
    func languages(raw: String, expected: String) throws {
        #expect(try EmployeeRules.language(raw) == expected)
    }

    @Test("bad language tags are refused", arguments: ["english", "e", "en_US", "en--GB", "1a"])
    func badLanguages(raw: String) {
        #expect(throws: AppError.self) { try EmployeeRules.language(raw) }
    }

    @Test("phone numbers become E.164")
    func phones() throws {
        #expect(try EmployeeRules.phone("+44 20 7946-0958") == "+442079460958")
        #expect(try EmployeeRules.phone(" ") == nil)
        for bad in ["020 7946 0958", "+0123456789", "+12", "+1 555 CALL NOW"] {
            #expect(throws: AppError.self, "\(bad)") { try EmployeeRules.phone(bad) }
        }
    }

    @Test("time zones and countries must be real")
    func zonesAndCountries() throws {
        #expect(try EmployeeRules.timeZone("Europe/Berlin") == "Europe/Berlin")
        #expect(throws: AppError.self) { try EmployeeRules.timeZone("Mars/Olympus") }
        #expect(throws: AppError.self) { try EmployeeRules.timeZone("CET ") == "CET" ? () : () }
        #expect(try EmployeeRules.country("br") == "BR")
        #expect(throws: AppError.self) { try EmployeeRules.country("XX") }
        #expect(throws: AppError.self) { try EmployeeRules.country("Germany") }
    }

    @Test("dates are real calendar days written YYYY-MM-DD")
    func dates() throws {
        #expect(try EmployeeRules.date("2024-02-29", field: "hire_date") == "2024-02-29")
        for bad in ["2023-02-29", "2024-13-01", "24-01-01", "01/02/2024", "2024-1-1"] {
            #expect(throws: AppError.self, "\(bad)") { try EmployeeRules.date(bad, field: "hire_date") }
        }
    }

    @Test("employee ids are short and plain")
    func ids() throws {
        #expect(try EmployeeRules.employeeID(" E-001 ") == "E-001")
        #expect(throws: AppError.self) { try EmployeeRules.employeeID("") }
        #expect(throws: AppError.self) { try EmployeeRules.employeeID("E 001") }
        #expect(throws: AppError.self) { try EmployeeRules.employeeID("E001;DROP") }
    }

    @Test("the demo workforce is reproducible and valid")
    func demo() throws {
        let first = DemoPeople.generate(count: 500)
        #expect(first == DemoPeople.generate(count: 500))
        #expect(Set(first.map(\.employeeId)).count == 500)
        #expect(Set(first.map(\.country)).count >= 8)
        #expect(first.contains { $0.workerType == .frontline && $0.workEmail == nil })
        for employee in first {
            #expect(try EmployeeRules.language(employee.language) == employee.language)
            #expect(try EmployeeRules.timeZone(employee.timeZone) == employee.timeZone)
            #expect(try EmployeeRules.country(employee.country) == employee.country)
            #expect(try EmployeeRules.phone(employee.mobilePhone) == employee.mobilePhone)
            #expect(try EmployeeRules.date(employee.hireDate, field: "hire_date") == employee.hireDate)
            if employee.sensitive?.hce == true { #expect(employee.country == "US" && (employee.sensitive?.annualPay ?? 0) >= 160_000) }
        }
        let ids = Set(first.map(\.employeeId))
        #expect(first.compactMap(\.managerId).allSatisfy { ids.contains($0) }, "managers exist in the workforce")
    }
}
