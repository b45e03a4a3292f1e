import Foundation
import TandemCore
import TandemUI

/// Comment threads under a post, and the mentions inbox.
enum CommentPages {
    static let mentionHint = "Markdown. Mention someone with @ and their email address or the part before the @ (for example @ada); they see it under Reviews."

    static func threads(_ page: PageContext, post: Post, threads: [CommentThread], userID: Int64, isAdmin: Bool) -> HTMLNode {
        let open = PostCommentStore.openStates.contains(post.state)
        var children: [HTMLNode] = []
        let unresolved = threads.filter { !$0.isResolved && !$0.root.isDeleted }.count
        children.append(el("p", [("class", "hint")], text: threads.isEmpty ? "No comments yet." : "\(threads.count) thread\(threads.count == 1 ? "" : "s"), \(unresolved) open."))
        for thread in threads {
            var items: [HTMLNode] = [comment(page, thread.root, post: post, userID: userID, isAdmin: isAdmin, open: open)]
            items += thread.replies.map { el("div", [("class", "reply")], [comment(page, $0, post: post, userID: userID, isAdmin: isAdmin, open: open)]) }
            if open {
                items.append(el("details", [("class", "reply-form")], [
                    el("summary", text: "Reply"),
                    form(page, post: post, replyTo: thread.root.id, label: "Reply", field: "reply-\(thread.root.id)"),
                ]))
                items.append(el("form", [("method", "post"), ("action", "/posts/\(post.id)/comments/\(thread.root.id)/resolve"), ("class", "inline-action")], [
                    Layout.csrfField(page.csrfToken),
                    void("input", [("type", "hidden"), ("name", "resolved"), ("value", thread.isResolved ? "0" : "1")]),
                    el("button", [("type", "submit"), ("class", "secondary")], text: thread.isResolved ? "Reopen thread" : "Resolve thread"),
                ]))
            }
            let state = thread.isResolved ? "resolved" : "open"
            children.append(el("article", [("class", "thread \(state)"), ("id", "thread-\(thread.root.id)")], items))
        }
        if open {
            children.append(form(page, post: post, replyTo: nil, label: "Comment", field: "comment-new"))
        } else {
            children.append(el("p", [("class", "hint")], text: "Comments are closed: the post is \(post.state.title.lowercased())."))
        }
        return UI.card("Comments", children)
    }

    static func comment(_ page: PageContext, _ c: PostComment, post: Post, userID: Int64, isAdmin: Bool, open: Bool) -> HTMLNode {
        var meta = "\(c.authorName) · \(c.createdAt.formatted(date: .abbreviated, time: .shortened)) · on v\(c.postVersion)"
        if c.threadID == nil, let resolved = c.resolvedAt { meta += " · resolved by \(c.resolvedBy ?? "?") \(resolved.formatted(date: .abbreviated, time: .shortened))" }
        var nodes: [HTMLNode] = [el("p", [("class", "comment-meta")], text: meta)]
        if c.isDeleted {
            nodes.append(el("p", [("class", "hint")], text: "Comment removed."))
        } else {
            nodes.append(el("div", [("class", "comment-body")], [sanitizedHTML(c.bodyHTML)]))
            if !c.mentioned.isEmpty { nodes.append(el("p", [("class", "hint")], text: "Mentions: " + c.mentioned.joined(separator: ", "))) }
            if open && (c.authorID == userID || isAdmin) {
                nodes.append(el("form", [("method", "post"), ("action", "/posts/\(post.id)/comments/\(c.id)/delete"), ("class", "inline-action"), ("data-confirm", "Remove this comment?")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "secondary")], text: "Remove"),
                ]))
            }
        }
        return el("div", [("class", "comment"), ("id", "comment-\(c.id)")], nodes)
    }

    static func form(_ page: PageContext, post: Post, replyTo: Int64?, label: String, field: String) -> HTMLNode {
        var nodes: [HTMLNode] = [Layout.csrfField(page.csrfToken)]
        if let replyTo { nodes.append(void("input", [("type", "hidden"), ("name", "reply_to"), ("value", String(replyTo))])) }
        nodes.append(el("div", [("class", "field")], [
            el("label", [("for", "f-\(field)")], text: label),
            el("textarea", [("id", "f-\(field)"), ("name", "body"), ("rows", "3"), ("maxlength", String(PostCommentStore.maximumLength)), ("required", "required"),
                            ("aria-describedby", "f-\(field)-note")], text: ""),
            el("p", [("class", "hint"), ("id", "f-\(field)-note")], text: mentionHint),
        ]))
        nodes.append(el("button", [("type", "submit")], text: replyTo == nil ? "Add comment" : "Reply"))
        return el("form", [("method", "post"), ("action", "/posts/\(post.id)/comments"), ("class", "comment-form")], nodes)
    }

    static func mentions(_ mentions: [Mention]) -> HTMLNode {
        UI.table(caption: "Mentions of you", headers: ["Post", "By", "Comment", "When"], rows: mentions.map { m in
            [link(m.postTitle, "/posts/\(m.postID)#comment-\(m.commentID)"), text(m.authorName),
             el("span", m.readAt == nil ? [("class", "unread")] : [], text: (m.readAt == nil ? "● " : "") + m.excerpt),
             text(m.createdAt.formatted(date: .abbreviated, time: .shortened))]
        }, empty: "Nobody has mentioned you.")
    }
}
