import Foundation
import TandemCore
import TandemUI

/// Persona pages: the gallery, one persona, and HR's form.
enum PersonaPages {
    static func list(_ page: PageContext, personas: [(Persona, String?)], canWrite: Bool) -> [HTMLNode] {
        [
            UI.heading("Personas", subtitle: "Written by HR so Communications and Marketing know whom they are talking to."),
            canWrite ? el("p", [], [link("New persona", "/personas/new")]) : text(""),
            personas.isEmpty
                ? UI.emptyState(canWrite ? "No personas yet. Write the first one." : "No personas yet. HR writes them.")
                : el("div", [("class", "grid")], personas.map { persona, size in
                    UI.card(persona.name, [
                        el("p", [], [link("Open \(persona.name)", "/personas/\(persona.id)")]),
                        el("p", text: String(persona.summary.prefix(240))),
                        el("p", [("class", "hint")], text: "Audience: " + (persona.audienceName.map { "\($0), \(size ?? "—")" } ?? "not linked")),
                        group(persona.channels.map(UI.badge)),
                    ])
                }),
        ]
    }

    static func detail(_ page: PageContext, persona: Persona, size: String?) -> [HTMLNode] {
        func lines(_ value: String) -> HTMLNode { value.isEmpty ? text("—") : group(value.split(separator: "\n").map { el("p", text: String($0)) }) }
        return [
            UI.heading(persona.name, subtitle: persona.summary.isEmpty ? nil : persona.summary),
            UI.details(caption: "Persona", [
                ("Needs", lines(persona.needs)), ("Pain points", lines(persona.painPoints)),
                ("Preferred channels", persona.channels.isEmpty ? text("—") : group(persona.channels.map(UI.badge))),
                ("Languages", text(persona.languages.isEmpty ? "—" : persona.languages.joined(separator: ", "))),
                ("Content interests", persona.interests.isEmpty ? text("—") : group(persona.interests.map(UI.badge))),
                ("Audience", persona.audienceId.map { id in group([link(persona.audienceName ?? "audience \(id)", "/audiences/\(id)"), text(" — \(size ?? "—") now")]) } ?? text("not linked")),
                ("Updated", text("\(persona.updatedBy), \(persona.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
        ]
    }

    static func form(_ page: PageContext, persona: Persona?, values: FormData?, audiences: [Audience], error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        let channels = Set(values?.all("channels") ?? persona?.channels ?? [])
        let selectedAudience = values?["audience_id"] ?? persona?.audienceId.map(String.init) ?? ""
        var nodes: [HTMLNode] = []
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        nodes.append(el("form", [("method", "post"), ("action", persona.map { "/personas/\($0.id)" } ?? "/personas"), ("class", "card")], [
            Layout.csrfField(page.csrfToken),
            el("h2", text: persona == nil ? "Write the persona" : "Edit"),
            UI.field("Name", name: "name", value: value("name", persona?.name), required: true, error: problem("name"), attributes: [("maxlength", "80")]),
            UI.textArea("Description", name: "summary", value: value("summary", persona?.summary), rows: 3, error: problem("summary")),
            UI.textArea("Needs", name: "needs", value: value("needs", persona?.needs), rows: 3, error: problem("needs")),
            UI.textArea("Pain points", name: "pain_points", value: value("pain_points", persona?.painPoints), rows: 3, error: problem("pain_points")),
            UI.checkboxes("Preferred channels", name: "channels", options: PersonaDraft.channels.map { ($0, $0) }, checked: channels),
            problem("channels").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            UI.field("Languages", name: "languages", value: value("languages", persona?.languages.joined(separator: ", ")),
                     hint: "Language tags, comma-separated: en, pt-BR, de", error: problem("languages")),
            UI.field("Content interests", name: "interests", value: value("interests", persona?.interests.joined(separator: ", ")),
                     hint: "Comma-separated: Benefits, Safety, Careers", error: problem("interests")),
            UI.select("Linked audience", name: "audience_id", options: [(value: "", title: "None")] + audiences.map { (String($0.id), $0.name) }, selected: selectedAudience),
            problem("audience_id").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            el("button", [("type", "submit")], text: "Save persona"),
        ]))
        if let persona {
            nodes.append(el("form", [("method", "post"), ("action", "/personas/\(persona.id)/delete"), ("data-confirm", "Delete the persona \(persona.name)?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete persona"),
            ]))
        }
        return nodes
    }
}
