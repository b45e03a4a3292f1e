import Foundation
import TandemCore
import TandemUI

enum PeoplePages {
    static func list(
        _ page: PageContext, filter: EmployeeFilter, page employees: Page<Employee>, total: Int,
        facets: (countries: [String], departments: [String], sites: [String]), query: String
    ) -> [HTMLNode] {
        func options(_ values: [String]) -> [(value: String, title: String)] { [(value: "", title: "Any")] + values.map { ($0, $0) } }
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("cursor=") }.joined(separator: "&")
        return [
            UI.heading("People", subtitle: "\(total) employee records from the HRIS."),
            el("p", [], [link("Custom attributes", "/people/attributes")]),
            el("form", [("method", "get"), ("action", "/people"), ("class", "filters")], [
                UI.field("Search", name: "q", type: "search", value: filter.text ?? ""),
                UI.select("Country", name: "country", options: options(facets.countries), selected: filter.country ?? ""),
                UI.select("Department", name: "department", options: options(facets.departments), selected: filter.department ?? ""),
                UI.select("Site", name: "site", options: options(facets.sites), selected: filter.site ?? ""),
                UI.select("Worker type", name: "worker_type", options: [(value: "", title: "Any"), (value: "desk", title: "Desk"), (value: "frontline", title: "Frontline")], selected: filter.workerType?.rawValue ?? ""),
                UI.select("Status", name: "status", options: [(value: "", title: "Any"), (value: "active", title: "Active"), (value: "leaver", title: "Leaver")], selected: filter.status?.rawValue ?? ""),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Filter")]),
            ]),
            UI.table(caption: "Employees", headers: ["Name", "Id", "Job", "Department", "Site", "Country", "Worker"], rows: employees.items.map { e in
                [link(e.displayName, "/people/\(e.id)"), el("code", text: e.employeeId), text(e.jobTitle ?? "—"), text(e.department ?? "—"),
                 text(e.site ?? "—"), text(e.country), text(e.workerType.rawValue)]
            }, empty: "No employees match these filters."),
            UI.pagination(next: employees.nextCursor.map { "/people?" + (kept.isEmpty ? "" : kept + "&") + "cursor=\($0)" }),
            el("p", [], [link("Export these people as CSV", "/people/export.csv" + (kept.isEmpty ? "" : "?" + kept))]),
        ]
    }

    static func detail(_ page: PageContext, employee e: Employee, manager: Employee?, attributes: [AttributeDefinition]) -> [HTMLNode] {
        func row(_ label: String, _ value: String?) -> (String, HTMLNode) { (label, text(value ?? "—")) }
        var rows: [(String, HTMLNode)] = [
            row("Employee id", e.employeeId), row("Job", [e.jobTitle, e.jobLevel].compactMap { $0 }.joined(separator: ", ")),
            row("Department / team", [e.department, e.team].compactMap { $0 }.joined(separator: " / ")),
            row("Site", e.site), row("Country / region", [e.country, e.region].compactMap { $0 }.joined(separator: " / ")),
            row("Work email", e.workEmail), row("Mobile", e.mobilePhone), row("Language", e.language), row("Time zone", e.timeZone),
            row("Employment", "\(e.employmentType.rawValue.replacingOccurrences(of: "_", with: " ")), \(e.workerType.rawValue)"),
            row("Hired", e.hireDate), row("Status", e.status(on: EmployeeRules.today()).rawValue + (e.terminationDate.map { " (last day \($0))" } ?? "")),
            ("Manager", manager.map { link($0.displayName, "/people/\($0.id)") } ?? text(e.managerId ?? "—")),
        ]
        if let s = e.sensitive {
            let pay = s.annualPay.map { $0.formatted(.currency(code: s.payCurrency ?? "USD").precision(.fractionLength(0))) }
            rows.append(row("Pay band", s.payBand))
            rows.append(row("Annual pay", pay))
            rows.append(row("Highly compensated (HCE)", s.hce ? "yes" : "no"))
            for benefit in s.benefits {
                rows.append(row("Benefit: \(benefit.plan)", benefit.enrolled ? "enrolled" + (benefit.deferralPercent.map { ", deferring \($0.formatted())%" } ?? "") : "not enrolled"))
            }
        }
        return [
            UI.heading(e.displayName, subtitle: e.jobTitle),
            UI.details(caption: e.sensitive == nil ? "Profile" : "Profile, including pay and benefits (visible to HR only)", rows),
            attributes.isEmpty ? text("") : UI.details(caption: "Custom attributes", attributes.map { a in
                (a.label + (a.sensitive ? " (HR only)" : ""), text(e.attributes[a.name].map { a.kind == .boolean ? ($0 == "true" ? "yes" : "no") : $0 } ?? "—"))
            }),
            e.sensitive == nil ? text("") : privacy(page, employee: e),
            el("p", [], [link("← Back to people", "/people")]),
        ]
    }

    /// HR's GDPR tools: export everything, and erase a leaver.
    static func privacy(_ page: PageContext, employee e: Employee) -> HTMLNode {
        var children: [HTMLNode] = [
            el("p", [], [link("Download everything Tandem holds about this person (JSON)", "/people/\(e.id)/export.json")]),
        ]
        if e.status(on: EmployeeRules.today()) == .leaver {
            children.append(el("form", [("method", "post"), ("action", "/people/\(e.id)/erase"), ("data-confirm", "Erase this person's personal data? This cannot be undone.")], [
                Layout.csrfField(page.csrfToken),
                UI.field("Type the employee id \(e.employeeId) to erase their personal data", name: "confirm_employee_id", required: true,
                         hint: "Names, contact details, job title, pay, benefits and custom attributes are removed everywhere in Tandem; country, department, site and dates stay for aggregate reports."),
                el("button", [("type", "submit"), ("class", "danger")], text: "Erase personal data"),
            ]))
        } else {
            children.append(el("p", [("class", "hint")], text: "Erasure is for leavers: record their termination date in the HRIS and import it first."))
        }
        return UI.card("Personal data (GDPR)", children)
    }
}
