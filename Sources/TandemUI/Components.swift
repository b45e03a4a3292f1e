public import Plot

/// Small building blocks shared by every page.
public enum UI {
    public static func heading(_ title: String, subtitle: String? = nil) -> HTMLNode {
        group([el("h1", text: title)] + (subtitle.map { [el("p", [("class", "lead")], text: $0)] } ?? []))
    }

    /// A labelled input; `error` is announced next to the field it belongs to.
    public static func field(
        _ label: String, name: String, type: String = "text", value: String = "", required: Bool = false,
        hint: String? = nil, error: String? = nil, autocomplete: String? = nil, attributes: [(String, String)] = []
    ) -> HTMLNode {
        var attrs: [(String, String)] = [("id", "f-\(name)"), ("name", name), ("type", type)]
        if type != "password" { attrs.append(("value", value)) }
        if required { attrs.append(("required", "required")) }
        if let autocomplete { attrs.append(("autocomplete", autocomplete)) }
        if hint != nil || error != nil { attrs.append(("aria-describedby", "f-\(name)-note")) }
        if error != nil { attrs.append(("aria-invalid", "true")) }
        attrs += attributes
        var children: [HTMLNode] = [el("label", [("for", "f-\(name)")], text: label), void("input", attrs)]
        if let error {
            children.append(el("p", [("id", "f-\(name)-note"), ("class", "field-error")], text: error))
        } else if let hint {
            children.append(el("p", [("id", "f-\(name)-note"), ("class", "hint")], text: hint))
        }
        return el("div", [("class", "field")], children)
    }

    /// A labelled multi-line input; `error` is announced next to it.
    public static func textArea(_ label: String, name: String, value: String, rows: Int, hint: String? = nil, error: String? = nil, attributes: [(String, String)] = []) -> HTMLNode {
        var attrs: [(String, String)] = [("id", "f-\(name)"), ("name", name), ("rows", String(rows))]
        if hint != nil || error != nil { attrs.append(("aria-describedby", "f-\(name)-note")) }
        if error != nil { attrs.append(("aria-invalid", "true")) }
        var children: [HTMLNode] = [el("label", [("for", "f-\(name)")], text: label), el("textarea", attrs + attributes, text: value)]
        if let error {
            children.append(el("p", [("id", "f-\(name)-note"), ("class", "field-error"), ("role", "alert")], text: error))
        } else if let hint {
            children.append(el("p", [("id", "f-\(name)-note"), ("class", "hint")], text: hint))
        }
        return el("div", [("class", "field")], children)
    }

    public static func select(_ label: String, name: String, options: [(value: String, title: String)], selected: String?) -> HTMLNode {
        el("div", [("class", "field")], [
            el("label", [("for", "f-\(name)")], text: label),
            el("select", [("id", "f-\(name)"), ("name", name)], options.map { option in
                el("option", [("value", option.value)] + (option.value == selected ? [("selected", "selected")] : []), text: option.title)
            }),
        ])
    }

    /// A group of checkboxes sharing one name, e.g. roles.
    public static func checkboxes(_ legend: String, name: String, options: [(value: String, title: String)], checked: Set<String>) -> HTMLNode {
        el("fieldset", [("class", "checks")], [el("legend", text: legend)] + options.map { option in
            let id = "f-\(name)-\(option.value)"
            var attrs: [(String, String)] = [("type", "checkbox"), ("id", id), ("name", name), ("value", option.value)]
            if checked.contains(option.value) { attrs.append(("checked", "checked")) }
            return el("div", [("class", "check")], [void("input", attrs), el("label", [("for", id)], text: option.title)])
        })
    }

    public static func form(action: String, csrf: String, submit: String, _ children: [HTMLNode], method: String = "post") -> HTMLNode {
        el("form", [("method", method), ("action", action)], (method == "post" ? [Layout.csrfField(csrf)] : []) + children + [
            el("button", [("type", "submit")], text: submit)
        ])
    }

    /// A table that scrolls sideways on a phone instead of breaking the layout.
    public static func table(caption: String, headers: [String], rows: [[HTMLNode]], empty: String) -> HTMLNode {
        guard !rows.isEmpty else { return emptyState(empty) }
        return el("div", [("class", "table-wrap"), ("role", "region"), ("aria-label", caption), ("tabindex", "0")], [
            el("table", [], [
                el("caption", text: caption),
                el("thead", [], [el("tr", [], headers.map { el("th", [("scope", "col")], text: $0) })]),
                el("tbody", [], rows.map { cells in el("tr", [], cells.map { el("td", [], [$0]) }) }),
            ])
        ])
    }

    /// Label/value pairs for a record's detail page; stacks on a phone.
    public static func details(caption: String, _ rows: [(String, HTMLNode)]) -> HTMLNode {
        el("section", [("class", "card")], [
            el("h2", text: caption),
            el("dl", [("class", "details")], rows.flatMap { [el("dt", text: $0.0), el("dd", [], [$0.1])] }),
        ])
    }

    public static func emptyState(_ message: String) -> HTMLNode {
        el("p", [("class", "empty")], text: message)
    }

    public static func badge(_ label: String) -> HTMLNode {
        el("span", [("class", "badge")], text: label)
    }

    public static func card(_ title: String, _ children: [HTMLNode]) -> HTMLNode {
        el("section", [("class", "card")], [el("h2", text: title)] + children)
    }

    public static func pagination(next: String?) -> HTMLNode {
        guard let next else { return text("") }
        return el("nav", [("class", "pager"), ("aria-label", "Pagination")], [link("Next page →", next)])
    }

    /// A one-time secret shown in a copyable box, with the warning that it will not be shown again.
    public static func secret(_ label: String, value: String) -> HTMLNode {
        el("div", [("class", "secret"), ("role", "status")], [
            el("p", [], [el("strong", text: label), text(" — copy it now; it will not be shown again.")]),
            el("code", [("id", "one-time-secret")], text: value),
        ])
    }
}
