import Foundation
import People
import TandemCore
import TandemUI

/// Audience pages: the list, the rule builder (new and edit) and the static-list form.
enum AudiencePages {
    static func list(_ page: PageContext, audiences: [(Audience, String)], next: String?) -> [HTMLNode] {
        [
            UI.heading("Audiences", subtitle: "Saved rules over HR data, and uploaded lists, that Communications, Marketing and HR target."),
            el("p", [], [link("New audience from a rule", "/audiences/new"), text(" · "), link("New audience from a list of employee ids", "/audiences/new?kind=list"),
                         text(" · "), link("Personas", "/personas")]),
            UI.table(caption: "Saved audiences", headers: ["Name", "Definition", "Size", "Version", "Updated"], rows: audiences.map { audience, size in
                [link(audience.name, "/audiences/\(audience.id)"),
                 audience.rule.map { el("code", text: String($0.prefix(140))) } ?? text("List of \(audience.listSize ?? 0) employee ids"),
                 group([text(size)] + (audience.usesSensitiveFields ? [text(" "), UI.badge("HR-only fields")] : [])),
                 text("v\(audience.version)"), text("\(audience.updatedBy), \(audience.updatedAt.formatted(date: .abbreviated, time: .shortened))")]
            }, empty: "No audiences saved yet. Build one from a rule, or paste a list of employee ids."),
            UI.pagination(next: next.map { "/audiences?cursor=\($0)" }),
        ]
    }

    /// The form for a new or existing audience, with the server-side preview below it.
    static func editor(
        _ page: PageContext, action: String, form: AudienceForm, audiences: [String], includeSensitive: Bool, attributes: [AttributeDefinition],
        error: AppError?, preview: AudienceCounter.Preview?, previewError: AppError?
    ) -> [HTMLNode] {
        var children: [HTMLNode] = [
            Layout.csrfField(page.csrfToken),
            void("input", [("type", "hidden"), ("name", "kind"), ("value", form.kind.rawValue)]),
            UI.field("Name", name: "name", value: form.name, required: true, error: error?.field == "name" ? error?.message : nil,
                     attributes: [("maxlength", "80")]),
            UI.textArea("Description", name: "description", value: form.description, rows: 2, hint: "What the audience is for; shown to everyone who targets it."),
        ]
        if form.kind == .list {
            children.append(UI.textArea("Employee ids", name: "employee_ids", value: form.idsText, rows: 10,
                                     hint: "One HRIS employee id per line (commas also work). Up to \(AudienceRules.maximumListSize).",
                                     error: error?.field == "employee_ids" ? error?.message : nil))
        } else {
            children.append(builder(form.builder, audiences: audiences, includeSensitive: includeSensitive, attributes: attributes))
            children.append(void("input", [("type", "hidden"), ("name", "last_rule"), ("value", form.ruleText)]))
            children.append(UI.textArea("Rule", name: "rule", value: form.ruleText, rows: 3,
                                     hint: #"The same rule as text, e.g. country in ("US","CA") and hire_date >= today - 90d. Edit either; they stay in sync."#,
                                     error: error?.field == "rule" ? error?.message : nil, attributes: [("spellcheck", "false"), ("data-rule-text", "")]))
        }
        if let error, error.field == nil {
            children.insert(el("p", [("class", "flash error"), ("role", "alert")], text: error.message), at: 0)
        }
        var buttons: [HTMLNode] = [el("button", [("type", "submit"), ("name", "intent"), ("value", "save")], text: "Save audience")]
        if form.kind == .rule { buttons.insert(el("button", [("type", "submit"), ("name", "intent"), ("value", "preview"), ("class", "secondary")], text: "Preview"), at: 0) }
        children.append(el("div", [("class", "actions")], buttons))
        return [
            el("form", [("method", "post"), ("action", action), ("id", "audience-form")], children),
            previewSection(preview, error: previewError),
        ]
    }

    static func builder(_ builder: RuleBuilder, audiences: [String], includeSensitive: Bool, attributes: [AttributeDefinition]) -> HTMLNode {
        let fields = RuleBuilder.fields(includeSensitive: includeSensitive, attributes: attributes)
        let rows = builder.conditions.enumerated().map { index, condition -> HTMLNode in
            let fieldOptions = fields.map { field in
                el("option", [("value", field.name), ("data-kind", field.kind.rawValue)] + (field.name == condition.field ? [("selected", "selected")] : []), text: field.name)
            } + [el("option", [("value", RuleBuilder.audienceField), ("data-kind", "audience")] + (condition.field == RuleBuilder.audienceField ? [("selected", "selected")] : []),
                    text: "saved audience")]
            let opOptions = RuleBuilder.operators.map { op in
                el("option", [("value", op)] + (op == condition.op ? [("selected", "selected")] : []), text: op)
            }
            return el("li", [("class", "condition")], [
                el("label", [("for", "c\(index)-field"), ("class", "visually-hidden")], text: "Field of condition \(index + 1)"),
                el("select", [("id", "c\(index)-field"), ("name", "field")], fieldOptions),
                el("label", [("for", "c\(index)-op"), ("class", "visually-hidden")], text: "Operator of condition \(index + 1)"),
                el("select", [("id", "c\(index)-op"), ("name", "op")], opOptions),
                el("label", [("for", "c\(index)-value"), ("class", "visually-hidden")], text: "Value of condition \(index + 1)"),
                void("input", [("id", "c\(index)-value"), ("name", "value"), ("type", "text"), ("value", condition.value),
                               ("placeholder", "value, e.g. US or today - 90d")]),
                el("button", [("type", "submit"), ("name", "intent"), ("value", "remove-\(index)"), ("class", "link"),
                              ("aria-label", "Remove condition \(index + 1)")], text: "Remove"),
            ])
        }
        return el("fieldset", [("class", "builder"), ("id", "rule-builder")], [
            el("legend", text: "Rule builder"),
            el("div", [("class", "field")], [
                el("label", [("for", "f-match")], text: "Match"),
                el("select", [("id", "f-match"), ("name", "match")], [
                    el("option", [("value", "all")] + (builder.match == .all ? [("selected", "selected")] : []), text: "all of these conditions (and)"),
                    el("option", [("value", "any")] + (builder.match == .any ? [("selected", "selected")] : []), text: "any of these conditions (or)"),
                ]),
            ]),
            el("ol", [("class", "conditions")], rows),
            el("datalist", [("id", "audience-names")], audiences.map { el("option", [("value", $0)], []) }),
            el("button", [("type", "submit"), ("name", "intent"), ("value", "add"), ("class", "secondary")], text: "Add condition"),
        ])
    }

    /// The live count region: filled by the server on Preview, refreshed by tandem.js as the rule changes.
    static func previewSection(_ preview: AudienceCounter.Preview?, error: AppError?) -> HTMLNode {
        var children: [HTMLNode] = [el("h2", text: "Who this selects")]
        if let error {
            children.append(el("p", [("class", "field-error"), ("data-preview-error", "")], text: error.message))
        } else if let preview {
            children.append(el("p", [("class", "stat"), ("data-preview-count", "")], text: preview.result.display))
            children.append(el("p", [("class", "hint")], text: "Active employees only, unless the rule tests status. Counts under the privacy threshold are hidden from non-HR roles."))
            children.append(el("div", [("class", "grid")], AudienceCounter.breakdownColumns.map { column in
                UI.table(caption: "By \(column.replacingOccurrences(of: "_", with: " "))", headers: [column.replacingOccurrences(of: "_", with: " ").capitalized, "People"],
                         rows: (preview.result.breakdown[column] ?? []).prefix(12).map { [text($0.value), text($0.count.map(String.init) ?? "fewer than 5")] },
                         empty: "Nobody.")
            }))
            if let sample = preview.sample {
                children.append(UI.table(caption: "Some of the people it selects", headers: ["Name", "Job", "Department", "Country"], rows: sample.map { person in
                    [link(person.name, "/people/\(person.id)"), text(person.jobTitle ?? "—"), text(person.department ?? "—"), text(person.country)]
                }, empty: "Nobody matches this rule."))
            } else if let note = preview.sampleNote {
                children.append(el("p", [("class", "hint")], text: note))
            }
        } else {
            children.append(el("p", [("class", "hint"), ("data-preview-count", "")], text: "Press Preview to count the people this rule selects."))
        }
        return el("section", [("class", "card"), ("id", "audience-preview"), ("aria-live", "polite")], children)
    }

    static func detail(_ page: PageContext, audience: Audience, size: String, versions: [AudienceVersion], personas: [Persona], referrers: [String], canEdit: Bool) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading(audience.name, subtitle: audience.description.isEmpty ? nil : audience.description),
            UI.details(caption: "Audience", [
                ("Definition", audience.rule.map { el("code", text: $0) } ?? text("A list of \(audience.listSize ?? 0) employee ids")),
                ("Size now", text(size)), ("Version", text("v\(audience.version), saved by \(audience.updatedBy)")),
                ("Reads HR-only fields", text(audience.usesSensitiveFields ? "yes: only HR can change it, and names are hidden from other roles" : "no")),
                ("Used by audiences", text(referrers.isEmpty ? "none" : referrers.joined(separator: ", "))),
                ("Personas", personas.isEmpty ? text("none") : group(personas.map { group([link($0.name, "/personas/\($0.id)"), text(" ")]) })),
            ]),
            UI.table(caption: "Versions (kept so it can be shown whom a message was aimed at)", headers: ["Version", "Name", "Definition", "Saved"], rows: versions.map { version in
                [text("v\(version.version)"), text(version.name), version.rule.map { el("code", text: $0) } ?? text("list of \(version.listSize ?? 0) ids"),
                 text("\(version.savedBy), \(version.savedAt.formatted(date: .abbreviated, time: .shortened))")]
            }, empty: "No versions."),
        ]
        if canEdit {
            nodes.append(el("form", [("method", "post"), ("action", "/audiences/\(audience.id)/delete"), ("data-confirm", "Delete the audience \(audience.name) and its history?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete audience"),
            ]))
        }
        nodes.append(el("p", [], [link("← All audiences", "/audiences")]))
        return nodes
    }
}
