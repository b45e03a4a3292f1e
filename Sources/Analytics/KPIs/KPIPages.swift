import Foundation
import TandemCore
import TandemUI

enum KPIPages {
    static func format(_ value: Double?, _ unit: KPIUnit) -> String {
        guard let value else { return "–" }
        switch unit {
        case .percent: return String(format: "%.1f%%", value)
        case .number: return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
        }
    }

    static func status(_ value: KPIValue, _ kpi: KPI) -> HTMLNode {
        guard value.value != nil else { return el("span", [("class", "muted")], text: value.note ?? "no value") }
        let attained = value.attainment(kpi).map { String(format: "%.0f%%", $0 * 100) } ?? "–"
        return value.met(kpi) == true ? UI.badge("met · \(attained)") : el("span", [("class", "badge warn")], text: "below target · \(attained)")
    }

    static let help = "Metrics: recipients, delivered, reached, opened, viewed, glanced, skimmed, read, clicked, reacted, commented, acknowledged, acknowledged_24h, shared, unsubscribed, posts, headcount. "
        + "Filters in braces: country, department, site, worker_type, language (one at a time), channel, campaign (its number), priority. "
        + "Survey figures (surveys closed in the period): survey_favourable{survey=\"3\", question=\"q2\"}, survey_enps{survey=\"3\"}, survey_response_rate. "
        + "Post figures add up over the posts published in each period, person by post. Example: reached{worker_type=\"frontline\"} / recipients{worker_type=\"frontline\"}"

    static func list(_ page: PageContext, rows: [ScorecardRow], canWrite: Bool, values: FormData?, error: AppError?) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("KPIs", subtitle: "Shared definitions with owners and targets: what HR, Internal Communications and Marketing measure themselves by."),
            el("p", [], [link("Team scorecards", "/analytics/scorecards"), text(" · "), link("Notes on the timeline", "/analytics/annotations"), text(" · "), link("← Analytics", "/analytics")]),
            UI.table(caption: "KPIs, this period", headers: ["KPI", "Owner", "Period", "This period", "Target", "Status", "Last period"], rows: rows.map { row in
                [link(row.kpi.name, "/analytics/kpis/\(row.kpi.id)"), text(row.kpi.ownerTeam.title), text(row.kpi.period.title),
                 text(format(row.current.value, row.kpi.unit)), text((row.kpi.direction == .higher ? "≥ " : "≤ ") + format(row.kpi.target, row.kpi.unit)),
                 status(row.current, row.kpi), text(format(row.previous.value, row.kpi.unit))]
            }, empty: "No KPIs yet." + (canWrite ? " Define the first below." : "")),
        ]
        if canWrite { nodes += form(page, kpi: nil, values: values, error: error) }
        return nodes
    }

    static func form(_ page: PageContext, kpi: KPI?, values: FormData?, error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = []
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        var fields: [HTMLNode] = [
            Layout.csrfField(page.csrfToken),
            el("h2", text: kpi == nil ? "New KPI" : "Edit"),
            UI.field("Name", name: "name", value: value("name", kpi?.name), required: true, error: problem("name"), attributes: [("maxlength", "120")]),
            UI.textArea("Description", name: "description", value: value("description", kpi?.description), rows: 2, error: problem("description")),
            UI.textArea("Formula", name: "formula", value: value("formula", kpi?.formula), rows: 2, hint: help, error: problem("formula"), attributes: [("maxlength", "500")]),
            UI.select("Owner team", name: "owner_team", options: KPITeam.allCases.map { ($0.rawValue, $0.title) }, selected: value("owner_team", kpi?.ownerTeam.rawValue)),
            UI.select("Unit", name: "unit", options: KPIUnit.allCases.map { ($0.rawValue, $0.title) }, selected: value("unit", kpi?.unit.rawValue ?? "percent")),
            UI.field("Target", name: "target", value: value("target", kpi.map { format($0.target, .number) }), required: true,
                     hint: "In the unit: 80 means 80% for a percent KPI.", error: problem("target")),
            UI.select("Direction", name: "direction", options: KPIDirection.allCases.map { ($0.rawValue, $0.title) }, selected: value("direction", kpi?.direction.rawValue)),
            UI.select("Period", name: "period", options: KPIPeriodKind.allCases.map { ($0.rawValue, $0.title) }, selected: value("period", kpi?.period.rawValue ?? "month")),
        ]
        for field in ["owner_team", "unit", "direction", "period"] {
            if let message = problem(field) { fields.append(el("p", [("class", "field-error")], text: message)) }
        }
        if let kpi { fields.append(void("input", [("type", "hidden"), ("name", "version"), ("value", String(kpi.version))])) }
        fields.append(el("button", [("type", "submit")], text: kpi == nil ? "Create KPI" : "Save KPI"))
        nodes.append(el("form", [("method", "post"), ("action", kpi.map { "/analytics/kpis/\($0.id)" } ?? "/analytics/kpis"), ("class", "card")], fields))
        if let kpi {
            nodes.append(el("form", [("method", "post"), ("action", "/analytics/kpis/\(kpi.id)/delete"), ("data-confirm", "Delete the KPI \(kpi.name)?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete KPI"),
            ]))
        }
        return nodes
    }

    static func detail(_ page: PageContext, kpi: KPI, progress: [KPIValue], notes: [Annotation], canWrite: Bool, values: FormData?, error: AppError?) -> [HTMLNode] {
        let percent = kpi.unit == .percent
        let scale: (Double?) -> Double? = { value in value.map { percent ? $0 / 100 : $0 } }
        // Each note marks the period its day falls in.
        let marks: [(index: Int, note: String)] = notes.compactMap { note in
            guard let day = try? AnalyticsPeriod.day(note.day, field: "day", label: "day") else { return nil }
            guard let index = progress.lastIndex(where: { $0.start <= day }) else { return nil }
            return (index, "\(note.day): \(note.note)")
        }
        var nodes: [HTMLNode] = [
            UI.heading(kpi.name, subtitle: kpi.description.isEmpty ? nil : kpi.description),
            UI.details(caption: "Definition", [
                ("Formula", el("code", text: kpi.formula)), ("Owner team", text(kpi.ownerTeam.title)), ("Period", text(kpi.period.title)),
                ("Target", text((kpi.direction == .higher ? "at least " : "at most ") + format(kpi.target, kpi.unit))), ("Direction", text(kpi.direction.title)),
                ("Updated", text("\(kpi.updatedBy), \(kpi.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
            Chart.line(title: "\(kpi.name): progress", summary: "The KPI per \(kpi.period.rawValue) for the last \(progress.count), with its target.",
                       xLabels: progress.map(\.label),
                       series: [Chart.Series(name: kpi.name, values: progress.map { scale($0.value) }),
                                Chart.Series(name: "Target", values: progress.map { _ in scale(kpi.target) })],
                       unit: percent ? .percent : .count, marks: marks),
        ]
        if !marks.isEmpty {
            nodes.append(el("ol", [("class", "notes")], marks.map { el("li", text: $0.note) }))
        }
        nodes.append(UI.table(caption: "By \(kpi.period.rawValue)", headers: ["Period", "Value", "Status"], rows: progress.reversed().map { value in
            [text(value.label), text(format(value.value, kpi.unit)), status(value, kpi)]
        }, empty: ""))
        nodes.append(el("p", [], [link("Download (CSV)", "/analytics/kpis/\(kpi.id)/progress.csv"), text(" · "), link("← All KPIs", "/analytics/kpis")]))
        if canWrite { nodes += form(page, kpi: kpi, values: values, error: error) }
        return nodes
    }

    static func progressCSV(_ kpi: KPI, _ progress: [KPIValue]) -> String {
        var csv = CSVWriter(header: ["kpi", "period", "value", "target", "direction", "met", "note"])
        for value in progress {
            csv.append([kpi.name, value.label, value.value.map { String(format: "%.4f", $0) } ?? "", String(kpi.target), kpi.direction.rawValue,
                        value.met(kpi).map { $0 ? "yes" : "no" } ?? "", value.note ?? ""])
        }
        return csv.text
    }

    static func scorecards(_ cards: [Scorecard]) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("Team scorecards", subtitle: "Each team's KPIs and the shared ones, this period, with attainment against target."),
            el("p", [], [link("Download every scorecard (CSV)", "/analytics/scorecards.csv"), text(" · "), link("KPIs", "/analytics/kpis")]),
        ]
        for card in cards {
            nodes.append(el("section", [("class", "card"), ("aria-label", "\(card.team.title) scorecard")], [
                el("h2", text: "\(card.team.title): \(card.met) of \(card.rows.count) KPIs met"),
                UI.table(caption: "\(card.team.title) KPIs", headers: ["KPI", "Owner", "This period", "Target", "Status", "Last period"], rows: card.rows.map { row in
                    [link(row.kpi.name, "/analytics/kpis/\(row.kpi.id)"), text(row.kpi.ownerTeam.title), text("\(format(row.current.value, row.kpi.unit)) (\(row.current.label))"),
                     text((row.kpi.direction == .higher ? "≥ " : "≤ ") + format(row.kpi.target, row.kpi.unit)), status(row.current, row.kpi),
                     text(format(row.previous.value, row.kpi.unit))]
                }, empty: "No KPIs for this team yet."),
            ]))
        }
        return nodes
    }

    static func scorecardCSV(_ cards: [Scorecard]) -> String {
        var csv = CSVWriter(header: ["team", "kpi", "owner_team", "period", "value", "target", "direction", "attainment", "met", "previous_period", "previous_value", "note"])
        for card in cards {
            for row in card.rows {
                csv.append([card.team.rawValue, row.kpi.name, row.kpi.ownerTeam.rawValue, row.current.label, row.current.value.map { String(format: "%.4f", $0) } ?? "",
                            String(row.kpi.target), row.kpi.direction.rawValue, row.current.attainment(row.kpi).map { String(format: "%.4f", $0) } ?? "",
                            row.current.met(row.kpi).map { $0 ? "yes" : "no" } ?? "", row.previous.label, row.previous.value.map { String(format: "%.4f", $0) } ?? "",
                            row.current.note ?? ""])
            }
        }
        return csv.text
    }

    static func annotations(_ page: PageContext, notes: [Annotation], period: AnalyticsPeriod, mayRemove: (Annotation) -> Bool, values: FormData?, error: AppError?) -> [HTMLNode] {
        func value(_ name: String) -> String { values?[name] ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = [
            UI.heading("Notes on the timeline", subtitle: "Pin what happened to a day (\"benefits fair\", \"outage\") so everyone reading the numbers knows why they moved."),
            UI.table(caption: "Notes, \(period.title)", headers: ["Day", "Note", "Shared with", "By", ""], rows: notes.map { note in
                [text(note.day), text(note.note), text(note.teams.map(\.title).joined(separator: ", ")), text(note.createdBy),
                 mayRemove(note) ? el("form", [("method", "post"), ("action", "/analytics/annotations/\(note.id)/delete")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "link")], text: "Remove"),
                 ]) : text("")]
            }, empty: "No notes in this period."),
            el("p", [], [link("Download (CSV)", "/analytics/annotations.csv?\(period.query)")]),
        ]
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        nodes.append(el("form", [("method", "post"), ("action", "/analytics/annotations"), ("class", "card")], [
            Layout.csrfField(page.csrfToken),
            el("h2", text: "Pin a note"),
            UI.field("Day", name: "day", type: "date", value: value("day"), required: true, error: problem("day")),
            UI.field("Note", name: "note", value: value("note"), required: true, error: problem("note"), attributes: [("maxlength", "200")]),
            UI.checkboxes("Share with", name: "teams", options: KPITeam.allCases.map { ($0.rawValue, $0 == .shared ? "Everyone" : $0.title) },
                          checked: Set(values?.all("teams") ?? ["shared"])),
            problem("teams").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            el("button", [("type", "submit")], text: "Pin note"),
        ]))
        return nodes
    }
}
