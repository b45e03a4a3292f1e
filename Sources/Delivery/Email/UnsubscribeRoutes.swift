import Content
import Engagement
import Foundation
import Hummingbird
import TandemCore
import TandemStore
import TandemUI

/// The unsubscribe link in every optional email, `/unsubscribe/{signed token}`. The token names
/// the person and the post and is signed (LinkSigner), so it needs no sign-in; the CSRF check
/// does not apply here, since cookies grant nothing on these routes (see CSRFMiddleware).
///
/// - GET shows what the link would do and changes nothing, because mail scanners follow links.
/// - POST `List-Unsubscribe=One-Click` (RFC 8058, sent by the mail program) opts out of the
///   post's topics at once.
/// - POST `scope=topics|all|undo` comes from the page's buttons.
struct UnsubscribeRoutes {
    let feature: DeliveryFeature
    let engagement: EngagementWriter

    init(feature: DeliveryFeature) {
        self.feature = feature
        engagement = EngagementWriter(database: feature.database)
    }

    struct Target {
        let employeeID: Int64
        let postTitle: String
        let topicIDs: [Int64]
        let topicNames: [String]
        let mandatory: Bool
        /// The post whose email carried the link (none for a digest).
        var postID: Int64? = nil
    }

    /// One `unsubscribed` event per person and post, however often the link is used.
    func event(_ target: Target) async throws -> PreparedEvents? {
        guard let post = target.postID else { return nil }
        return try await engagement.prepare([EngagementEvent(postID: post, employeeID: target.employeeID, channel: .email, kind: .unsubscribed,
                                                             occurredAt: Millis.from(Date()), dedupe: "un.\(post).\(target.employeeID)")])
    }

    func target(_ token: String) async throws -> Target? {
        // A digest's link names only the person: it stops every optional email.
        if let ids = try await feature.signer.verify(token, kind: "ud", count: 1) {
            return Target(employeeID: ids[0], postTitle: "your digest", topicIDs: [], topicNames: [], mandatory: false)
        }
        guard let ids = try await feature.signer.verify(token, kind: "u", count: 2),
              let sent = try await SentPostCache.load(ids[1], posts: feature.scheduler.posts, database: feature.database) else { return nil }
        let title = sent.content.variant(for: sent.content.fallbackLanguage)?.title ?? "a post"
        return Target(employeeID: ids[0], postTitle: title, topicIDs: sent.content.topicIDs, topicNames: sent.topics, mandatory: sent.content.mandatory, postID: ids[1])
    }

    func register(in table: RouteTable) {
        table.page(.get, "/unsubscribe/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let target = try await target(token) else { return invalid(request, context) }
            let current = try await feature.optOuts.list(employee: target.employeeID).filter { $0.channel == .email }
            return Pages.render(request, context, title: "Unsubscribe") { page in
                UnsubscribePages.choose(page, token: token, target: target, current: current)
            }
        }

        table.page(.post, "/unsubscribe/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            let form = try await request.form(context: context)
            guard let target = try await target(token) else { return invalid(request, context) }
            // A post without topics can only be stopped by opting out of all optional email.
            let topics = target.topicIDs.isEmpty ? [OptOutStore.everything] : target.topicIDs
            if form["List-Unsubscribe"] == "One-Click" {
                try await feature.optOuts.add(employee: target.employeeID, topics: topics, channel: .email, events: try await event(target))
                return Reply.text("Unsubscribed.\n")
            }
            let message: String
            switch form["scope"] {
            case "topics":
                try await feature.optOuts.add(employee: target.employeeID, topics: topics, channel: .email, events: try await event(target))
                message = target.topicNames.isEmpty
                    ? "You will get no more optional email from Tandem."
                    : "You will get no more email about \(target.topicNames.joined(separator: ", ")). Mandatory messages still reach you."
            case "all":
                try await feature.optOuts.add(employee: target.employeeID, topics: [OptOutStore.everything], channel: .email, events: try await event(target))
                message = "You will get no more optional email from Tandem. Mandatory messages still reach you."
            case "undo":
                try await feature.optOuts.remove(employee: target.employeeID, topics: topics + [OptOutStore.everything], channel: .email)
                message = "You are subscribed again."
            default:
                throw AppError(.badRequest, code: "invalid_field", message: "Choose what to unsubscribe from: 'topics' or 'all' (or 'undo').", field: "scope")
            }
            let current = try await feature.optOuts.list(employee: target.employeeID).filter { $0.channel == .email }
            return Pages.render(request, context, title: "Unsubscribe", flash: Flash(.success, message)) { page in
                UnsubscribePages.choose(page, token: token, target: target, current: current)
            }
        }
    }

    func invalid(_ request: Request, _ context: TandemContext) -> Response {
        Pages.render(request, context, title: "Link not valid", status: .notFound) { _ in
            [UI.heading("This unsubscribe link is not valid"),
             el("p", [], text: "It may have been copied incompletely. Use the link at the bottom of a recent email from Tandem, or sign in and change your email preferences.")]
        }
    }
}

enum UnsubscribePages {
    static func choose(_ page: PageContext, token: String, target: UnsubscribeRoutes.Target, current: [OptOut]) -> [HTMLNode] {
        let out = Set(current.map(\.topicId))
        let action = "/unsubscribe/" + token
        var nodes: [HTMLNode] = [UI.heading("Email from Tandem", subtitle: "From the email “\(target.postTitle)”.")]
        if OptOutStore.covers(out, topics: target.topicIDs) {
            nodes.append(el("p", [], text: out.contains(OptOutStore.everything)
                ? "You are unsubscribed from all optional email. Mandatory messages from your employer still reach you."
                : "You are unsubscribed from email about \(target.topicNames.joined(separator: ", ")). Mandatory messages still reach you."))
            nodes.append(scoped(action, page.csrfToken, scope: "undo", label: "Subscribe again"))
        } else {
            if !target.topicNames.isEmpty {
                nodes.append(el("p", [], text: "You receive this because you follow \(target.topicNames.joined(separator: ", "))."))
                nodes.append(scoped(action, page.csrfToken, scope: "topics", label: "Unsubscribe from \(target.topicNames.joined(separator: ", "))"))
            }
            nodes.append(scoped(action, page.csrfToken, scope: "all", label: "Unsubscribe from all optional email"))
            nodes.append(el("p", [("class", "hint")], text: "Mandatory messages (policies, safety, emergencies) are sent whatever you choose here."))
        }
        return nodes
    }

    static func scoped(_ action: String, _ csrf: String, scope: String, label: String) -> HTMLNode {
        el("form", [("method", "post"), ("action", action), ("class", "inline-action")], [
            Layout.csrfField(csrf), el("input", [("type", "hidden"), ("name", "scope"), ("value", scope)]),
            el("button", [("type", "submit")], text: label),
        ])
    }
}
