import Audit
import Content
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Signage: HR and IC set up screens per site (`/signage`, `/api/v1/signage/screens`); each
/// screen opens `/signage/screen/{token}`, a read-only page that rotates the site's posts and
/// reloads itself every five minutes. The token is the only credential, like a calendar feed.
struct SignageRoutes {
    let feature: FeedFeature
    static let managers: Access = .roles([.hr, .comms])

    func url(_ token: String) -> String { feature.baseURL + "/signage/screen/" + token }

    func register(in table: RouteTable) {
        table.page(.get, "/signage", Self.managers) { request, context in
            let screens = try await feature.signage.list()
            let sites = try await feature.signage.sites()
            return Pages.render(request, context, title: "Signage") { page in SignagePages.manage(page, screens: screens, sites: sites, created: nil) }
        }

        table.page(.post, "/signage", Self.managers) { request, context in
            let form = try await request.form(context: context)
            let (screen, token) = try await feature.signage.create(name: form["name"] ?? "", site: form["site"] ?? "", by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            let screens = try await feature.signage.list()
            let sites = try await feature.signage.sites()
            return Pages.render(request, context, title: "Signage", flash: Flash(.success, "Screen \"\(screen.name)\" created. Open its address on the screen; it is shown only now.")) { page in
                SignagePages.manage(page, screens: screens, sites: sites, created: (screen, url(token)))
            }
        }

        table.page(.post, "/signage/{id}/delete", Self.managers) { _, context in
            try await feature.signage.delete(try context.pathID(what: "Screen"), by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return Pages.redirect("/signage", flash: Flash(.success, "The screen was removed; its address no longer works."), context: context)
        }

        table.page(.get, "/signage/screen/{token}", .anyone) { _, context in
            guard let screen = try await feature.signage.screen(token: context.parameters.get("token") ?? "") else {
                return Reply.html(SignagePages.document(title: "Screen not found", body: "<p class=\"empty\">This screen address is not valid. Ask HR or Internal Communications for a new one.</p>"), status: .notFound)
            }
            let language = try await feature.signage.language(site: screen.site) ?? "en"
            var slides: [(SignageStore.Slide, PostVariant)] = []
            for slide in try await feature.signage.slides(site: screen.site) {
                if let entry = try await feature.content.entry(slide.postID, version: slide.version), let variant = entry.content.variant(for: language) {
                    slides.append((slide, variant))
                }
            }
            return Reply.html(SignagePages.screen(screen, slides: slides))
        }

        let screenSchema = Schema.object([
            Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("site", .text), Schema.Property("created_by", .text),
            Schema.Property("created_at", .dateTime), Schema.Property("last_seen_at", .nullable(.dateTime), required: false),
            Schema.Property("url", .text, required: false),
        ])
        table.component("SignageScreen", screenSchema)

        table.api(.get, "/api/v1/signage/screens", Self.managers,
                  APIOperation(id: "listSignageScreens", summary: "Screens that show each site's posts", tag: "Feed",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("SignageScreen")))])))) { _, _ in
            struct List: Encodable { let data: [SignageStore.Screen] }
            return try Reply.json(List(data: try await feature.signage.list()))
        }

        table.api(.post, "/api/v1/signage/screens", Self.managers,
                  APIOperation(id: "createSignageScreen", summary: "Create a screen for a site; the answer holds its secret address, shown only once", tag: "Feed",
                               requestBody: .object([Schema.Property("name", .line(1...100)), Schema.Property("site", .line(1...200))]),
                               success: APIOperation.created(.ref("SignageScreen")), errors: [415, 422])) { request, context in
            struct Input: Decodable { let name: String; let site: String }
            let input = try await request.json(Input.self, context: context)
            let (screen, token) = try await feature.signage.create(name: input.name, site: input.site, by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            struct Created: Encodable {
                let id: Int64; let name: String; let site: String; let createdBy: String; let createdAt: Date; let lastSeenAt: Date?; let url: String
            }
            return try Reply.json(Created(id: screen.id, name: screen.name, site: screen.site, createdBy: screen.createdBy, createdAt: screen.createdAt,
                                          lastSeenAt: nil, url: url(token)), status: .created)
        }

        table.api(.delete, "/api/v1/signage/screens/{id}", Self.managers,
                  APIOperation(id: "deleteSignageScreen", summary: "Remove a screen; its address stops working", tag: "Feed",
                               parameters: [.pathID()], success: APIOperation.noContent, errors: [404])) { _, context in
            try await feature.signage.delete(try context.pathID(what: "Screen"), by: AuditActor(identity: try context.requireIdentity(), requestID: context.id))
            return Reply.noContent()
        }
    }
}

enum SignagePages {
    static func manage(_ page: PageContext, screens: [SignageStore.Screen], sites: [String], created: (SignageStore.Screen, String)?) -> [HTMLNode] {
        var nodes: [HTMLNode] = [UI.heading("Signage", subtitle: "Screens in factories, stores and canteens, each showing the posts meant for its whole site.")]
        if let (screen, url) = created {
            nodes.append(UI.card("Address of \(screen.name)", [UI.secret("Open this on the screen (shown only now)", value: url)]))
        }
        nodes.append(el("p", [("class", "hint")], text: "A screen shows a published post when its feed reached at least 90% of the site's current employees, so posts for small or sensitive groups never appear. Critical posts come first."))
        nodes.append(UI.table(caption: "Screens", headers: ["Name", "Site", "Created by", "Last seen", ""], rows: screens.map { screen in
            [text(screen.name), text(screen.site), text(screen.createdBy),
             text(screen.lastSeenAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never"),
             UI.form(action: "/signage/\(screen.id)/delete", csrf: page.csrfToken, submit: "Remove", [])]
        }, empty: "No screens yet."))
        nodes.append(UI.form(action: "/signage", csrf: page.csrfToken, submit: "Create screen", [
            UI.field("Name", name: "name", value: ""),
            UI.select("Site", name: "site", options: sites.map { ($0, $0) }, selected: nil),
        ]))
        return nodes
    }

    static func screen(_ screen: SignageStore.Screen, slides: [(SignageStore.Slide, PostVariant)]) -> String {
        var body = "<header><h1>" + Escape.html(screen.site) + "</h1><p>" + Escape.html(screen.name) + "</p></header>"
        if slides.isEmpty {
            body += "<p class=\"empty\">No posts for this site right now.</p>"
        } else {
            body += "<div class=\"slides\" data-rotate=\"15\">"
            for (index, (slide, variant)) in slides.enumerated() {
                body += "<section class=\"slide" + (slide.critical ? " critical" : "") + "\" lang=\"" + Escape.html(variant.language) + "\""
                    + (index == 0 ? "" : " data-later=\"1\"") + "><h2>" + Escape.html(variant.title) + "</h2>"
                if !variant.summary.isEmpty { body += "<p class=\"summary\">" + Escape.html(variant.summary) + "</p>" }
                // The body HTML was sanitised when the post was saved.
                body += "<div class=\"body\">" + variant.bodyHTML + "</div></section>"
            }
            body += "</div>"
        }
        return document(title: screen.site, body: body)
    }

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>\
        <meta http-equiv="refresh" content="300"/><meta name="robots" content="noindex"/><title>\(Escape.html(title)) · Tandem</title>\
        <style>body{margin:0;font-family:system-ui,sans-serif;background:#0f2a3d;color:#fff;font-size:2.2vw}header{display:flex;justify-content:space-between;\
        align-items:baseline;padding:1vw 3vw;background:#0b1f2d}header h1{margin:0;font-size:2.4vw}header p{margin:0;opacity:.7}.slides,.empty{padding:3vw}\
        .slide{background:#fff;color:#13212c;border-radius:1vw;padding:3vw;margin-bottom:2vw}.slide.critical{border:.6vw solid #c62828}\
        .slide h2{margin-top:0;font-size:3.4vw}.summary{font-size:2.4vw;font-weight:600}.rotating .slide{display:none;margin:0}.rotating .slide.shown{display:block}</style>\
        <script src="/static/tandem.js" defer></script></head><body>\(body)</body></html>
        """
    }
}
