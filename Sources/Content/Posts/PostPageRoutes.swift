import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Posts as pages: list, editor, detail with workflow buttons, history, restore, review queue.
struct PostPageRoutes {
    let feature: ContentFeature
    var posts: PostStore { feature.posts }

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors

        table.page(.get, "/posts", readers) { request, context in
            let filter = try PostAPIRoutes.filter(request, strict: false)
            let page = try await posts.list(filter, cursor: try Cursor.decode(request.query("cursor")), limit: 50)
            return Pages.render(request, context, title: "Posts") {
                PostPages.list($0, posts: page, state: filter.state, canWrite: editors.allows(context.identity), query: request.uri.query ?? "")
            }
        }

        table.page(.get, "/reviews", readers) { request, context in
            let userID = try context.requireIdentity().userID
            let queue = try await posts.reviewQueue(for: userID)
            let seen = try await feature.views.lastSeen(posts: queue.map(\.id), userID: userID)
            let mentions = try await feature.comments.mentions(for: userID, unreadOnly: false, limit: 30)
            return Pages.render(request, context, title: "Reviews") { PostPages.reviews($0, posts: queue, seen: seen) + [CommentPages.mentions(mentions)] }
        }

        table.page(.get, "/posts/new", editors) { request, context in
            try await editor(request, context, post: nil, content: nil, version: nil, error: nil)
        }

        table.page(.post, "/posts", editors) { request, context in
            let form = try await request.form(context: context)
            var content: PostContent?
            do {
                let (parsed, _) = try PostForm.content(form)
                content = parsed
                let post = try await posts.create(parsed, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(post.id)", flash: Flash(.success, "Saved the draft."), context: context)
            } catch let error as AppError where error.status != .unauthorized && error.status != .forbidden {
                return try await editor(request, context, post: nil, content: content, version: nil, error: error)
            }
        }

        table.page(.get, "/posts/{id}", readers) { request, context in
            try await show(request, context, post: try await find(context))
        }

        table.page(.get, "/posts/{id}/edit", editors) { request, context in
            let post = try await find(context)
            return try await editor(request, context, post: post, content: nil, version: post.version, error: nil)
        }

        table.page(.post, "/posts/{id}", editors) { request, context in
            let post = try await find(context)
            let form = try await request.form(context: context)
            var content: PostContent?
            var version = post.version
            do {
                let (parsed, sent) = try PostForm.content(form)
                content = parsed
                version = sent ?? post.version
                let saved = try await posts.update(post.id, parsed, expectedVersion: version, by: try ContentFeature.actor(context))
                let note = saved.state != post.state ? " It went back to review: approved text changed." : ""
                return Pages.redirect("/posts/\(saved.id)", flash: Flash(.success, "Saved version \(saved.version).\(note)"), context: context)
            } catch let error as AppError where error.status != .unauthorized && error.status != .forbidden {
                return try await editor(request, context, post: post, content: content, version: version, error: error)
            }
        }

        table.page(.post, "/posts/{id}/transition", readers) { request, context in
            let post = try await find(context)
            let form = try await request.form(context: context)
            do {
                let (action, zone) = try PostAPIRoutes.action(form["action"] ?? "", publishAt: form["publish_at"], timeZone: form["time_zone"], note: form["note"])
                let saved = try await posts.transition(post.id, action, expectedVersion: form.text("version").flatMap { Int($0) }, note: form["note"] ?? "",
                                                       scheduleZone: zone, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(saved.id)", flash: Flash(.success, "\(PostWorkflow.pastTense(action).capitalizedFirst): now \(saved.state.title.lowercased())."), context: context)
            } catch let error as AppError where error.status != .unauthorized {
                return Pages.redirect("/posts/\(post.id)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/posts/{id}/restore", editors) { request, context in
            let post = try await find(context)
            let form = try await request.form(context: context)
            guard let version = form.text("version").flatMap({ Int($0) }), let expected = form.text("expected_version").flatMap({ Int($0) }) else {
                throw AppError.invalid("version", "Choose a version to restore.")
            }
            do {
                let saved = try await posts.restore(post.id, version: version, expectedVersion: expected, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(saved.id)", flash: Flash(.success, "Restored version \(version) as version \(saved.version)."), context: context)
            } catch let error as AppError where error.status != .unauthorized {
                return Pages.redirect("/posts/\(post.id)", flash: Flash(.error, error.message), context: context)
            }
        }
    }

    func find(_ context: TandemContext) async throws -> Post {
        guard let post = try await posts.find(id: try context.pathID(what: "Post")) else { throw AppError.notFound("Post") }
        return post
    }

    func show(_ request: Request, _ context: TandemContext, post: Post) async throws -> Response {
        let actor = try ContentFeature.actor(context)
        let facts = try await posts.facts(post)
        let actions = PostWorkflow.available(to: actor.workflow, on: facts)
        let names = try await feature.topics.userNames()
        let events = try await posts.events(of: post.id)
        let versions = try await posts.versions(of: post.id)
        let files = try await feature.attachments.list(post.id)
        let threads = try await feature.comments.threads(of: post.id)
        let canWrite = ContentFeature.editors.allows(context.identity)
        // Reviewers see what changed since the version they last opened; `compare` picks another.
        let lastSeen = try await feature.views.lastSeen(post: post.id, userID: actor.userID)
        var diff: PostDiff?
        if let raw = request.query("compare"), !raw.isEmpty {
            guard let from = Int(raw), from >= 1, from < post.version else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "'compare' is an earlier version, 1 to \(max(1, post.version - 1)).", field: "compare")
            }
            diff = try await feature.diff(post: post, from: from, to: post.version)
        } else if let lastSeen, lastSeen < post.version {
            diff = try await feature.diff(post: post, from: lastSeen, to: post.version)
        }
        let reach = try await feature.reach(post.content.audiences, channels: post.content.channels, seesAll: ReachRoutes.seesAll(context))
        let translators = canWrite ? try await feature.translations.translators() : []
        let changes = diff.map { DiffPages.card($0, post: post, lastSeen: lastSeen, versions: versions.map(\.version), events: events) }
        var response = Pages.render(request, context, title: post.title) {
            PostPages.detail($0, post: post, actions: actions, facts: facts, names: names, events: events, versions: versions, files: files, canWrite: canWrite,
                             changes: changes, reach: ReachPages.card(reach, live: false),
                             translate: canWrite && PostCommentStore.openStates.contains(post.state)
                                ? TranslationPages.form($0, post: post, translators: translators, provider: feature.translations.provider?.name) : nil,
                             comments: CommentPages.threads($0, post: post, threads: threads, userID: actor.userID, isAdmin: actor.roles.contains(.admin)))
        }
        // Page views write only when something changed: a write is a turn of SQLite's one writer.
        if lastSeen != post.version { try await feature.views.markSeen(post: post.id, userID: actor.userID, version: post.version) }
        try await feature.comments.markRead(post: post.id, userID: actor.userID)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func editor(_ request: Request, _ context: TandemContext, post: Post?, content: PostContent?, version: Int?, error: AppError?) async throws -> Response {
        let topics = try await feature.topics.all()
        let audiences = try await feature.topics.audienceNames()
        let campaigns = try await feature.campaigns.all()
        let translators = try await feature.translations.translators()
        let shown = content ?? post?.content
        // Audiences named in a refused form may not exist: then the reach waits for a valid choice.
        let reach = try? await feature.reach(shown?.audiences ?? [], channels: shown?.channels ?? PostContent.defaultChannels, seesAll: ReachRoutes.seesAll(context))
        return Pages.render(request, context, title: post.map { "Edit \($0.title)" } ?? "New post", status: error?.status ?? .ok) { page in
            [UI.heading(post.map { "Edit: \($0.title)" } ?? "New post", subtitle: "Write it once per language; adjust the text per channel where it must be shorter.")]
                + PostPages.editor(page, post: post, content: content, version: version, topics: topics, audiences: audiences, campaigns: campaigns,
                                   translators: translators, error: error)
                + [reach.map { ReachPages.card($0, live: true) } ?? el("section", [("class", "card"), ("id", "post-reach")], [el("h2", text: "Reach")])]
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
