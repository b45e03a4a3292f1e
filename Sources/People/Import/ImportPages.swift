import Foundation
import TandemCore
import TandemUI

enum ImportPages {
    static func start(_ page: PageContext, history: [ImportRecord], saved: ImportMapping?) -> [HTMLNode] {
        let format = Date.FormatStyle(date: .abbreviated, time: .shortened)
        return [
            UI.heading("Import employees", subtitle: "Upload a CSV export from your HRIS (Workday, BambooHR, SuccessFactors…). You will see what changes before anything is written."),
            el("form", [("method", "post"), ("action", "/people/import"), ("enctype", "multipart/form-data")], [
                Layout.csrfField(page.csrfToken),
                el("div", [("class", "field")], [
                    el("label", [("for", "f-file")], text: "CSV file (UTF-8)"),
                    void("input", [("type", "file"), ("id", "f-file"), ("name", "file"), ("accept", ".csv,text/csv"), ("required", "required")]),
                ]),
                UI.select("The file holds", name: "mode", options: [
                    (value: "full", title: "the whole workforce: deactivate anyone missing from it"),
                    (value: "partial", title: "only some employees: leave everyone else as they are"),
                ], selected: "full"),
                UI.checkboxes("Bad rows", name: "skip_bad_rows", options: [(value: "on", title: "Skip rejected rows and import the rest (default: any bad row stops the import)")], checked: []),
                el("button", [("type", "submit")], text: "Check file"),
            ]),
            UI.card("Columns", [
                el("p", text: "Columns named like these fields map themselves (any subset, any order); other columns are listed as ignored:"),
                el("p", [], [el("code", text: EmployeeField.canonicalHeader)]),
                el("p", [], [text("Columns named "), el("code", text: "attr.NAME"), text(" fill "), link("custom attributes", "/people/attributes"), text(" (define the attribute first).")]),
                el("p", [("class", "hint")], text: "Dates are YYYY-MM-DD, phones international (+44 …), countries ISO codes (US, DE), languages BCP 47 (en-GB), time zones IANA (Europe/Berlin). Employees are matched by employee_id; importing the same file twice changes nothing."),
                saved.map { el("p", [("class", "hint")], text: "A saved column mapping from an earlier import is applied: \($0.json)") } ?? text(""),
            ]),
            UI.table(caption: "Import history", headers: ["When", "By", "File", "Mode", "Rows", "Created", "Updated", "Deactivated", "Skipped"], rows: history.map { r in
                [text(r.at.formatted(format)), text(r.actor), text(r.fileName), text(r.mode), text(String(r.totalRows)), text(String(r.created)),
                 text(String(r.updated)), text(String(r.deactivated)), text(String(r.rejected))]
            }, empty: "No imports yet."),
        ]
    }

    static func report(_ page: PageContext, plan: ImportPlan, upload: String, fileName: String, refusal: String?, options: ImportOptions, confirmed: Bool) -> [HTMLNode] {
        let needsConfirmation = plan.exceedsSafetyStop(threshold: EmployeeImporter.defaultSafetyThreshold)
        var nodes: [HTMLNode] = [
            UI.heading("Check \(fileName)", subtitle: "Nothing has been written yet."),
            refusal.map { el("p", [("class", "flash error"), ("role", "alert")], text: $0) } ?? text(""),
            el("div", [("class", "grid")], [
                stat("Rows", plan.totalRows), stat("To create", plan.creates.count), stat("To update", plan.updates.count),
                stat("Unchanged", plan.unchanged), stat("To deactivate", plan.deactivations.count), stat("Rejected", plan.rejected.count),
            ]),
        ]
        nodes += plan.notes.map { el("p", [("class", "flash info")], text: $0) }
        if !plan.ignoredColumns.isEmpty {
            nodes.append(el("p", [("class", "hint")], text: "Ignored columns (no matching field): " + plan.ignoredColumns.joined(separator: ", ")))
        }
        if !plan.rejected.isEmpty {
            nodes.append(UI.table(caption: "Rejected rows" + (plan.rejected.count > 500 ? " (first 500 of \(plan.rejected.count))" : ""),
                                  headers: ["Line", "Employee id", "Field", "Why"], rows: plan.rejected.prefix(500).map { r in
                [text(String(r.line)), text(r.employeeId ?? "—"), text(r.field ?? "—"), text(r.message)]
            }, empty: ""))
            nodes.append(el("p", [], [link("Download all rejected rows as CSV", "/people/import/\(upload)/rejections.csv")]))
        }
        if !plan.deactivations.isEmpty {
            nodes.append(el("p", [], [el("strong", text: "Will become leavers: "),
                                      text(plan.deactivations.prefix(50).joined(separator: ", ") + (plan.deactivations.count > 50 ? " and \(plan.deactivations.count - 50) more" : ""))]))
        }
        let canApply = plan.rejected.isEmpty || options.skipBadRows
        var fields: [HTMLNode] = [
            Layout.csrfField(page.csrfToken),
            void("input", [("type", "hidden"), ("name", "mode"), ("value", options.mode.rawValue)]),
        ]
        if options.skipBadRows { fields.append(void("input", [("type", "hidden"), ("name", "skip_bad_rows"), ("value", "on")])) }
        if needsConfirmation {
            fields.append(UI.checkboxes("Large deactivation", name: "confirm_deactivations",
                                        options: [(value: "on", title: "Yes, deactivate \(plan.deactivations.count) of \(plan.activeBefore) active employees")],
                                        checked: confirmed ? ["on"] : []))
        }
        fields.append(el("button", [("type", "submit")], text: canApply ? "Apply import" : "Apply is blocked by rejected rows"))
        if canApply && (plan.creates.count + plan.updates.count + plan.deactivations.count) > 0 {
            nodes.append(el("form", [("method", "post"), ("action", "/people/import/\(upload)/apply")], fields))
        }
        nodes.append(el("p", [], [link("← Upload another file", "/people/import")]))
        return nodes
    }

    static func stat(_ label: String, _ value: Int) -> HTMLNode {
        el("section", [("class", "card")], [el("h2", text: label), el("p", [("class", "stat")], text: String(value))])
    }
}
