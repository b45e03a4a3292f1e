import Audit
public import Foundation
public import Hummingbird
public import TandemCore
public import TandemStore
public import TandemUI

/// The people directory: HR's employee data, visible to HR, IC and Marketing; pay and benefits
/// only to HR (and admins).
public struct PeopleFeature: Sendable {
    public let employees: EmployeeStore
    public let imports: ImportStore
    public let importer: EmployeeImporter
    public let attributes: AttributeStore
    public static let migrations = PeopleMigrations.all

    /// `managedElsewhere` names employees another system provisions (SCIM), which full CSV
    /// imports do not deactivate.
    /// Names of what uses a custom attribute (saved audiences), asked before it changes or goes.
    let attributeUsers: @Sendable (String) async throws -> [String]

    public init(database: Database, managedElsewhere: @escaping @Sendable () async throws -> Set<String> = { [] },
                attributeUsers: @escaping @Sendable (String) async throws -> [String] = { _ in [] }) {
        self.attributeUsers = attributeUsers
        employees = EmployeeStore(database: database)
        imports = ImportStore(database: database)
        attributes = AttributeStore(database: database)
        importer = EmployeeImporter(store: imports, managedElsewhere: managedElsewhere)
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("People", "/people", PeopleAccess.directory), NavItem("Import", "/people/import", ImportRoutes.access)])
        ImportRoutes(importer: importer, store: imports).register(in: table)
        AttributeRoutes(store: attributes, users: attributeUsers).register(in: table)
        table.component("Employee", PeopleAPI.employee)

        table.page(.get, "/people", PeopleAccess.directory) { request, context in
            let filter = try PeopleAPI.filter(from: request)
            let page = try await employees.list(filter, cursor: try Cursor.decode(request.query("cursor")), limit: 50, includeSensitive: false)
            let summary = try await employees.summary()
            let facets = (countries: summary.countries, departments: summary.departments, sites: summary.sites)
            let total = summary.total
            return Pages.render(request, context, title: "People") {
                PeoplePages.list($0, filter: filter, page: page, total: total, facets: facets, query: request.uri.query ?? "")
            }
        }

        table.page(.get, "/people/export.csv", PeopleAccess.directory) { request, context in
            try await DirectoryExport(employees: employees).response(
                try PeopleAPI.filter(from: request), includeSensitive: PeopleAccess.canSeeSensitive(context.identity),
                by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
        }

        table.page(.get, "/people/{id}", PeopleAccess.directory) { request, context in
            let sensitive = PeopleAccess.canSeeSensitive(context.identity)
            guard let employee = try await employees.find(id: try context.pathID(what: "Employee"), includeSensitive: sensitive) else { throw AppError.notFound("Employee") }
            let manager = try await employee.managerId.asyncMap { try await employees.find(employeeID: $0, includeSensitive: false) } ?? nil
            let definitions = try await attributes.visible(includeSensitive: sensitive)
            return Pages.render(request, context, title: employee.displayName) { PeoplePages.detail($0, employee: employee, manager: manager, attributes: definitions) }
        }

        table.api(.get, "/api/v1/employees", PeopleAccess.directory,
                  APIOperation(id: "listEmployees", summary: "List employees (pay and benefits only for hr)", tag: "People",
                               parameters: PeopleAPI.filters + [.cursor, .limit], success: APIOperation.ok(PeopleAPI.page), errors: [400])) { request, context in
            let today = EmployeeRules.today()
            let page = try await employees.list(
                try PeopleAPI.filter(from: request, strict: true), cursor: try Cursor.decode(request.query("cursor")), limit: try Cursor.limit(request.query("limit")),
                includeSensitive: PeopleAccess.canSeeSensitive(context.identity), today: today)
            return try Reply.json(PeopleAPI.List(data: page.items.map { .init(employee: $0, status: $0.status(on: today)) }, nextCursor: page.nextCursor))
        }

        table.api(.get, "/api/v1/employees/{id}", PeopleAccess.directory,
                  APIOperation(id: "getEmployee", summary: "One employee", tag: "People", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("Employee")), errors: [404])) { _, context in
            guard let employee = try await employees.find(id: try context.pathID(what: "Employee"), includeSensitive: PeopleAccess.canSeeSensitive(context.identity)) else {
                throw AppError.notFound("Employee")
            }
            return try Reply.json(PeopleAPI.EmployeeJSON(employee: employee, status: employee.status(on: EmployeeRules.today())))
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
