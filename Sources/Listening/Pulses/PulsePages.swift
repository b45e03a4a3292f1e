import Foundation
import TandemCore
import TandemUI

/// The pulse card on a template's or wave's page, and the trend page.
enum PulsePages {
    static func card(_ page: PageContext, survey s: Survey, series: PulseSeries?, waves: [Survey], mayEdit: Bool) -> HTMLNode? {
        if s.wave != nil, let series {
            return UI.card("Pulse", [el("p", [], [text("Wave \(s.wave ?? 0) of a pulse. "), link("See the trend across waves", "/surveys/\(s.id)/trend"),
                                                  text(" · "), link("The pulse's template", "/surveys/\(series.templateID)")])])
        }
        guard s.state == .draft else { return nil }
        var body: [HTMLNode] = []
        if let series {
            body.append(el("p", [], text: series.active
                ? "Every \(series.everyDays) days, \(series.samplePercent)% of the audience (those asked longest ago first), each wave open \(series.openDays) days. Next wave: \(series.nextOn). Changes to this draft apply to the next waves."
                : "Stopped after \(series.waves) waves."))
            if let note = series.note { body.append(el("p", [("class", "notice")], text: note)) }
            if !waves.isEmpty {
                body.append(el("ul", [], waves.map { wave in
                    el("li", [], [link("Wave \(wave.wave ?? 0)", "/surveys/\(wave.id)"), text(" — \(wave.state.rawValue), \(wave.invited) asked"
                        + (wave.openedAt.map { ", opened \(EmployeeDay.string($0))" } ?? ""))])
                }))
                body.append(el("p", [], [link("Trend across waves", "/surveys/\(s.id)/trend")]))
            }
            if mayEdit && series.active {
                body.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/pulse/stop"), ("class", "inline"),
                                        ("data-confirm", "Stop this pulse? No more waves will open.")],
                               [Layout.csrfField(page.csrfToken), el("button", [("type", "submit")], text: "Stop the pulse")]))
            }
        }
        if mayEdit && (series == nil || series?.active == false) {
            let tomorrow = EmployeeDay.string(Date().addingTimeInterval(86_400))
            body.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/pulse"), ("class", "pulse-form")], [
                Layout.csrfField(page.csrfToken),
                el("p", [], text: "Repeat this draft as a pulse: each wave is a survey of its own, opened on schedule to part of the audience, so nobody is asked every time."),
                UI.field("Every (days)", name: "every_days", type: "number", value: String(series?.everyDays ?? 14), attributes: [("min", "7"), ("max", "91")]),
                UI.field("Share asked each wave (%)", name: "sample_percent", type: "number", value: String(series?.samplePercent ?? 25), attributes: [("min", "5"), ("max", "100")]),
                UI.field("Each wave open for (days)", name: "open_days", type: "number", value: String(series?.openDays ?? 7), attributes: [("min", "1"), ("max", "91")]),
                UI.field("First wave on", name: "first_on", type: "date", value: tomorrow),
                el("button", [("type", "submit")], text: "Start the pulse"),
            ]))
        }
        return body.isEmpty ? nil : UI.card("Pulse", body)
    }

    static func cell(_ value: Double?, measure: String) -> String {
        guard let value else { return "—" }
        return measure == "enps" ? String(format: "%+.0f", value) : String(format: "%.0f%%", value * 100)
    }

    static func trend(_ title: String, series: PulseSeries, _ t: PulseTrend) -> [HTMLNode] {
        let labels = t.waves.map { "Wave \($0.wave)" }
        var nodes: [HTMLNode] = [
            UI.heading("\(title): trend", subtitle: "Scores wave by wave. A wave's score needs \(t.threshold) answers; questions are matched by their wording, so a reworded question starts a new line."),
            UI.table(caption: "Waves", headers: ["Wave", "Opened", "State", "Asked", "Answered", "Rate"], rows: t.waves.map { w in
                [link("Wave \(w.wave)", "/surveys/\(w.surveyID)"), text(w.openedOn ?? "—"), UI.badge(w.state.rawValue), text(String(w.invited)),
                 text(w.responses.map(String.init) ?? "fewer than \(t.threshold)"), text(w.responseRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—")]
            }, empty: "No wave has opened yet. The first opens on \(series.nextOn)."),
        ]
        let favourable = t.rows.filter { $0.measure == "favourable" }
        if !favourable.isEmpty, t.waves.count > 1 {
            nodes.append(Chart.line(title: "Favourable share by wave", summary: "Favourable share of each scored question, wave by wave", xLabels: labels,
                                    series: favourable.map { Chart.Series(name: $0.item.isEmpty ? $0.prompt : "\($0.prompt) — \($0.item)", values: $0.values) }, unit: .percent))
        }
        nodes.append(UI.table(caption: "Scores by wave (favourable share, or eNPS)", headers: ["Question"] + labels, rows: t.rows.map { row in
            [text(row.item.isEmpty ? row.prompt : "\(row.prompt) — \(row.item)")] + row.values.map { text(cell($0, measure: row.measure)) }
        }, empty: "No scored questions yet."))
        nodes.append(el("p", [], [link("← The pulse's template", "/surveys/\(series.templateID)")]))
        return nodes
    }
}
