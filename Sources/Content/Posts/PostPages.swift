import Foundation
import TandemCore
import TandemUI

/// Post pages: the list, the review queue, one post with its channel previews and actions, and the editor.
enum PostPages {
    static func badge(_ state: PostState) -> HTMLNode { el("span", [("class", "badge state-\(state.rawValue)")], text: state.title) }

    static func list(_ page: PageContext, posts: Page<Post>, state: PostState?, canWrite: Bool, query: String) -> [HTMLNode] {
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("cursor=") }.joined(separator: "&")
        return [
            UI.heading("Posts", subtitle: "Everything HR, Internal Communications and Marketing plan to say, in one place."),
            canWrite ? el("p", [], [link("New post", "/posts/new")]) : text(""),
            el("form", [("method", "get"), ("action", "/posts"), ("class", "filters")], [
                UI.select("State", name: "state", options: [(value: "", title: "Any")] + PostState.allCases.map { ($0.rawValue, $0.title) }, selected: state?.rawValue ?? ""),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Filter")]),
            ]),
            UI.table(caption: "Posts", headers: ["Title", "State", "Topics", "Languages", "Publish", "Updated"], rows: posts.items.map { p in
                [link(p.title, "/posts/\(p.id)"), badge(p.state), text(p.topicNames.joined(separator: ", ")),
                 text(p.content.variants.map(\.language).joined(separator: ", ")), text(p.publishAt.map { when($0, zone: p.scheduleZone) } ?? "—"),
                 text("\(p.updatedBy), \(p.updatedAt.formatted(date: .abbreviated, time: .shortened))")]
            }, empty: canWrite ? "No posts yet. Write the first one." : "No posts yet."),
            UI.pagination(next: posts.nextCursor.map { "/posts?" + (kept.isEmpty ? "" : kept + "&") + "cursor=\($0)" }),
        ]
    }

    static func when(_ date: Date, zone: String) -> String {
        let tz = zone == PostSchedule.recipientZone ? TimeZone(identifier: "UTC")! : (TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened)
        style.timeZone = tz
        return date.formatted(style) + (zone == PostSchedule.recipientZone ? " (each employee's local time)" : " (\(zone))")
    }

    static func reviews(_ page: PageContext, posts: [Post], seen: [Int64: Int]) -> [HTMLNode] {
        [
            UI.heading("Reviews", subtitle: "Posts waiting for your approval, and comments that mention you."),
            UI.table(caption: "Waiting for you", headers: ["Title", "Author", "Topics", "Version", "Since you looked", "Submitted"], rows: posts.map { p in
                let since: HTMLNode = switch seen[p.id] {
                case nil: text("new to you")
                case let v? where v < p.version: link("changed since v\(v)", "/posts/\(p.id)#changes")
                default: text("unchanged")
                }
                return [link(p.title, "/posts/\(p.id)"), text(p.authorName), text(p.topicNames.joined(separator: ", ")), text("v\(p.version)"), since,
                        text(p.updatedAt.formatted(date: .abbreviated, time: .shortened))]
            }, empty: "Nothing is waiting for you."),
        ]
    }

    /// What each channel would carry by default, and its limit if it has one.
    static func preview(_ variant: PostVariant, channel: Channel) -> (text: String, limit: Int?) {
        let text = PostRules.channelText(variant, channel: channel)
        switch channel {
        case .sms, .social, .chat: return (text, PostRules.limit(channel, text: text))
        case .email, .feed: return (text, nil)
        }
    }

    static func detail(_ page: PageContext, post: Post, actions: [PostAction], facts: WorkflowFacts, names: [Int64: String],
                       events: [PostEvent], versions: [PostVersion], files: [PostAttachment], canWrite: Bool,
                       changes: HTMLNode? = nil, reach: HTMLNode? = nil, translate: HTMLNode? = nil, comments: HTMLNode? = nil) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading(post.title, subtitle: "\(post.state.title) · version \(post.version) · by \(post.authorName)"),
        ]
        if let cover = files.first(where: { $0.role == .cover }) {
            nodes.append(void("img", [("src", cover.path), ("alt", cover.altText), ("class", "cover")]))
        }
        nodes += [
            UI.details(caption: "Post", [
                ("State", badge(post.state)),
                ("Approval", text(facts.stages.isEmpty ? "No board: give it a topic" : TopicPagesBoard.describe(facts, names: names))),
                ("Topics", text(post.topicNames.isEmpty ? "—" : post.topicNames.joined(separator: ", "))), ("Tags", text(post.content.tags.isEmpty ? "—" : post.content.tags.joined(separator: ", "))),
                ("Priority", text(post.content.priority.rawValue + (post.content.mandatory ? ", mandatory" : "") + (post.content.requiresAcknowledgement ? ", needs acknowledgement" : ""))),
                ("Audiences", text(post.content.audiences.isEmpty ? "—" : post.content.audiences.map { "\($0.mode == .include ? "+" : "−") \($0.name)" }.joined(separator: ", "))),
                ("Publish", text(post.publishAt.map { when($0, zone: post.scheduleZone) } ?? "not scheduled")),
                ("Channels", text(post.content.channels.map(\.title).joined(separator: ", "))),
                ("Fallback language", text(post.content.fallbackLanguage)),
            ]),
        ]
        if [.published, .archived, .withdrawn].contains(post.state) {
            nodes.append(el("p", [], [link("Delivery status: who it was sent to, per channel", "/posts/\(post.id)/deliveries")]))
        }
        if let changes { nodes.append(changes) }
        if let reach { nodes.append(reach) }
        if !actions.isEmpty { nodes.append(actionForms(page, post: post, actions: actions)) }
        if canWrite && [.draft, .changesRequested, .inReview, .approved, .scheduled].contains(post.state) {
            nodes.append(el("p", [], [link("Edit this post", "/posts/\(post.id)/edit")]))
        }
        for variant in post.content.variants {
            var body: [HTMLNode] = [
                el("p", [("class", "hint")], text: "\(variant.language) · \(variant.status.title)" + (variant.language == post.content.fallbackLanguage ? " · fallback" : "")
                    + (variant.translatorID.map { " · translator: \(names[$0] ?? "user \($0)")" } ?? "")),
                el("h3", text: variant.title),
                variant.summary.isEmpty ? text("") : el("p", [("class", "summary")], text: variant.summary),
                el("div", [("class", "post-body")], [sanitizedHTML(variant.bodyHTML)]),
            ]
            if let cta = post.content.callToAction { body.append(el("p", [], [link(cta.label, cta.url, [("rel", "noopener noreferrer nofollow")])])) }
            body.append(el("h4", text: "Channels"))
            body.append(UI.table(caption: "How \(variant.language) reads on each channel", headers: ["Channel", "Text", "Length"], rows: Channel.allCases.map { channel in
                let (value, limit) = preview(variant, channel: channel)
                let length = value.count
                let state = limit.map { length > $0 ? "over" : Double(length) > Double($0) * PostRules.warnAt ? "near" : "ok" } ?? "ok"
                let note = (variant.channelTexts[channel] != nil ? " (own text)" : "") + (post.content.channels.contains(channel) ? "" : " — not sent")
                return [text(channel.title + note), el("span", [("class", "channel-text")], text: value),
                        el("span", [("class", "length \(state)")], text: limit.map { "\(length) / \($0)" + (state == "over" ? " — too long" : state == "near" ? " — near the limit" : "") } ?? "\(length)")]
            }, empty: ""))
            nodes.append(UI.card("Language: \(variant.language)", body))
        }
        if let translate { nodes.append(translate) }
        nodes.append(filesCard(page, post: post, files: files, canWrite: canWrite))
        if let comments { nodes.append(el("div", [("id", "comments")], [comments])) }
        nodes.append(UI.table(caption: "History", headers: ["When", "Who", "What", "State", "Note"], rows: events.map { e in
            [text(e.at.formatted(date: .abbreviated, time: .shortened)), text(e.actor), text("\(e.action) (v\(e.version))"),
             text(e.from == e.to ? e.to.title : "\(e.from.title) → \(e.to.title)"), text(e.note)]
        }, empty: "No history."))
        if versions.count > 1 {
            nodes.append(UI.table(caption: "Versions", headers: ["Version", "Title", "Saved", "Compare", ""], rows: versions.map { v in
                [text("v\(v.version)"), text(v.content.variant(for: v.content.fallbackLanguage)?.title ?? ""), text("\(v.savedBy), \(v.savedAt.formatted(date: .abbreviated, time: .shortened))"),
                 v.version == post.version ? text("current") : link("changes since v\(v.version)", "/posts/\(post.id)?compare=\(v.version)#changes"),
                 v.version == post.version || !canWrite ? text("") : el("form", [("method", "post"), ("action", "/posts/\(post.id)/restore")], [
                    Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "version"), ("value", String(v.version))]),
                    void("input", [("type", "hidden"), ("name", "expected_version"), ("value", String(post.version))]),
                    el("button", [("type", "submit")], text: "Restore v\(v.version)"),
                 ])]
            }, empty: ""))
        }
        nodes.append(el("p", [], [link("← All posts", "/posts")]))
        return nodes
    }

    static func filesCard(_ page: PageContext, post: Post, files: [PostAttachment], canWrite: Bool) -> HTMLNode {
        let editable = canWrite && [.draft, .changesRequested, .inReview, .approved, .scheduled].contains(post.state)
        var children: [HTMLNode] = [
            UI.table(caption: "Cover and files", headers: ["File", "Type", "Size", "Uploaded", ""], rows: files.map { file in
                [link(file.fileName, file.path), text(file.role == .cover ? "Cover (\(file.kind.label))" : file.kind.label),
                 text(AttachmentPolicy.size(file.byteCount)), text("\(file.uploadedBy), \(file.createdAt.formatted(date: .abbreviated, time: .shortened))"),
                 editable ? el("form", [("method", "post"), ("action", file.path + "/delete"), ("data-confirm", "Remove \(file.fileName)?")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "secondary")], text: "Remove"),
                 ]) : text("")]
            }, empty: "No cover or files."),
        ]
        if editable {
            children.append(el("form", [("method", "post"), ("action", "/posts/\(post.id)/attachments"), ("enctype", "multipart/form-data"), ("class", "upload")], [
                Layout.csrfField(page.csrfToken),
                el("div", [("class", "field")], [el("label", [("for", "f-file")], text: "File"), void("input", [("type", "file"), ("id", "f-file"), ("name", "file"), ("required", "required")]),
                                                 el("p", [("class", "hint")], text: "\(AttachmentPolicy.acceptedList); images up to \(AttachmentPolicy.size(AttachmentPolicy.defaultLimits[.png] ?? 0)).")]),
                UI.select("Use", name: "role", options: [("file", "Attachment to download"), ("cover", "Cover image (shown above the post)")], selected: "file"),
                UI.field("Image description", name: "alt_text", hint: "For a cover: what it shows, read out by screen readers.", attributes: [("maxlength", "300")]),
                el("button", [("type", "submit")], text: "Upload"),
                post.state == .approved || post.state == .scheduled ? el("p", [("class", "hint")], text: "Changing the files of an approved post sends it back to review.") : text(""),
            ]))
        }
        return UI.card("Files", children)
    }

    static func actionForms(_ page: PageContext, post: Post, actions: [PostAction]) -> HTMLNode {
        var forms: [HTMLNode] = []
        func form(_ action: String, _ label: String, extra: [HTMLNode] = [], danger: Bool = false) -> HTMLNode {
            el("form", [("method", "post"), ("action", "/posts/\(post.id)/transition"), ("class", "inline-action")], [
                Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "action"), ("value", action)]),
                void("input", [("type", "hidden"), ("name", "version"), ("value", String(post.version))]),
            ] + extra + [el("button", [("type", "submit")] + (danger ? [("class", "danger")] : []), text: label)])
        }
        for action in actions {
            switch action {
            case .submit: forms.append(form("submit", "Submit for approval"))
            case .approve: forms.append(form("approve", "Approve version \(post.version)"))
            case .requestChanges:
                forms.append(form("request_changes", "Request changes", extra: [UI.textArea("What should change", name: "note", value: "", rows: 2)]))
            case .schedule:
                forms.append(form("schedule", post.state == .scheduled ? "Reschedule" : "Schedule", extra: [
                    UI.field("Publish at", name: "publish_at", type: "datetime-local", required: true),
                    UI.field("Time zone", name: "time_zone", value: post.scheduleZone == "UTC" ? "Europe/London" : post.scheduleZone,
                             hint: "An IANA zone such as America/Sao_Paulo, or recipient for each employee's local time."),
                ]))
            case .unschedule: forms.append(form("unschedule", "Unschedule"))
            case .publish: forms.append(form("publish", "Publish now"))
            case .archive: forms.append(form("archive", "Archive"))
            case .withdraw: forms.append(form("withdraw", "Withdraw", danger: true))
            case .reopen: forms.append(form("reopen", "Reopen as draft"))
            case .edit: break
            }
        }
        return UI.card("Next steps", forms)
    }

    static func editor(_ page: PageContext, post: Post?, content: PostContent?, version: Int?, topics: [Topic], audiences: [(id: Int64, name: String)],
                       campaigns: [Campaign], translators: [(id: Int64, name: String)] = [], error: AppError?) -> [HTMLNode] {
        let c = content ?? post?.content
        func problem(_ field: String) -> HTMLNode { error?.field == field ? el("p", [("class", "field-error")], text: error!.message) : text("") }
        var variants = c?.variants ?? []
        // Always one empty block for another language; a new post starts with two.
        if variants.isEmpty { variants.append(PostVariant(language: "en", title: "", summary: "", body: "")) }
        variants.append(PostVariant(language: "", title: "", summary: "", body: ""))
        var nodes: [HTMLNode] = []
        if let error { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        var fields: [HTMLNode] = [Layout.csrfField(page.csrfToken)]
        if let version { fields.append(void("input", [("type", "hidden"), ("name", "version"), ("value", String(version))])) }
        for (index, variant) in variants.enumerated() {
            let p = "v\(index)_"
            var block: [HTMLNode] = [
                el("legend", text: variant.title.isEmpty && index > 0 ? "Add a language" : "Language \(index + 1)"),
                UI.field("Language (BCP 47)", name: p + "language", value: variant.language, hint: "en, de-DE, pt-BR", attributes: [("maxlength", "35")]),
                UI.field("Title", name: p + "title", value: variant.title, attributes: [("maxlength", "150")]),
                UI.field("Summary", name: p + "summary", value: variant.summary, hint: "One line, up to 300 characters.", attributes: [("maxlength", "300")]),
                UI.textArea("Body (Markdown)", name: p + "body", value: variant.body, rows: 8),
                UI.select("Translation status", name: p + "status", options: VariantStatus.allCases.map { ($0.rawValue, $0.title) }, selected: variant.status.rawValue),
                UI.select("Translator", name: p + "translator_id", options: [(value: "", title: "Nobody")] + translators.map { (String($0.id), $0.name) },
                          selected: variant.translatorID.map(String.init) ?? ""),
            ]
            for channel in PostForm.channelFields {
                let hint = switch channel {
                case .sms: "Up to 160 characters (70 with emoji or non-Latin letters). Empty: title and summary."
                case .social: "Up to 280 characters, with hashtags. Empty: the summary."
                case .chat: "Empty: title and summary."
                case .email: "Email intro. Empty: the summary."
                case .feed: "Feed card text. Empty: the summary."
                }
                block.append(UI.textArea("\(channel.title) text", name: p + channel.rawValue, value: variant.channelTexts[channel] ?? "", rows: channel == .sms ? 2 : 3, hint: hint))
            }
            fields.append(el("fieldset", [("class", "variant")], block))
        }
        fields += [
            problem("variants"), problem("title"), problem("body"), problem("language"),
            UI.field("Fallback language", name: "fallback_language", value: c?.fallbackLanguage ?? "en", hint: "Employees whose language has no variant get this one."),
            problem("fallback_language"),
            UI.checkboxes("Topics", name: "topic_ids", options: topics.map { (String($0.id), $0.name) }, checked: Set((c?.topicIDs ?? []).map(String.init))),
            UI.select("Campaign", name: "campaign_id", options: [(value: "", title: "None")] + campaigns.map { (String($0.id), $0.name) },
                      selected: c?.campaignID.map(String.init) ?? ""),
            problem("campaign_id"),
            UI.field("Tags", name: "tags", value: (c?.tags ?? []).joined(separator: ", "), hint: "Comma-separated."),
            UI.checkboxes("Send to (audiences)", name: "include", options: audiences.map { (String($0.id), $0.name) },
                          checked: Set((c?.audiences ?? []).filter { $0.mode == .include }.map { String($0.audienceID) })),
            UI.checkboxes("Leave out (audiences)", name: "exclude", options: audiences.map { (String($0.id), $0.name) },
                          checked: Set((c?.audiences ?? []).filter { $0.mode == .exclude }.map { String($0.audienceID) })),
            problem("audiences"),
            void("input", [("type", "hidden"), ("name", "channels_shown"), ("value", "1")]),
            UI.checkboxes("Channels", name: "channels", options: Channel.allCases.map { ($0.rawValue, $0.title) },
                          checked: Set((c?.channels ?? PostContent.defaultChannels).map(\.rawValue))),
            problem("channels"), problem("channel_sms"), problem("channel_social"),
            UI.select("Priority", name: "priority", options: PostPriority.allCases.map { ($0.rawValue, $0.rawValue) }, selected: c?.priority.rawValue ?? "normal"),
            UI.checkboxes("Delivery", name: "mandatory", options: [("on", "Mandatory (policy, safety): ignores opt-outs")], checked: c?.mandatory == true ? ["on"] : []),
            UI.checkboxes("Acknowledgement", name: "requires_ack", options: [("on", "Employees must confirm they have read and understood it")], checked: c?.requiresAcknowledgement == true ? ["on"] : []),
            UI.field("Call-to-action label", name: "cta_label", value: c?.callToAction?.label ?? "", attributes: [("maxlength", "40")]),
            UI.field("Call-to-action link", name: "cta_url", type: "url", value: c?.callToAction?.url ?? ""),
            problem("cta_url"),
            UI.field("Expires on", name: "expires_on", type: "date", value: c?.expiresAt.map { String($0.ISO8601Format().prefix(10)) } ?? ""),
            el("button", [("type", "submit")], text: post == nil ? "Save draft" : "Save version \((version ?? 0) + 1)"),
        ]
        nodes.append(el("form", [("method", "post"), ("action", post.map { "/posts/\($0.id)" } ?? "/posts"), ("class", "card post-editor")], fields))
        return nodes
    }
}

enum TopicPagesBoard {
    static func describe(_ facts: WorkflowFacts, names: [Int64: String]) -> String {
        facts.stages.enumerated().map { index, stage in
            let approved = facts.approvals[index] ?? []
            let people = stage.approvers.sorted().map { (names[$0] ?? "user \($0)") + (approved.contains($0) ? " ✓" : "") }.joined(separator: ", ")
            let marker = facts.state == .inReview && index == facts.stage ? " (now)" : ""
            return "Stage \(index + 1)\(marker): \(stage.rule.text) of \(people)"
        }.joined(separator: "; ")
    }
}
