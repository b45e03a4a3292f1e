import Audit
import Foundation
import Hummingbird
import People
import TandemCore
import TandemUI

/// GDPR requests about one employee, for HR: export everything Tandem holds (JSON), and erase
/// a leaver's personal data. Pages sit on the employee's profile; the API mirrors them.
struct PrivacyRoutes {
    let service: PersonalDataService
    let employees: EmployeeStore

    func register(in table: RouteTable) {
        let access = PeopleAccess.sensitive

        table.page(.get, "/people/{id}/export.json", access) { _, context in
            let employee = try await find(context)
            let export = try await service.export(employeeID: employee.employeeId)
            let body = String(decoding: try JSONCoding.encoder.encode(export), as: UTF8.self)
            return Reply.download(body, filename: "tandem-personal-data-\(employee.id).json", contentType: "application/json; charset=utf-8")
        }

        table.page(.post, "/people/{id}/erase", access) { request, context in
            let employee = try await find(context)
            let form = try await request.form(context: context)
            guard form.text("confirm_employee_id") == employee.employeeId else {
                return Pages.redirect("/people/\(employee.id)", flash: Flash(.error, "Type the employee id \(employee.employeeId) to confirm the erasure."), context: context)
            }
            do {
                let result = try await service.erase(employeeID: employee.employeeId, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
                return Pages.redirect("/people/\(employee.id)", flash: Flash(.success, "Erased. The record is now \(result.replacement); \(result.records) records changed."), context: context)
            } catch let error as AppError where error.status == .conflict {
                return Pages.redirect("/people/\(employee.id)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.api(.get, "/api/v1/employees/{id}/export", access,
                  APIOperation(id: "exportEmployeeData", summary: "Everything Tandem holds about one employee (GDPR access and portability), hr only", tag: "People",
                               parameters: [.pathID()], success: APIOperation.ok(.object([
                                   Schema.Property("employee_id", .text), Schema.Property("exported_at", .dateTime),
                                   Schema.Property("sections", .object([], additionalProperties: true)),
                               ])), errors: [404])) { _, context in
            let employee = try await find(context)
            return try Reply.json(try await service.export(employeeID: employee.employeeId))
        }

        table.api(.post, "/api/v1/employees/{id}/erase", access,
                  APIOperation(id: "eraseEmployeeData", summary: "Erase a leaver's personal data in every feature (GDPR erasure), hr only", tag: "People",
                               parameters: [.pathID()],
                               requestBody: .object([Schema.Property("confirm_employee_id", .line(1...64), description: "The employee's HRIS id, typed again to confirm.")]),
                               success: APIOperation.ok(.object([Schema.Property("replacement", .text), Schema.Property("records", .integer(minimum: 0))])),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let employee = try await find(context)
            struct Body: Decodable { let confirmEmployeeId: String }
            let body = try await request.json(Body.self, context: context)
            guard body.confirmEmployeeId.trimmed == employee.employeeId else {
                throw AppError.invalid("confirm_employee_id", "Give the employee's id, \(employee.employeeId), to confirm the erasure.")
            }
            let result = try await service.erase(employeeID: employee.employeeId, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            struct Erased: Encodable { let replacement: String; let records: Int }
            return try Reply.json(Erased(replacement: result.replacement, records: result.records))
        }
    }

    func find(_ context: TandemContext) async throws -> Employee {
        guard let employee = try await employees.find(id: try context.pathID(what: "Employee"), includeSensitive: false) else { throw AppError.notFound("Employee") }
        return employee
    }
}
