import Engagement
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Post and campaign dashboards: `/analytics`, `/analytics/posts/{id}` and `/analytics/campaigns/{id}` with CSV exports, and the same in JSON.
struct PostDashboardRoutes {
    let feature: AnalyticsFeature

    func register(in table: RouteTable) {
        table.page(.get, "/analytics", AnalyticsFeature.readers) { request, context in
            try await feature.engagement.rollUp()
            let posts = try await feature.metrics.recent()
            let campaigns = try await feature.metrics.campaigns()
            return Pages.render(request, context, title: "Analytics") { _ in PostDashboardPages.index(posts, campaigns: campaigns, suppression: feature.suppression) }
        }
        for kind in ["posts", "campaigns"] {
            let make: @Sendable (Int64) -> DashboardSubject = kind == "posts" ? DashboardSubject.post : DashboardSubject.campaign
            let what = kind == "posts" ? "Post" : "Campaign"

            table.page(.get, "/analytics/\(kind)/{id}", AnalyticsFeature.readers) { request, context in
                let dashboard = try await load(context, make, what)
                return page(request, context, dashboard)
            }

            table.page(.get, "/analytics/\(kind)/{id}/breakdowns.csv", AnalyticsFeature.readers) { _, context in
                let dashboard = try await load(context, make, what)
                return Reply.download(PostDashboardExport.breakdowns(dashboard), filename: "tandem-\(dashboard.subject.noun)-\(dashboard.subject.id)-breakdowns.csv",
                                      contentType: "text/csv; charset=utf-8")
            }

            table.page(.get, "/analytics/\(kind)/{id}/timeline.csv", AnalyticsFeature.readers) { _, context in
                let dashboard = try await load(context, make, what)
                return Reply.download(PostDashboardExport.timeline(dashboard), filename: "tandem-\(dashboard.subject.noun)-\(dashboard.subject.id)-timeline.csv",
                                      contentType: "text/csv; charset=utf-8")
            }

            table.page(.get, "/analytics/\(kind)/{id}/personas", AnalyticsFeature.readers) { request, context in
                let dashboard = try await load(context, make, what)
                let rows = try await feature.personas.rows(dashboard.subject, seesSensitive: context.identity?.has(.hr) ?? false, suppression: feature.suppression)
                return Pages.render(request, context, title: "Personas: \(dashboard.title)") { _ in PostDashboardPages.personas(dashboard, rows) }
            }

            table.page(.get, "/analytics/\(kind)/{id}/personas.csv", AnalyticsFeature.readers) { _, context in
                let dashboard = try await load(context, make, what)
                let rows = try await feature.personas.rows(dashboard.subject, seesSensitive: context.identity?.has(.hr) ?? false, suppression: feature.suppression)
                return Reply.download(PostDashboardExport.personas(rows), filename: "tandem-\(dashboard.subject.noun)-\(dashboard.subject.id)-personas.csv",
                                      contentType: "text/csv; charset=utf-8")
            }

            table.api(.get, "/api/v1/analytics/\(kind)/{id}/personas", AnalyticsFeature.readers,
                      APIOperation(id: kind == "posts" ? "getPostPersonas" : "getCampaignPersonas",
                                   summary: "Reach, reads and acknowledgements of the \(what.lowercased())'s recipients by persona, counted against each persona's audience today (personas overlap; small groups and HR-only personas for others are null)",
                                   tag: "Analytics", parameters: [.pathID()],
                                   success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                       Schema.Property("persona", .text), Schema.Property("audience", .nullable(.text), required: false),
                                       Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false), Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false),
                                       Schema.Property("read", .nullable(.integer(minimum: 0)), required: false), Schema.Property("acknowledged", .nullable(.integer(minimum: 0)), required: false),
                                       Schema.Property("note", .nullable(.text), required: false),
                                   ])))])), errors: [404])) { _, context in
                let dashboard = try await load(context, make, what)
                struct Out: Encodable { let data: [PersonaBreakdown.Row] }
                return try Reply.json(Out(data: try await feature.personas.rows(dashboard.subject, seesSensitive: context.identity?.has(.hr) ?? false, suppression: feature.suppression)))
            }

            table.page(.get, "/analytics/\(kind)/{id}/unreached.csv", AnalyticsFeature.personReaders) { _, context in
                try requirePersonEngagement()
                let dashboard = try await load(context, make, what)
                var csv = CSVWriter(header: ["employee_id", "name", "site", "channels"])
                for person in try await feature.metrics.unreached(dashboard.subject, limit: nil) {
                    csv.append([person.employeeId, person.name, person.site ?? "", person.channels])
                }
                return Reply.download(csv.text, filename: "tandem-\(dashboard.subject.noun)-\(dashboard.subject.id)-unreached.csv", contentType: "text/csv; charset=utf-8")
            }
        }

        let tally = Schema.object([Schema.Property("people", .integer(minimum: 0)), Schema.Property("events", .integer(minimum: 0))])
        let row = Schema.object([
            Schema.Property("value", .text), Schema.Property("suppressed", .boolean),
            Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false), Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false),
            Schema.Property("read", .nullable(.integer(minimum: 0)), required: false), Schema.Property("clicked", .nullable(.integer(minimum: 0)), required: false),
            Schema.Property("acknowledged", .nullable(.integer(minimum: 0)), required: false),
        ])
        table.api(.get, "/api/v1/analytics/posts", AnalyticsFeature.readers,
                  APIOperation(id: "listPostMetrics", summary: "Published posts, newest first (50), with recipients and the people reached, who read and who acknowledged", tag: "Analytics",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                   Schema.Property("post_id", .id), Schema.Property("title", .text), Schema.Property("state", .text),
                                   Schema.Property("published_at", .nullable(.dateTime), required: false), Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false), Schema.Property("read", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("acknowledged", .nullable(.integer(minimum: 0)), required: false),
                               ])))])))) { _, _ in
            struct Item: Encodable { let postId: Int64; let title: String; let state: String; let publishedAt: Date?; let recipients: Int?; let reached: Int?; let read: Int?; let acknowledged: Int? }
            struct Out: Encodable { let data: [Item] }
            try await feature.engagement.rollUp()
            let items = try await feature.metrics.recent().map { summary in
                let shown = feature.suppression.allows(summary.recipients)
                return Item(postId: summary.postId, title: summary.title, state: summary.state, publishedAt: summary.publishedAt,
                            recipients: shown ? summary.recipients : nil, reached: shown ? summary.reached : nil, read: shown ? summary.read : nil,
                            acknowledged: shown ? summary.acknowledged : nil)
            }
            return try Reply.json(Out(data: items))
        }

        table.api(.get, "/api/v1/analytics/posts/{id}", AnalyticsFeature.readers,
                  APIOperation(id: "getPostMetrics", summary: "A post's dashboard: recipients, people and events per channel and kind, the timeline and breakdowns (groups under the privacy threshold are null)", tag: "Analytics",
                               parameters: [.pathID()],
                               success: APIOperation.ok(.object([
                                   Schema.Property("post_id", .id), Schema.Property("title", .text), Schema.Property("published_at", .nullable(.dateTime), required: false),
                                   Schema.Property("privacy_threshold", .integer(minimum: 3)),
                                   Schema.Property("recipients", .map(.integer(minimum: 0))),
                                   Schema.Property("totals", .map(.map(tally))),
                                   Schema.Property("rates", .map(.nullable(.number))),
                                   Schema.Property("unreached", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("timeline", .array(.object([Schema.Property("label", .text), Schema.Property("start", .dateTime),
                                                                               Schema.Property("reached", .integer(minimum: 0)), Schema.Property("read", .integer(minimum: 0))]))),
                                   Schema.Property("breakdowns", .map(.array(row))),
                                   Schema.Property("definitions", .map(.text)),
                               ])), errors: [404])) { _, context in
            try Reply.json(PostDashboardExport.json(try await load(context, { .post($0) }, "Post")))
        }

        table.api(.get, "/api/v1/analytics/campaigns", AnalyticsFeature.readers,
                  APIOperation(id: "listCampaignMetrics", summary: "Campaigns with a published post (50, latest start first), with their people counted once across the campaign's posts", tag: "Analytics",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                   Schema.Property("campaign_id", .id), Schema.Property("name", .text), Schema.Property("starts_on", .string(format: "date")),
                                   Schema.Property("ends_on", .string(format: "date")),
                                   Schema.Property("posts", .integer(minimum: 1)), Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false), Schema.Property("read", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("acknowledged", .nullable(.integer(minimum: 0)), required: false),
                               ])))])))) { _, _ in
            struct Item: Encodable { let campaignId: Int64; let name: String; let startsOn: String; let endsOn: String; let posts: Int; let recipients: Int?; let reached: Int?; let read: Int?; let acknowledged: Int? }
            struct Out: Encodable { let data: [Item] }
            try await feature.engagement.rollUp()
            let items = try await feature.metrics.campaigns().map { summary in
                let shown = feature.suppression.allows(summary.recipients)
                return Item(campaignId: summary.campaignId, name: summary.name, startsOn: summary.startsOn, endsOn: summary.endsOn, posts: summary.posts,
                            recipients: shown ? summary.recipients : nil, reached: shown ? summary.reached : nil, read: shown ? summary.read : nil,
                            acknowledged: shown ? summary.acknowledged : nil)
            }
            return try Reply.json(Out(data: items))
        }

        table.api(.get, "/api/v1/analytics/campaigns/{id}", AnalyticsFeature.readers,
                  APIOperation(id: "getCampaignMetrics", summary: "A campaign's dashboard: each person counted once across its posts; recipients, people and events per channel and kind, the timeline, breakdowns and its posts (groups under the privacy threshold are null)", tag: "Analytics",
                               parameters: [.pathID()],
                               success: APIOperation.ok(.object([
                                   Schema.Property("campaign_id", .id), Schema.Property("title", .text), Schema.Property("published_at", .nullable(.dateTime), required: false),
                                   Schema.Property("privacy_threshold", .integer(minimum: 3)),
                                   Schema.Property("recipients", .map(.integer(minimum: 0))),
                                   Schema.Property("totals", .map(.map(tally))),
                                   Schema.Property("rates", .map(.nullable(.number))),
                                   Schema.Property("unreached", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("timeline", .array(.object([Schema.Property("label", .text), Schema.Property("start", .dateTime),
                                                                               Schema.Property("reached", .integer(minimum: 0)), Schema.Property("read", .integer(minimum: 0))]))),
                                   Schema.Property("breakdowns", .map(.array(row))),
                                   Schema.Property("definitions", .map(.text)),
                                   Schema.Property("posts", .array(.object([
                                       Schema.Property("post_id", .id), Schema.Property("title", .text), Schema.Property("published_at", .nullable(.dateTime), required: false),
                                       Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false), Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false),
                                       Schema.Property("read", .nullable(.integer(minimum: 0)), required: false), Schema.Property("acknowledged", .nullable(.integer(minimum: 0)), required: false),
                                   ]))),
                               ])), errors: [404])) { _, context in
            try Reply.json(PostDashboardExport.json(try await load(context, DashboardSubject.campaign, "Campaign")))
        }

        table.api(.get, "/api/v1/analytics/posts/{id}/unreached", AnalyticsFeature.personReaders,
                  APIOperation(id: "getPostUnreached", summary: "Recipients whom no channel reached (only when per-person engagement is turned on)", tag: "Analytics",
                               parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                   Schema.Property("employee_id", .text), Schema.Property("name", .text),
                                   Schema.Property("site", .nullable(.text), required: false), Schema.Property("channels", .text),
                               ])))])), errors: [404, 409])) { _, context in
            try requirePersonEngagement()
            let dashboard = try await load(context, { .post($0) }, "Post")
            struct Out: Encodable { let data: [PostMetricsStore.UnreachedPerson] }
            return try Reply.json(Out(data: try await feature.metrics.unreached(post: dashboard.postID, limit: 5_000)))
        }
    }

    func load(_ context: TandemContext, _ make: (Int64) -> DashboardSubject, _ what: String) async throws -> PostDashboard {
        let id = try context.pathID(what: what)
        try await feature.engagement.rollUp()
        guard let dashboard = try await feature.metrics.dashboard(make(id), suppression: feature.suppression) else { throw AppError.notFound(what) }
        return dashboard
    }

    func page(_ request: Request, _ context: TandemContext, _ dashboard: PostDashboard) -> Response {
        let mayList = feature.personEngagement && AnalyticsFeature.personReaders.allows(context.identity)
        let suppression = feature.suppression
        return Pages.render(request, context, title: "Analytics: \(dashboard.title)") { _ in
            PostDashboardPages.dashboard(dashboard, mayListPeople: mayList, suppression: suppression)
        }
    }

    func requirePersonEngagement() throws {
        guard feature.personEngagement else {
            throw AppError(.conflict, code: "person_engagement_off",
                           message: "Per-person engagement is turned off for this organisation. An administrator can turn it on with TANDEM_PERSON_ENGAGEMENT=true.")
        }
    }
}
