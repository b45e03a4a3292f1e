import Engagement
import Foundation
import TandemCore
import TandemUI

enum PostDashboardPages {
    static func percent(_ part: Int?, _ whole: Int?) -> String {
        guard let part, let whole, whole > 0 else { return "–" }
        return String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    /// A metric's name with its definition on hover (and for screen readers, in the title).
    static func metric(_ kind: EventKind, _ label: String? = nil) -> HTMLNode {
        el("span", [("class", "metric"), ("title", kind.definition), ("tabindex", "0")], text: label ?? kind.rawValue.capitalized)
    }

    static func index(_ posts: [PostMetricsStore.Summary], campaigns: [PostMetricsStore.CampaignSummary], suppression: Suppression) -> [HTMLNode] {
        [
            UI.heading("Analytics", subtitle: "Reach, reads and acknowledgements of every published post, in one set of numbers for HR, IC and Marketing."),
            el("p", [], [link("Channel effectiveness", "/analytics/channels"), text(" · "), link("Best-performing posts", "/analytics/best"), text(" · "),
                         link("KPIs and team scorecards", "/analytics/kpis")]),
            UI.table(caption: "Campaigns", headers: ["Campaign", "Runs", "Posts", "Recipients", "Reached", "Read", "Acknowledged"], rows: campaigns.map { campaign in
                let shown = suppression.allows(campaign.recipients)
                return [link(campaign.name, "/analytics/campaigns/\(campaign.campaignId)"), text("\(campaign.startsOn) to \(campaign.endsOn)"), text(String(campaign.posts)),
                        text(shown ? String(campaign.recipients) : "fewer than \(suppression.threshold)"),
                        text(shown ? "\(campaign.reached) (\(percent(campaign.reached, campaign.recipients)))" : "–"),
                        text(shown ? "\(campaign.read) (\(percent(campaign.read, campaign.recipients)))" : "–"),
                        text(shown ? String(campaign.acknowledged) : "–")]
            }, empty: "No campaign has a published post yet."),
            postTable(posts, caption: "Published posts", suppression: suppression),
        ]
    }

    static func postTable(_ posts: [PostMetricsStore.Summary], caption: String, suppression: Suppression) -> HTMLNode {
        UI.table(caption: caption, headers: ["Post", "Published", "Recipients", "Reached", "Read", "Acknowledged"], rows: posts.map { post in
            let shown = suppression.allows(post.recipients)
            return [link(post.title, "/analytics/posts/\(post.postId)"), text(post.publishedAt.map(day) ?? "–"),
                    text(shown ? String(post.recipients) : "fewer than \(suppression.threshold)"),
                    text(shown ? "\(post.reached) (\(percent(post.reached, post.recipients)))" : "–"),
                    text(shown ? "\(post.read) (\(percent(post.read, post.recipients)))" : "–"),
                    text(shown ? String(post.acknowledged) : "–")]
        }, empty: "Nothing published yet. Figures appear here once a post goes out.")
    }

    static func dashboard(_ d: PostDashboard, mayListPeople: Bool, suppression: Suppression) -> [HTMLNode] {
        let exports: [HTMLNode] = [link("By persona", "\(d.subject.path)/personas"), text(" · "), link("Breakdowns (CSV)", "\(d.subject.path)/breakdowns.csv"), text(" · "),
                                   link("Timeline (CSV)", "\(d.subject.path)/timeline.csv")]
        var nodes: [HTMLNode]
        switch d.subject {
        case .post(let id):
            nodes = [
                UI.heading(d.title, subtitle: "Post \(id)" + (d.publishedAt.map { ", published " + day($0) } ?? "")),
                el("p", [], [link("Delivery status", "/posts/\(id)/deliveries"), text(" · "), link("Acknowledgements", "/posts/\(id)/acknowledgements"), text(" · ")] + exports),
            ]
        case .campaign(let id):
            nodes = [
                UI.heading(d.title, subtitle: "Campaign, \(d.posts.count) published post\(d.posts.count == 1 ? "" : "s")" + (d.publishedAt.map { ", first on " + day($0) } ?? "")
                           + ". Each person counts once across the campaign."),
                el("p", [], [link("Campaign plan", "/campaigns/\(id)"), text(" · ")] + exports),
            ]
        }
        let everyone = d.recipients[.any] ?? 0
        guard d.totals[.any] != nil || everyone == 0 else {
            nodes.append(el("p", [("class", "flash info")], text: "This \(d.subject.noun) went to fewer than \(d.threshold) people, so its figures are hidden to protect their privacy."))
            return nodes
        }
        if everyone == 0 {
            nodes.append(UI.emptyState("Nobody has received this \(d.subject.noun) yet. Figures appear once an audience is frozen at publishing."))
            return nodes
        }
        let headline: [(EventKind, String)] = [(.reached, "Reached"), (.read, "Read"), (.clicked, "Clicked"), (.acknowledged, "Acknowledged"), (.opened, "Opened (email)")]
        var rows: [(String, HTMLNode)] = [("Recipients", text(String(everyone)))]
        for (kind, label) in headline where kind != .acknowledged || d.requiresAcknowledgement {
            let people = kind == .opened ? d.people(.opened, on: .email) : d.people(kind)
            let whole = kind == .opened ? d.recipients[.email] : everyone
            rows.append((label, group([metric(kind, "\(people) people (\(percent(people, whole)))")])))
        }
        rows.append(("Not reached", el("span", [("class", "metric"), ("title", "Recipients no channel reached: none of the events that count as reached happened for them."), ("tabindex", "0")],
                                       text: "\(d.unreached) people")))
        nodes.append(UI.details(caption: "Headline figures", rows))
        nodes.append(el("p", [("class", "hint")], text: "Hover over or focus a figure to see how it is counted. Email opens come from a tracking image: unreliable, because image blocking and mail privacy proxies distort them."))

        var steps: [(label: String, value: Double)] = [("Recipients", Double(everyone)), ("Delivered", Double(d.people(.delivered))), ("Reached", Double(d.people(.reached))),
                                                        ("Read", Double(d.people(.read)))]
        steps.append(d.requiresAcknowledgement ? ("Acknowledged", Double(d.people(.acknowledged))) : ("Clicked", Double(d.people(.clicked))))
        nodes.append(Chart.funnel(title: "Funnel", summary: "People at each stage, from recipients to \(steps.last!.label.lowercased()).", steps: steps))

        if !d.timeline.isEmpty {
            nodes.append(Chart.line(title: "People reached and reading over time", summary: "New people reached and new readers per hour for the first 72 hours, then per day.",
                                    xLabels: d.timeline.map(\.label), series: [Chart.Series(name: "Reached", values: d.timeline.map { Double($0.reached) }),
                                                                               Chart.Series(name: "Read", values: d.timeline.map { Double($0.read) })]))
        }

        let channels: [EventChannel] = [.feed, .email, .chat, .sms, .social].filter { d.recipients[$0] != nil }
        nodes.append(UI.table(caption: "By channel", headers: ["Channel", "Recipients", "Delivered", "Reached", "Opened", "Read", "Clicked"], rows: channels.map { channel in
            let whole = d.recipients[channel] ?? 0
            guard d.totals[channel] != nil || whole == 0 else {
                return [text(channel.rawValue), text("fewer than \(d.threshold)"), text("suppressed"), text("suppressed"), text("suppressed"), text("suppressed"), text("suppressed")]
            }
            func cell(_ kind: EventKind) -> HTMLNode { text("\(d.people(kind, on: channel)) (\(percent(d.people(kind, on: channel), whole)))") }
            return [text(channel.rawValue), text(String(whole)), cell(.delivered), cell(.reached), channel == .email ? cell(.opened) : text("–"), cell(.read), cell(.clicked)]
        }, empty: "No channel carried this post."))

        for dimension in SegmentDimension.allCases where dimension != .all {
            let rows = d.breakdowns[dimension] ?? []
            guard !rows.isEmpty else { continue }
            nodes.append(Chart.bars(title: "Reach by \(dimension.title.lowercased())", summary: "Share of recipients reached, per \(dimension.title.lowercased()); small groups are suppressed.",
                                    bars: rows.map { row in (row.value.isEmpty ? "(none)" : row.value, reachShare(row)) },
                                    unit: .percent))
            nodes.append(UI.table(caption: "By \(dimension.title.lowercased())", headers: ["Value", "Recipients", "Reached", "Read", "Clicked", "Acknowledged"], rows: rows.map { row in
                guard let recipients = row.recipients else {
                    return [text(row.value.isEmpty ? "(none)" : row.value), text("suppressed"), text("–"), text("–"), text("–"), text("–")]
                }
                return [text(row.value.isEmpty ? "(none)" : row.value), text(String(recipients)), text("\(row.reached ?? 0) (\(percent(row.reached, recipients)))"),
                        text("\(row.read ?? 0) (\(percent(row.read, recipients)))"), text(String(row.clicked ?? 0)), text(String(row.acknowledged ?? 0))]
            }, empty: ""))
        }
        nodes.append(el("p", [("class", "hint")], text: "Groups of fewer than \(d.threshold) people are suppressed, and so is the next smallest group where needed, so no hidden figure can be worked out from the totals."))
        if mayListPeople && d.unreached > 0 {
            nodes.append(el("p", [], [link("Download the \(d.unreached) people not reached (CSV)", "\(d.subject.path)/unreached.csv")]))
        }
        if case .campaign = d.subject {
            nodes.append(postTable(d.posts, caption: "The campaign's posts", suppression: suppression))
        }
        return nodes
    }

    static func personas(_ d: PostDashboard, _ rows: [PersonaBreakdown.Row]) -> [HTMLNode] {
        [
            UI.heading("By persona: \(d.title)", subtitle: "Recipients who fit each persona's audience today, and how many of them this \(d.subject.noun) reached. A person can fit several personas."),
            UI.table(caption: "Personas", headers: ["Persona", "Audience", "Recipients", "Reached", "Read", "Acknowledged"], rows: rows.map { row in
                guard let recipients = row.recipients else {
                    return [text(row.persona), text(row.audience ?? "–"), el("span", [("class", "muted")], text: row.note ?? "suppressed"), text("–"), text("–"), text("–")]
                }
                return [text(row.persona), text(row.audience ?? "–"), text(String(recipients)), text("\(row.reached ?? 0) (\(percent(row.reached, recipients)))"),
                        text("\(row.read ?? 0) (\(percent(row.read, recipients)))"), text(String(row.acknowledged ?? 0))]
            }, empty: "No personas yet. HR writes them at /personas."),
            Chart.bars(title: "Reach by persona", summary: "Share of the persona's recipients reached; small groups are suppressed.",
                       bars: rows.map { row in (row.persona, row.recipients.flatMap { whole in whole > 0 ? row.reached.map { Double($0) / Double(whole) } : nil }) }, unit: .percent),
            el("p", [], [link("Download (CSV)", "\(d.subject.path)/personas.csv"), text(" · "), link("← Back to the dashboard", d.subject.path)]),
        ]
    }

    static func reachShare(_ row: BreakdownRow) -> Double? {
        guard let recipients = row.recipients, recipients > 0, let reached = row.reached else { return nil }
        return Double(reached) / Double(recipients)
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

/// CSV and JSON forms of a dashboard; CSV cells go through CSVWriter (formula-safe).
public enum PostDashboardExport {
    static func breakdowns(_ d: PostDashboard) -> String {
        var csv = CSVWriter(header: ["dimension", "value", "recipients", "reached", "read", "clicked", "acknowledged"])
        // The per-channel table first, as "channel" rows.
        for channel in [EventChannel.feed, .email, .chat, .sms, .social] {
            guard let whole = d.recipients[channel] else { continue }
            guard d.totals[channel] != nil || whole == 0 else {
                csv.append(["channel", channel.rawValue] + Array(repeating: "suppressed", count: 5))
                continue
            }
            csv.append(["channel", channel.rawValue, String(whole)] + [EventKind.reached, .read, .clicked, .acknowledged].map { String(d.people($0, on: channel)) })
        }
        for dimension in SegmentDimension.allCases where dimension != .all {
            for row in d.breakdowns[dimension] ?? [] {
                let cells = [row.recipients, row.reached, row.read, row.clicked, row.acknowledged].map { $0.map(String.init) ?? "suppressed" }
                csv.append([dimension.rawValue, row.value] + cells)
            }
        }
        return csv.text
    }

    static func personas(_ rows: [PersonaBreakdown.Row]) -> String {
        var csv = CSVWriter(header: ["persona", "audience", "recipients", "reached", "read", "acknowledged", "note"])
        for row in rows {
            csv.append([row.persona, row.audience ?? ""] + [row.recipients, row.reached, row.read, row.acknowledged].map { $0.map(String.init) ?? "suppressed" } + [row.note ?? ""])
        }
        return csv.text
    }

    static func timeline(_ d: PostDashboard) -> String {
        var csv = CSVWriter(header: ["period", "start", "reached", "read"])
        let formatter = ISO8601DateFormatter()
        for point in d.timeline { csv.append([point.label, formatter.string(from: point.start), String(point.reached), String(point.read)]) }
        return csv.text
    }

    struct JSONRow: Encodable { let value: String; let suppressed: Bool; let recipients: Int?; let reached: Int?; let read: Int?; let clicked: Int?; let acknowledged: Int? }
    struct JSONPoint: Encodable { let label: String; let start: Date; let reached: Int; let read: Int }
    public struct JSONOut: Encodable {
        let postId: Int64?; let campaignId: Int64?; let title: String; let publishedAt: Date?; let privacyThreshold: Int
        let recipients: [String: Int]; let totals: [String: [String: Tally]]; let rates: [String: Double?]
        let unreached: Int?; let timeline: [JSONPoint]; let breakdowns: [String: [JSONRow]]; let definitions: [String: String]
        /// A campaign's posts.
        let posts: [JSONPost]?
    }
    struct JSONPost: Encodable { let postId: Int64; let title: String; let publishedAt: Date?; let recipients: Int?; let reached: Int?; let read: Int?; let acknowledged: Int? }

    public static func json(_ d: PostDashboard) -> JSONOut {
        let shown = d.totals[.any] != nil
        var rates: [String: Double?] = [:]
        for kind in [EventKind.reached, .read, .clicked, .acknowledged] { rates[kind.rawValue] = shown ? d.rate(kind) : nil }
        rates["opened"] = d.totals[.email] != nil ? d.rate(.opened, on: .email) : nil
        return JSONOut(
            postId: d.subject.scope == .post ? d.subject.id : nil, campaignId: d.subject.scope == .campaign ? d.subject.id : nil, title: d.title, publishedAt: d.publishedAt, privacyThreshold: d.threshold,
            recipients: Dictionary(uniqueKeysWithValues: d.recipients.map { ($0.key.rawValue, $0.value) }),
            totals: Dictionary(uniqueKeysWithValues: d.totals.map { channel, kinds in (channel.rawValue, Dictionary(uniqueKeysWithValues: kinds.map { ($0.key.rawValue, $0.value) })) }),
            rates: rates, unreached: shown ? d.unreached : nil,
            timeline: d.timeline.map { JSONPoint(label: $0.label, start: $0.start, reached: $0.reached, read: $0.read) },
            breakdowns: Dictionary(uniqueKeysWithValues: d.breakdowns.map { dimension, rows in
                (dimension.rawValue, rows.map { JSONRow(value: $0.value, suppressed: $0.suppressed, recipients: $0.recipients, reached: $0.reached, read: $0.read, clicked: $0.clicked, acknowledged: $0.acknowledged) })
            }),
            definitions: Dictionary(uniqueKeysWithValues: DashboardKinds.shown.map { ($0.rawValue, $0.definition) }),
            posts: d.subject.scope == .campaign ? d.posts.map { post in
                let shown = post.recipients >= d.threshold || post.recipients == 0
                return JSONPost(postId: post.postId, title: post.title, publishedAt: post.publishedAt, recipients: shown ? post.recipients : nil,
                                reached: shown ? post.reached : nil, read: shown ? post.read : nil, acknowledged: shown ? post.acknowledged : nil)
            } : nil)
    }
}
