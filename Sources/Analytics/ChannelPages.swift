import Engagement
import Foundation
import TandemCore
import TandemUI

enum ChannelPages {
    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
    }

    static func channelTitle(_ channel: EventChannel) -> String {
        channel == .any ? "Any channel" : channel.rawValue.capitalized
    }

    static func periodFields(from: String, to: String) -> [HTMLNode] {
        [UI.field("From", name: "from", type: "date", value: from, hint: "Posts published from this day (UTC)"),
         UI.field("To", name: "to", type: "date", value: to, hint: "to this day, at most two years later")]
    }

    static func matrixForm(dimension: String, from: String, to: String, error: String?) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("Channel effectiveness", subtitle: "Which channel reaches whom: reach and read rates per group and channel over the posts published in a period."),
            el("form", [("method", "get"), ("action", "/analytics/channels"), ("class", "filters")], [
                UI.select("Breakdown", name: "dimension", options: ChannelRoutes.dimensions.map { ($0.rawValue, $0.title) }, selected: dimension),
            ] + periodFields(from: from, to: to) + [el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Show")])]),
        ]
        if let error { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error)) }
        return nodes
    }

    static func matrix(_ m: ChannelMatrix) -> [HTMLNode] {
        var nodes = matrixForm(dimension: m.dimension.rawValue, from: m.period.from, to: m.period.to, error: nil)
        let query = "dimension=\(m.dimension.rawValue)&\(m.period.query)"
        nodes.append(el("p", [], [text("\(m.posts) post\(m.posts == 1 ? "" : "s") published \(m.period.title). "), link("Download (CSV)", "/analytics/channels.csv?" + query)]))
        guard !m.values.isEmpty else {
            nodes.append(UI.emptyState("No post published in this period reached anyone yet. Choose a longer period."))
            return nodes
        }
        let headers = [m.dimension.title] + m.channels.map(channelTitle)
        nodes.append(UI.table(caption: "Reach and read rate by \(m.dimension.title.lowercased()) and channel", headers: headers, rows: m.values.map { value in
            [text(value.isEmpty ? "(none)" : value)] + m.channels.map { channel -> HTMLNode in
                guard let cell = m.cells[value]?[channel] else { return text("–") }
                guard let recipients = cell.recipients else { return el("span", [("class", "muted")], text: "suppressed") }
                return el("span", [("class", "metric"), ("tabindex", "0"),
                                   ("title", "\(recipients) deliveries; \(cell.reached ?? 0) reached their person, \(cell.read ?? 0) were read for more than 8 seconds.")],
                          text: "reach \(percent(cell.reachRate)) · read \(percent(cell.readRate))")
            }
        }, empty: ""))
        nodes.append(Chart.bars(title: "Reach on any channel by \(m.dimension.title.lowercased())", summary: "Share of deliveries that reached their person, per \(m.dimension.title.lowercased()); small groups are suppressed.",
                                bars: m.values.map { value in (value.isEmpty ? "(none)" : value, m.cells[value]?[.any]?.reachRate) }, unit: .percent))
        nodes.append(el("p", [("class", "hint")], text: "Counts are deliveries (person × post): someone who received three posts counts three times. Reach: the person saw the post on that channel. "
            + "Read: on screen in the feed for more than 8 seconds, so only the feed has reads. Groups of fewer than \(m.threshold) people are suppressed, with the next smallest where needed."))
        return nodes
    }

    static func csv(_ m: ChannelMatrix) -> String {
        var csv = CSVWriter(header: [m.dimension.rawValue, "channel", "deliveries", "reached", "read", "reach_rate", "read_rate"])
        for value in m.values {
            for channel in m.channels {
                guard let cell = m.cells[value]?[channel] else { continue }
                if cell.suppressed {
                    csv.append([value, channel.rawValue, "suppressed", "suppressed", "suppressed", "", ""])
                } else {
                    csv.append([value, channel.rawValue, String(cell.recipients ?? 0), String(cell.reached ?? 0), String(cell.read ?? 0),
                                cell.reachRate.map { String(format: "%.4f", $0) } ?? "", cell.readRate.map { String(format: "%.4f", $0) } ?? ""])
                }
            }
        }
        return csv.text
    }

    struct JSONCell: Encodable { let suppressed: Bool; let recipients: Int?; let reached: Int?; let read: Int?; let reachRate: Double?; let readRate: Double? }
    struct JSONRow: Encodable { let value: String; let cells: [String: JSONCell] }
    struct JSONMatrix: Encodable { let dimension: String; let from: String; let to: String; let posts: Int; let privacyThreshold: Int; let channels: [String]; let rows: [JSONRow] }

    static func json(_ m: ChannelMatrix) -> JSONMatrix {
        JSONMatrix(dimension: m.dimension.rawValue, from: m.period.from, to: m.period.to, posts: m.posts, privacyThreshold: m.threshold, channels: m.channels.map(\.rawValue),
                   rows: m.values.map { value in
                       JSONRow(value: value, cells: Dictionary(uniqueKeysWithValues: (m.cells[value] ?? [:]).map { channel, cell in
                           (channel.rawValue, JSONCell(suppressed: cell.suppressed, recipients: cell.recipients, reached: cell.reached, read: cell.read,
                                                       reachRate: cell.reachRate, readRate: cell.readRate))
                       }))
                   })
    }

    static func bestForm(metric: String, from: String, to: String, error: String?) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading("Best-performing posts", subtitle: "What the posts that work have in common: topic, length, channel, send time and language."),
            el("form", [("method", "get"), ("action", "/analytics/best"), ("class", "filters")], [
                UI.select("Rank by", name: "by", options: RankMetric.allCases.map { ($0.rawValue, $0.title) }, selected: metric),
            ] + periodFields(from: from, to: to) + [el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Show")])]),
        ]
        if let error { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error)) }
        return nodes
    }

    static func best(_ posts: [RankedPost], times: SendTimeView, metric: RankMetric, period: AnalyticsPeriod, threshold: Int) -> [HTMLNode] {
        var nodes = bestForm(metric: metric.rawValue, from: period.from, to: period.to, error: nil)
        nodes.append(el("p", [], [link("Download the ranking (CSV)", "/analytics/best.csv?by=\(metric.rawValue)&\(period.query)")]))
        nodes.append(UI.table(caption: "Top posts by \(metric.title.lowercased()), \(period.title)",
                              headers: ["Post", "Recipients", metric.title, "Adjusted", "Topics", "Words", "Channels", "Sent (local)", "Languages"],
                              rows: posts.map { post in
            [link(post.title, "/analytics/posts/\(post.postId)"), text(String(post.recipients)), text(percent(post.rate)),
             el("span", [("class", "metric"), ("tabindex", "0"), ("title", "The lower end of the 95% range of the rate: a rate measured on few people counts for less.")], text: percent(post.score)),
             text(post.topics.joined(separator: ", ")), text(String(post.words)), text(post.channels.joined(separator: ", ")),
             text("\(post.sendWeekday) \(String(format: "%02d:00", post.sendHour))"), text(post.languages.joined(separator: ", "))]
        }, empty: metric == .acknowledged ? "No post in this period asked for acknowledgement." : "No post published in this period went to \(threshold) people or more."))
        nodes.append(Chart.bars(title: "Read rate by local send hour", summary: "Share of deliveries read, by the hour posts were published in their scheduling time zone.",
                                bars: times.hours.filter { $0.posts > 0 }.map { ($0.label, $0.readRate) }, unit: .percent))
        nodes.append(Chart.bars(title: "Read rate by weekday", summary: "Share of deliveries read, by the weekday posts were published.",
                                bars: times.weekdays.filter { $0.posts > 0 }.map { ($0.label, $0.readRate) }, unit: .percent))
        nodes.append(el("p", [("class", "hint")], text: "Ranked by the lower end of the 95% confidence range of each rate (Wilson), so a post read by 3 of 5 people does not beat one read by 500 of 1,000. "
            + "Posts to fewer than \(threshold) people are left out."))
        return nodes
    }

    static func bestCSV(_ posts: [RankedPost]) -> String {
        var csv = CSVWriter(header: ["post_id", "title", "recipients", "reached", "read", "acknowledged", "rate", "adjusted_rate", "topics", "words", "channels", "send_weekday", "send_hour", "languages"])
        for post in posts {
            csv.append([String(post.postId), post.title, String(post.recipients), String(post.reached), String(post.read), String(post.acknowledged),
                        String(format: "%.4f", post.rate), String(format: "%.4f", post.score), post.topics.joined(separator: "; "), String(post.words),
                        post.channels.joined(separator: "; "), post.sendWeekday, String(post.sendHour), post.languages.joined(separator: "; ")])
        }
        return csv.text
    }

    struct JSONBucket: Encodable { let label: String; let posts: Int; let recipients: Int; let read: Int; let readRate: Double? }
    struct JSONTimes: Encodable { let hours: [JSONBucket]; let weekdays: [JSONBucket] }

    static func json(_ times: SendTimeView) -> JSONTimes {
        func convert(_ b: SendTimeView.Bucket) -> JSONBucket { JSONBucket(label: b.label, posts: b.posts, recipients: b.recipients, read: b.read, readRate: b.readRate) }
        return JSONTimes(hours: times.hours.map(convert), weekdays: times.weekdays.map(convert))
    }
}
