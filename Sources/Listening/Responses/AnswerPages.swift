import Foundation
import TandemCore
import TandemUI

/// The employee's side: a survey as a form, with its privacy promise shown first.
enum AnswerPages {
    static func form(_ page: PageContext, survey s: Survey, wording given: SurveyWording? = nil, submission: String, values: FormData?, error: AppError?,
                     action: String? = nil) -> [HTMLNode] {
        let w = given ?? SurveyWording(s, nil)
        var nodes: [HTMLNode] = [UI.heading(w.title, subtitle: w.intro.isEmpty ? nil : w.intro),
                                 el("p", [("class", "notice"), ("id", "privacy")], [el("strong", text: "Privacy. "), text(s.mode.promise)])]
        if let error { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        var fields: [HTMLNode] = [Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "submission"), ("value", submission)])]
        var section: String?
        for (index, q) in s.questions.enumerated() {
            if let next = q.section, next != section { fields.append(el("h2", text: next)) }
            section = q.section
            var legend = "\(index + 1). \(w.prompt(q))"
            if !q.required { legend += " (optional)" }
            var children: [HTMLNode] = [el("legend", text: legend)]
            if let condition = q.showIf, let earlier = s.questions.firstIndex(where: { $0.key == condition.question }) {
                let answers = condition.anyOf.map { w.label(s.questions[earlier], $0) }
                children.append(el("p", [("class", "hint")], text: "Only if you answered \(answers.joined(separator: " or ")) to question \(earlier + 1)."))
            }
            let current = values?.all(q.key) ?? []
            switch q.kind {
            case .rating, .enps:
                let scale = q.scale ?? 1...5
                children.append(el("div", [("class", "scale")], scale.map { n in
                    radio(q.key, value: String(n), label: String(n), checked: current.contains(String(n)))
                }))
                if q.kind == .enps { children.append(el("p", [("class", "hint")], text: "0 = not at all likely, 10 = extremely likely.")) }
            case .single:
                children += (q.choices ?? []).map { radio(q.key, value: $0, label: w.label(q, $0), checked: current.contains($0)) }
            case .multiple:
                children += (q.choices ?? []).enumerated().map { i, choice in
                    let id = "f-\(q.key)-\(i)"
                    var attrs: [(String, String)] = [("type", "checkbox"), ("id", id), ("name", q.key), ("value", choice)]
                    if current.contains(choice) { attrs.append(("checked", "checked")) }
                    return el("div", [("class", "check")], [void("input", attrs), el("label", [("for", id)], text: w.label(q, choice))])
                }
            case .text:
                children.append(el("textarea", [("name", q.key), ("rows", "3"), ("maxlength", String(AnswerCheck.maximumText)), ("aria-label", w.prompt(q))],
                                   text: current.first ?? ""))
            case .matrix:
                children += (q.rows ?? []).enumerated().map { i, statement in
                    let name = "\(q.key).\(i)"
                    let chosen = values?[name]
                    return el("div", [("class", "matrix-row")], [el("span", text: w.label(q, statement))] + (1...5).map { n in
                        radio(name, value: String(n), label: String(n), checked: chosen == String(n))
                    })
                }
                children.append(el("p", [("class", "hint")], text: "1 = strongly disagree, 5 = strongly agree."))
            }
            fields.append(el("fieldset", [("class", "question"), ("id", "question-\(q.key)")], children))
        }
        fields.append(el("button", [("type", "submit")], text: "Send my answers"))
        nodes.append(el("form", [("method", "post"), ("action", action ?? "/surveys/\(s.id)/answer"), ("class", "card survey")], fields))
        return nodes
    }

    static func radio(_ name: String, value: String, label: String, checked: Bool) -> HTMLNode {
        let id = "f-\(name)-\(value)".replacingOccurrences(of: " ", with: "-")
        var attrs: [(String, String)] = [("type", "radio"), ("id", id), ("name", name), ("value", value)]
        if checked { attrs.append(("checked", "checked")) }
        return el("span", [("class", "choice")], [void("input", attrs), el("label", [("for", id)], text: label)])
    }

    /// The form's fields as answers. Conditional questions whose condition is not met are
    /// dropped (the page shows them all, without a script to hide them).
    static func answers(_ form: FormData, survey: Survey) throws -> [String: AnswerValue] {
        var out: [String: AnswerValue] = [:]
        for q in survey.questions {
            let given = form.all(q.key).filter { !$0.isEmpty }
            switch q.kind {
            case .rating, .enps:
                guard let raw = given.first else { continue }
                guard let n = Int(raw) else { throw AppError.invalid("answers", "\(q.prompt.prefix(60)): pick a number.") }
                out[q.key] = .number(n)
            case .single:
                if let choice = given.first { out[q.key] = .choice(choice) }
            case .multiple:
                if !given.isEmpty { out[q.key] = .choices(given) }
            case .text:
                if let body = given.first, !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out[q.key] = .text(body) }
            case .matrix:
                var ratings: [String: Int] = [:]
                for (i, statement) in (q.rows ?? []).enumerated() {
                    if let raw = form["\(q.key).\(i)"], !raw.isEmpty {
                        guard let n = Int(raw) else { throw AppError.invalid("answers", "\(statement.prefix(60)): pick 1 to 5.") }
                        ratings[statement] = n
                    }
                }
                if !ratings.isEmpty { out[q.key] = .matrix(ratings) }
            }
        }
        // Drop what the skip logic hides, in question order (a hidden answer can hide others).
        for q in survey.questions {
            guard let condition = q.showIf else { continue }
            let shown: Bool = switch out[condition.question] {
            case .number(let n)?: condition.anyOf.contains(String(n))
            case .choice(let c)?: condition.anyOf.contains(c)
            case .choices(let cs)?: cs.contains { condition.anyOf.contains($0) }
            default: false
            }
            if !shown { out[q.key] = nil }
        }
        return out
    }
}
