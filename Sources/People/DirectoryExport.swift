public import Audit
import Foundation
public import Hummingbird
import NIOCore
public import TandemCore

/// The directory as CSV, with the page's filters. Pay, HCE and benefits are columns only for HR;
/// custom attributes follow as `attr.NAME` columns (HR-only ones for HR); cells cannot run as
/// spreadsheet formulas. Rows are streamed a thousand at a time, so a
/// million-person export does not sit in memory, and each export is audited.
struct DirectoryExport {
    let employees: EmployeeStore

    static let plainHeader = [
        "employee_id", "given_name", "family_name", "preferred_name", "work_email", "mobile_phone", "language", "time_zone", "country", "region",
        "site", "department", "team", "job_title", "job_level", "manager_id", "employment_type", "worker_type", "hire_date", "termination_date", "status",
    ]
    static let sensitiveHeader = ["pay_band", "annual_pay", "pay_currency", "hce", "benefits"]

    static func row(_ e: Employee, today: String, attributes: [AttributeDefinition]) -> [String] {
        var row = [
            e.employeeId, e.givenName, e.familyName, e.preferredName ?? "", e.workEmail ?? "", e.mobilePhone ?? "", e.language, e.timeZone, e.country,
            e.region ?? "", e.site ?? "", e.department ?? "", e.team ?? "", e.jobTitle ?? "", e.jobLevel ?? "", e.managerId ?? "",
            e.employmentType.rawValue, e.workerType.rawValue, e.hireDate ?? "", e.terminationDate ?? "", e.status(on: today).rawValue,
        ]
        if let s = e.sensitive {
            let benefits = s.benefits.map { "\($0.plan):\($0.enrolled ? "enrolled" : "not enrolled")\($0.deferralPercent.map { ":\($0)%" } ?? "")" }
            row += [s.payBand ?? "", s.annualPay.map { String($0) } ?? "", s.payCurrency ?? "", s.hce ? "true" : "false", benefits.joined(separator: "; ")]
        }
        row += attributes.map { e.attributes[$0.name] ?? "" }
        return row
    }

    func response(_ filter: EmployeeFilter, includeSensitive: Bool, by actor: AuditActor) async throws -> Response {
        try await employees.recordExport(filter, includeSensitive: includeSensitive, by: actor)
        let today = EmployeeRules.today()
        let store = employees
        let attributes = try await AttributeStore(database: employees.database).visible(includeSensitive: includeSensitive)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CSVWriter.line(Self.plainHeader + (includeSensitive ? Self.sensitiveHeader : []) + attributes.map(\.fieldName))))
            var cursor: Int64?
            repeat {
                let page = try await store.list(filter, cursor: cursor, limit: 1_000, includeSensitive: includeSensitive, today: today)
                var chunk = ""
                for employee in page.items { chunk += CSVWriter.line(Self.row(employee, today: today, attributes: attributes)) }
                try await writer.write(ByteBuffer(string: chunk))
                cursor = page.nextCursor.flatMap { Int64($0) }
            } while cursor != nil
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"tandem-people-\(today).csv\"", .cacheControl: "no-store"],
            body: body)
    }
}

extension EmployeeStore {
    /// Exports of personal data are recorded: who took which slice, and whether pay was in it.
    func recordExport(_ filter: EmployeeFilter, includeSensitive: Bool, by actor: AuditActor) async throws {
        let described = [("q", filter.text), ("country", filter.country), ("department", filter.department), ("site", filter.site),
                         ("worker_type", filter.workerType?.rawValue), ("status", filter.status?.rawValue)]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: ", ")
        try await database.transaction { db in
            try await AuditStore.append(
                AuditEntry(action: "employees.export", entityType: "employee", entityID: "*",
                           summary: "Exported the people directory as CSV" + (described.isEmpty ? "" : " (\(described))") + (includeSensitive ? " with pay and benefits" : ""),
                           after: ["filters": described, "sensitive": String(includeSensitive)]),
                by: actor, on: db)
        }
    }
}
