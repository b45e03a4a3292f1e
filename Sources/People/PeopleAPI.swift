import Foundation
import Hummingbird
import TandemCore

enum PeopleAPI {
    static let employee = Schema.object([
        Schema.Property("id", .id), Schema.Property("employee_id", .text), Schema.Property("given_name", .text),
        Schema.Property("family_name", .text), Schema.Property("preferred_name", .nullable(.text), required: false),
        Schema.Property("work_email", .nullable(.text), required: false), Schema.Property("mobile_phone", .nullable(.text), required: false),
        Schema.Property("language", .text), Schema.Property("time_zone", .text), Schema.Property("country", .text),
        Schema.Property("region", .nullable(.text), required: false), Schema.Property("site", .nullable(.text), required: false),
        Schema.Property("department", .nullable(.text), required: false), Schema.Property("team", .nullable(.text), required: false),
        Schema.Property("job_title", .nullable(.text), required: false), Schema.Property("job_level", .nullable(.text), required: false),
        Schema.Property("manager_id", .nullable(.text), required: false),
        Schema.Property("employment_type", .enumeration(EmploymentType.allCases.map(\.rawValue))),
        Schema.Property("worker_type", .enumeration(WorkerType.allCases.map(\.rawValue))),
        Schema.Property("hire_date", .nullable(.string(format: "date")), required: false),
        Schema.Property("termination_date", .nullable(.string(format: "date")), required: false),
        Schema.Property("status", .enumeration(EmployeeStatus.allCases.map(\.rawValue))),
        Schema.Property("sensitive", .nullable(.object([
            Schema.Property("pay_band", .nullable(.text), required: false), Schema.Property("annual_pay", .nullable(.number), required: false),
            Schema.Property("pay_currency", .nullable(.text), required: false), Schema.Property("hce", .boolean),
            Schema.Property("benefits", .array(.object([
                Schema.Property("plan", .text), Schema.Property("enrolled", .boolean),
                Schema.Property("deferral_percent", .nullable(.number), required: false),
            ]))),
        ])), required: false, description: "Pay and benefits; present only for hr and admin."),
        Schema.Property("attributes", .map(.text), description: "Custom attribute values by attribute name; HR-only attributes only for hr and admin."),
    ])
    static let page = Schema.object([Schema.Property("data", .array(.ref("Employee"))), Schema.Property("next_cursor", .nullable(.text), required: false)])
    static let filters: [APIParameter] = [
        APIParameter("q", in: .query, .string(minLength: 1, maxLength: 100, pattern: TextRules.singleLinePattern), description: "Words in the name, email, employee id or job title."),
        APIParameter("country", in: .query, .string(minLength: 1, maxLength: 2, pattern: TextRules.singleLinePattern), description: "ISO 3166 country code."),
        APIParameter("department", in: .query, .string(minLength: 1, maxLength: 100, pattern: TextRules.singleLinePattern), description: "Department."),
        APIParameter("site", in: .query, .string(minLength: 1, maxLength: 100, pattern: TextRules.singleLinePattern), description: "Site or location."),
        APIParameter("worker_type", in: .query, .enumeration(WorkerType.allCases.map(\.rawValue)), description: "desk or frontline."),
        APIParameter("status", in: .query, .enumeration(EmployeeStatus.allCases.map(\.rawValue)), description: "active or leaver."),
    ]

    /// The wire form adds the derived status.
    struct EmployeeJSON: Encodable {
        let employee: Employee
        let status: EmployeeStatus
        func encode(to encoder: any Encoder) throws {
            try employee.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(status, forKey: .status)
        }
        enum Key: String, CodingKey { case status }
    }
    struct List: Encodable { let data: [EmployeeJSON]; let nextCursor: String? }

    /// `strict` (the API) refuses a parameter given with no value; the page's form sends empty filters.
    static func filter(from request: Request, strict: Bool = false) throws -> EmployeeFilter {
        func value(_ name: String, max: Int = 100) throws -> String? { try request.queryText(name, max: max, strict: strict) }
        var filter = EmployeeFilter(text: try value("q"), country: try value("country", max: 2)?.uppercased(), department: try value("department"), site: try value("site"))
        if let raw = try value("worker_type") {
            guard let type = WorkerType(rawValue: raw) else { throw AppError(.badRequest, code: "invalid_parameter", message: "'worker_type' must be desk or frontline.", field: "worker_type") }
            filter.workerType = type
        }
        if let raw = try value("status") {
            guard let status = EmployeeStatus(rawValue: raw) else { throw AppError(.badRequest, code: "invalid_parameter", message: "'status' must be active or leaver.", field: "status") }
            filter.status = status
        }
        return filter
    }
}
