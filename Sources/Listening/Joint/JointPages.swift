import Foundation
import TandemCore
import TandemUI

/// The read-together page and its CSV.
enum JointPages {
    static func score(_ value: Double?, measure: String) -> String {
        guard let value else { return "hidden" }
        return measure == "enps" ? String(format: "%+.0f", value) : String(format: "%.0f%%", value * 100)
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "hidden" }
    static func count(_ value: Int?) -> String { value.map(String.init) ?? "hidden" }
    static func label(_ value: String) -> String { value.isEmpty ? "(none)" : value }
    static func dimension(_ d: SurveyDimension) -> String { d.rawValue.replacingOccurrences(of: "_", with: " ") }

    static func measureName(_ view: JointView) -> String { view.measure == "enps" ? "eNPS" : "favourable share" }

    /// The correlation as a sentence, with its caution.
    static func summary(_ view: JointView) -> String {
        let c = view.correlation
        guard let r = c.r else { return c.caution }
        let direction = r > 0 ? "groups that read more tend to score higher" : "groups that read more tend to score lower"
        let link = JointRules.strength(r)
        let sentence = link == "no clear" ? "Pearson r = \(String(format: "%.2f", r)) over \(c.groups) groups: no clear link between reading and the score."
            : "Pearson r = \(String(format: "%.2f", r)) over \(c.groups) groups: \(link) link — \(direction)."
        return sentence + " " + c.caution
    }

    static func page(_ survey: Survey, view v: JointView, questions: [Question], topics: [(id: Int64, name: String)]) -> [HTMLNode] {
        let by = dimension(v.dimension)
        let posts = v.topic.map { "posts on \($0)" } ?? "all posts"
        let chartPoints = v.rows.compactMap { row -> (label: String, x: Double, y: Double)? in
            guard row.comparable, let rate = row.readRate, let score = row.score else { return nil }
            return (label(row.value), rate, score)
        }
        let yAxis = v.measure == "enps" ? Chart.Axis(name: "eNPS", range: -100...100, unit: .count)
            : Chart.Axis(name: "Favourable", range: 0...1, unit: .percent)
        return [
            UI.heading("\(survey.title): read together by \(by)",
                       subtitle: "\(v.prompt) — \(measureName(v)) per group, beside the reach and read rates of \(posts) published \(v.from) to \(v.to) (the 90 days up to the survey's close, or today while it is open)."),
            el("form", [("method", "get"), ("action", "/surveys/\(survey.id)/joint"), ("class", "filters")], [
                UI.select("Question", name: "question", options: questions.map { ($0.key, "\($0.key): \($0.prompt)") }, selected: v.question),
                UI.select("Compare by", name: "by", options: SurveyDimension.allCases.map { ($0.rawValue, dimension($0).capitalized) }, selected: v.dimension.rawValue),
                UI.select("Posts", name: "topic", options: [("", "All posts")] + topics.map { (String($0.id), $0.name) }, selected: v.topicID.map(String.init) ?? ""),
                el("button", [("type", "submit")], text: "Show"),
            ]),
            UI.card("What goes together", [
                el("p", [("class", "lead")], text: summary(v)),
                Chart.scatter(title: "\(measureName(v).capitalized) against read rate, by \(by)",
                              summary: "One dot per \(by) with both figures shown: read rate of \(posts) across, \(measureName(v)) up. " + summary(v),
                              x: Chart.Axis(name: "Read rate", range: 0...1, unit: .percent), y: yAxis, points: chartPoints),
            ]),
            UI.table(caption: "\(v.prompt) and engagement by \(by)",
                     headers: ["Group", "Responses", v.measure == "enps" ? "eNPS" : "Favourable", "Mean", "Deliveries", "Reach rate", "Read rate", "Note"],
                     rows: ([v.overall] + v.rows).map { row in
                         [text(label(row.value)), text(count(row.responses)), text(score(row.score, measure: v.measure)),
                          text(row.mean.map { String(format: "%.2f", $0) } ?? "—"), text(count(row.recipients)), text(percent(row.reachRate)), text(percent(row.readRate)),
                          text(note(row))]
                     }, empty: "No groups."),
            el("p", [("class", "hint")], text: "Groups with fewer than \(v.threshold) responses (survey) or people (posts) are hidden, with the next smallest where a total would give them away. Survey groups are coarsened when the survey opens: departments, sites or countries with few people are merged into Other, so engagement for a value the survey has no group of counts under Other, or, when the survey has no Other, is listed as not comparable and left out of the correlation. Deliveries count each person once per post. \(v.posts) posts in the window."),
            el("p", [], [link("CSV", "/surveys/\(survey.id)/joint.csv?\(queryString(v))"), text(" · "), link("Heatmap", "/surveys/\(survey.id)/heatmap?by=\(v.dimension.rawValue)"),
                         text(" · "), link("← Results", "/surveys/\(survey.id)")]),
        ]
    }

    static func note(_ row: JointView.Row) -> String {
        if row.value == "All" && row.pooled.isEmpty && row.comparable { return "" }
        if !row.comparable { return "not comparable: the survey has no such group" }
        if !row.pooled.isEmpty { return "posts: also " + row.pooled.map(label).joined(separator: ", ") }
        return ""
    }

    static func queryString(_ v: JointView) -> String {
        var parts = URLComponents()
        parts.queryItems = [URLQueryItem(name: "question", value: v.question), URLQueryItem(name: "by", value: v.dimension.rawValue),
                            URLQueryItem(name: "topic", value: v.topicID.map(String.init) ?? "")]
        return parts.percentEncodedQuery ?? ""
    }

    static func csv(_ v: JointView) -> String {
        var csv = CSVWriter(header: ["group", "comparable", "pooled", "responses", "answers", v.measure, "mean", "deliveries", "reached", "read", "reach_rate", "read_rate"])
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "hidden" }
        for row in [v.overall] + v.rows {
            csv.append([row.value, row.comparable ? "yes" : "no", row.pooled.joined(separator: "; "), count(row.responses), count(row.answers), number(row.score),
                        number(row.mean), count(row.recipients), count(row.reached), count(row.read), number(row.reachRate), number(row.readRate)])
        }
        csv.append(["correlation_r", number(v.correlation.r), "groups", String(v.correlation.groups)])
        return csv.text
    }
}
