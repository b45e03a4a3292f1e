import Foundation
import TandemCore
import TandemUI

enum CampaignPages {
    static func list(_ page: PageContext, campaigns: [Campaign]) -> [HTMLNode] {
        [
            UI.heading("Campaigns", subtitle: "Posts grouped under one goal, planned by HR, Internal Communications and Marketing together."),
            UI.table(caption: "Campaigns", headers: ["Campaign", "Dates", "Owners", "Paired with", "Outcome", "Posts"], rows: campaigns.map { c in
                [link(c.name, "/campaigns/\(c.id)"), text("\(c.startsOn) – \(c.endsOn)"), text(c.ownerTeams.map(\.title).joined(separator: ", ")),
                 text(c.externalName ?? "—"), text(c.outcomeMetric.isEmpty ? "—" : c.outcomeMetric), text(String(c.postCount))]
            }, empty: "No campaigns yet."),
        ]
    }

    static func detail(_ page: PageContext, campaign c: Campaign, posts: [Post]) -> [HTMLNode] {
        [
            UI.heading(c.name, subtitle: c.goal.isEmpty ? nil : c.goal),
            UI.details(caption: "Campaign", [
                ("Dates", text("\(c.startsOn) – \(c.endsOn)")), ("Owner teams", text(c.ownerTeams.map(\.title).joined(separator: ", "))),
                ("Paired external campaign", c.externalURL.map { link(c.externalName ?? $0, $0, [("rel", "noopener noreferrer nofollow")]) } ?? text(c.externalName ?? "—")),
                ("Outcome metric", text(c.outcomeMetric.isEmpty ? "—" : c.outcomeMetric)),
                ("Updated", text("\(c.updatedBy), \(c.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
            UI.table(caption: "Posts in this campaign", headers: ["Title", "State", "Publish"], rows: posts.map { p in
                [link(p.title, "/posts/\(p.id)"), PostPages.badge(p.state), text(p.publishAt.map { PostPages.when($0, zone: p.scheduleZone) } ?? "—")]
            }, empty: "No posts yet: choose this campaign in a post's editor."),
            el("p", [], [link("Reach and reads of the whole campaign", "/analytics/campaigns/\(c.id)"), text(" · "), link("← All campaigns", "/campaigns")]),
        ]
    }

    static func form(_ page: PageContext, campaign: Campaign?, values: FormData?, error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = []
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        nodes.append(el("form", [("method", "post"), ("action", campaign.map { "/campaigns/\($0.id)" } ?? "/campaigns"), ("class", "card")], [
            Layout.csrfField(page.csrfToken),
            el("h2", text: campaign == nil ? "New campaign" : "Edit"),
            UI.field("Name", name: "name", value: value("name", campaign?.name), required: true, error: problem("name"), attributes: [("maxlength", "80")]),
            UI.textArea("Goal", name: "goal", value: value("goal", campaign?.goal), rows: 2, error: problem("goal")),
            UI.checkboxes("Owner teams", name: "owner_teams", options: CampaignTeam.allCases.map { ($0.rawValue, $0.title) },
                          checked: Set(values?.all("owner_teams") ?? campaign?.ownerTeams.map(\.rawValue) ?? [])),
            problem("owner_teams").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            UI.field("Starts on", name: "starts_on", type: "date", value: value("starts_on", campaign?.startsOn), required: true, error: problem("starts_on")),
            UI.field("Ends on", name: "ends_on", type: "date", value: value("ends_on", campaign?.endsOn), required: true, error: problem("ends_on")),
            UI.field("Paired external campaign", name: "external_name", value: value("external_name", campaign?.externalName), hint: "e.g. the brand campaign this internal one echoes.", error: problem("external_name")),
            UI.field("Its link", name: "external_url", type: "url", value: value("external_url", campaign?.externalURL), error: problem("external_url")),
            UI.field("Outcome metric", name: "outcome_metric", value: value("outcome_metric", campaign?.outcomeMetric), hint: "What it should move, e.g. 401(k) participation.", error: problem("outcome_metric")),
            el("button", [("type", "submit")], text: campaign == nil ? "Create campaign" : "Save campaign"),
        ]))
        if let campaign {
            nodes.append(el("form", [("method", "post"), ("action", "/campaigns/\(campaign.id)/delete"), ("data-confirm", "Delete the campaign \(campaign.name)?")], [
                Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "danger")], text: "Delete campaign"),
            ]))
        }
        return nodes
    }
}
