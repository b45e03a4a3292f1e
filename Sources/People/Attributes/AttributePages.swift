import Foundation
import TandemCore
import TandemUI

/// Pages for custom attributes: the list with HR's form, and one attribute.
enum AttributePages {
    static func list(_ page: PageContext, attributes: [AttributeDefinition], usage: [String: Int], canWrite: Bool) -> [HTMLNode] {
        [
            UI.heading("Custom attributes", subtitle: "Fields your organisation adds to employee records. Import values with CSV columns named attr.NAME; target them in audience rules."),
            UI.table(caption: "Attributes", headers: ["Field", "Label", "Type", "Options", "Visible to", "Employees with a value"], rows: attributes.map { a in
                [link(a.fieldName, "/people/attributes/\(a.name)"), text(a.label), text(a.kind.rawValue), text(a.options.isEmpty ? "—" : a.options.joined(separator: ", ")),
                 a.sensitive ? UI.badge("HR only") : text("HR, IC, Marketing"), text(String(usage[a.name] ?? 0))]
            }, empty: canWrite ? "No custom attributes yet. Define the first one below." : "No custom attributes yet. HR defines them."),
            el("p", [], [link("← Back to people", "/people")]),
        ]
    }

    static func detail(_ page: PageContext, attribute a: AttributeDefinition, count: Int, usedBy: [String]) -> [HTMLNode] {
        [
            UI.heading(a.label, subtitle: a.description.isEmpty ? nil : a.description),
            UI.details(caption: "Attribute", [
                ("In rules and CSV files", el("code", text: a.fieldName)), ("Type", text(a.kind.rawValue)),
                ("Options", text(a.options.isEmpty ? "—" : a.options.joined(separator: ", "))),
                ("Visible to", text(a.sensitive ? "HR and admins only (like pay)" : "HR, Internal Communications and Marketing")),
                ("Employees with a value", text(String(count))),
                ("Used by saved audiences", text(usedBy.isEmpty ? "none" : usedBy.joined(separator: ", "))),
                ("Updated", text("\(a.updatedBy), \(a.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
            el("p", [], [link("← All custom attributes", "/people/attributes")]),
        ]
    }

    static func form(_ page: PageContext, attribute: AttributeDefinition?, values: FormData?, error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        let kind = values?["kind"] ?? attribute?.kind.rawValue ?? AttributeKind.text.rawValue
        let hrOnly = values.map { $0["hr_only"] == "on" } ?? attribute?.sensitive ?? false
        var children: [HTMLNode] = [
            Layout.csrfField(page.csrfToken),
            el("h2", text: attribute == nil ? "Define an attribute" : "Edit"),
        ]
        if attribute == nil {
            children.append(UI.field("Name", name: "name", value: value("name", nil), required: true,
                                     hint: "Lower-case letters, digits and _ — e.g. shift. Rules and CSV columns use attr.NAME. It cannot change later.",
                                     error: problem("name"), attributes: [("maxlength", "40"), ("pattern", "[a-z][a-z0-9_]*")]))
            children.append(UI.select("Type", name: "kind", options: AttributeKind.allCases.map { ($0.rawValue, $0.rawValue) }, selected: kind))
            if let message = problem("kind") { children.append(el("p", [("class", "field-error")], text: message)) }
        }
        children += [
            UI.field("Label", name: "label", value: value("label", attribute?.label), hint: "Shown on pages, e.g. Shift pattern.", error: problem("label"), attributes: [("maxlength", "80")]),
            UI.textArea("Options (list type only)", name: "options", value: value("options", attribute?.options.joined(separator: "\n")), rows: 4,
                        hint: "One allowed value per line.", error: problem("options")),
            UI.textArea("Description", name: "description", value: value("description", attribute?.description), rows: 2, error: problem("description")),
            UI.checkboxes("Privacy", name: "hr_only", options: [("on", "HR only: like pay, only HR sees, imports and targets it")], checked: hrOnly ? ["on"] : []),
            problem("sensitive").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            el("button", [("type", "submit")], text: attribute == nil ? "Define attribute" : "Save"),
        ]
        var nodes: [HTMLNode] = []
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        nodes.append(el("form", [("method", "post"), ("action", attribute.map { "/people/attributes/\($0.name)" } ?? "/people/attributes"), ("class", "card")], children))
        if let attribute {
            nodes.append(el("form", [("method", "post"), ("action", "/people/attributes/\(attribute.name)/delete"),
                                     ("data-confirm", "Delete \(attribute.fieldName) and every employee's value?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete attribute"),
            ]))
        }
        return nodes
    }
}
