import Foundation
import TandemCore
import TandemUI

/// Staff pages: the survey list and form, and a survey's page with its results.
enum SurveyPages {
    static func list(_ surveys: [Survey], responses: [Int64: Int]) -> [HTMLNode] {
        [
            UI.heading("Surveys", subtitle: "Listen to employees with pulses and surveys. HR opens every survey; results appear only for groups large enough to keep answers private."),
            UI.table(caption: "Surveys", headers: ["Survey", "Privacy", "State", "Asked", "Answered", "Closes"], rows: surveys.map { s in
                [link(s.title, "/surveys/\(s.id)"), text(s.mode.rawValue.capitalized), UI.badge(s.state.rawValue),
                 text(s.state == .draft ? "—" : String(s.invited)), text(s.state == .draft ? "—" : String(responses[s.id] ?? 0)), text(s.closesOn ?? "—")]
            }, empty: "No surveys yet."),
        ]
    }

    static let questionHint = """
        One question per line: kind, colon, question; choices after |. Kinds: enps, rating (1–5; "rating 0-10" for 0–10), single, multiple, text, matrix \
        (statements after |, each rated 1–5). Add ? after the kind for an optional question, "if q3 = Basic" to show it only for that answer, and a line \
        "# Section" to start a section.
        """

    static let example = """
        # Benefits
        enps: How likely are you to recommend working here to a friend?
        rating: I understand my benefits
        single: Which plan did you pick? | Basic | Plus
        text? if q3 = Basic: What would make Plus worth it?
        matrix: About your manager | Listens to me | Explains decisions
        text?: Anything else you want HR to know?
        """

    static func form(_ page: PageContext, survey: Survey?, audiences: [(id: Int64, name: String)], chats: [(id: Int64, name: String)], values: FormData?,
                     error: AppError?) -> [HTMLNode] {
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        func problem(_ field: String) -> String? { error?.field == field ? error?.message : nil }
        var nodes: [HTMLNode] = []
        if let error, error.field == nil { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
        nodes.append(el("form", [("method", "post"), ("action", survey.map { "/surveys/\($0.id)" } ?? "/surveys"), ("class", "card")], [
            Layout.csrfField(page.csrfToken),
            el("h2", text: survey == nil ? "New survey" : "Edit the draft"),
            void("input", [("type", "hidden"), ("name", "version"), ("value", value("version", survey.map { String($0.version) }))]),
            UI.field("Title", name: "title", value: value("title", survey?.title), required: true, error: problem("title"), attributes: [("maxlength", "120")]),
            UI.textArea("Introduction", name: "intro", value: value("intro", survey?.intro), rows: 2, hint: "Shown to employees above the questions.", error: problem("intro")),
            UI.select("Privacy", name: "mode", options: Confidentiality.allCases.map { ($0.rawValue, "\($0.rawValue.capitalized): \($0.promise)") },
                      selected: value("mode", survey?.mode.rawValue ?? Confidentiality.anonymous.rawValue)),
            UI.select("Who is asked", name: "audience_id", options: [("", "Everyone active")] + audiences.map { (String($0.id), $0.name) },
                      selected: value("audience_id", survey?.audienceID.map(String.init))),
            problem("audience_id").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            UI.select("When they are asked", name: "lifecycle",
                      options: [("", "All at once, when HR opens the survey")] + LifecycleTrigger.allCases.map { ($0.rawValue, "Each person \($0.title.lowercased()) (a lifecycle survey)") },
                      selected: value("lifecycle", survey?.lifecycle?.rawValue)),
            problem("lifecycle").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            UI.field("Closes on", name: "closes_on", type: "date", value: value("closes_on", survey?.closesOn), hint: "Optional: answers are refused after this day.",
                     error: problem("closes_on")),
            UI.textArea("Questions", name: "questions", value: value("questions", survey.map { QuestionText.format($0.questions) } ?? Self.example), rows: 9,
                        hint: Self.questionHint, error: problem("questions")),
            UI.checkboxes("Also send the invitation by (everyone asked gets a card in their feed)", name: "channels",
                          options: [("email", "Email, to everyone with a work address"), ("sms", "SMS, to people without a work address (or to everyone with a mobile number, without email)")],
                          checked: Set(values?.all("channels") ?? survey?.channels.map(\.rawValue) ?? [])),
            problem("channels").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            chats.isEmpty ? text("") : UI.checkboxes("Post the link in chat (when it opens and at each reminder; not for lifecycle surveys or pulse waves)",
                                                     name: "chat_destinations", options: chats.map { (String($0.id), $0.name) },
                                                     checked: Set(values?.all("chat_destinations") ?? survey?.chatDestinations.map(String.init) ?? [])),
            problem("chat_destinations").map { el("p", [("class", "field-error")], text: $0) } ?? text(""),
            UI.field("Remind after (days)", name: "remind_after_days", type: "number", value: value("remind_after_days", survey?.remindAfterDays.map(String.init)),
                     hint: "Optional: remind those who have not answered this many days after opening, and again as long after (twice at most).",
                     error: problem("remind_after_days"), attributes: [("min", "1"), ("max", "30")]),
            el("button", [("type", "submit")], text: survey == nil ? "Save draft" : "Save draft"),
        ]))
        return nodes
    }

    static func detail(_ page: PageContext, survey s: Survey, results: SurveyResults?, resultsError: AppError?, filters: [SurveyResults.Filter],
                       mayOpen: Bool, distribution: SurveyDistribution? = nil, unready: [SurveyChannel] = []) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.heading(s.title, subtitle: s.intro.isEmpty ? nil : s.intro),
            UI.details(caption: "Survey", [
                ("Privacy", text(s.mode.promise)), ("State", UI.badge(s.state.rawValue)),
                ("Asked", text(s.state == .draft ? "Nobody yet: HR opens the survey to its audience." : "\(s.invited) people")),
                ("When", text(s.lifecycle.map { "Each person \($0.title.lowercased()), checked daily while the survey is open; answers carry no breakdown" }
                    ?? "Everyone in the audience when the survey opens")),
                ("Closes", text(s.closesOn ?? "When HR closes it")), ("Questions", text(String(s.questions.count))),
                ("Sent by", text((["Feed card"] + s.channels.map(\.title) + (s.chatDestinations.isEmpty ? [] : ["\(s.chatDestinations.count) chat channel(s)"]))
                    .joined(separator: ", ") + (s.remindAfterDays.map { "; reminders after \($0) days" } ?? ""))),
                ("Updated", text("\(s.createdBy), \(s.updatedAt.formatted(date: .abbreviated, time: .shortened))")),
            ]),
        ]
        if s.state == .draft, let opensOn = s.opensOn {
            nodes.append(el("p", [("class", s.openError == nil ? "notice" : "flash error"), ("role", "status")],
                            text: s.openError.map { "It was to open on \(opensOn) but could not: \($0) Fix that, then schedule it again or open it now." }
                                ?? "Opens by itself on \(opensOn) (scheduled by \(s.scheduledBy ?? "HR"))."))
        }
        if mayOpen && s.state == .draft {
            nodes.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/schedule"), ("class", "inline")], [
                Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "version"), ("value", String(s.version))]),
                el("label", [("for", "f-opens_on")], text: "Open on "),
                void("input", [("type", "date"), ("id", "f-opens_on"), ("name", "opens_on"), ("required", "required"), ("value", s.opensOn ?? "")]),
                el("button", [("type", "submit")], text: s.opensOn == nil ? "Schedule the opening" : "Schedule again"),
            ]))
            if s.opensOn != nil {
                nodes.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/unschedule"), ("class", "inline")], [
                    Layout.csrfField(page.csrfToken), el("button", [("type", "submit")], text: "Cancel the scheduled opening"),
                ]))
            }
        }
        if mayOpen && s.state != .closed {
            let action = s.state == .draft ? "open" : "close"
            nodes.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/\(action)"), ("class", "inline")] +
                            (action == "close" ? [("data-confirm", "Close \(s.title)? No more answers will be taken.")] : []), [
                Layout.csrfField(page.csrfToken), void("input", [("type", "hidden"), ("name", "version"), ("value", String(s.version))]),
                el("button", [("type", "submit")], text: action == "open" ? "Open the survey to its audience" : "Close the survey"),
            ]))
        }
        if s.state == .draft {
            nodes.append(UI.card("Questions", [el("ol", [], s.questions.map { q in el("li", [], [text(q.prompt), text(" "), UI.badge(q.kind.rawValue)]) })]))
            return nodes
        }
        if let distribution { nodes.append(Self.distribution(page, survey: s, distribution, mayRemind: mayOpen, unready: unready)) }
        if let error = resultsError {
            nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message))
        }
        if let results {
            var links: [HTMLNode] = [link("Compare groups question by question", "/surveys/\(s.id)/heatmap"), text(" · "),
                                     link("Read together with engagement", "/surveys/\(s.id)/joint"), text(" · "), link("Results as CSV", "/surveys/\(s.id)/results.csv")]
            if s.mode == .identified && mayOpen { links += [text(" · "), link("Answers by person", "/surveys/\(s.id)/answers")] }
            nodes.append(el("p", [], links))
            nodes.append(filterForm(s, results: results, filters: filters))
            nodes += Self.results(results)
        }
        return nodes
    }

    /// Invitations and reminders by channel and round, with HR's reminder button.
    static func distribution(_ page: PageContext, survey s: Survey, _ d: SurveyDistribution, mayRemind: Bool, unready: [SurveyChannel]) -> HTMLNode {
        let states: [SurveyMessageState] = [.pending, .sent, .failed, .dead, .skipped, .cancelled]
        var body: [HTMLNode] = [
            UI.table(caption: "Messages", headers: ["Message", "Channel"] + states.map { $0.rawValue.capitalized }, rows: d.lines.map { line in
                [text(line.round == 0 ? "Invitation" : "Reminder \(line.round)"), text(line.channel.title)] + states.map { text(String(line.count($0) + ($0 == .pending ? line.count(.sending) : 0))) }
            }, empty: s.channels.isEmpty ? "This survey is in the feed only: no email or SMS." : "No messages yet."),
            el("p", [], text: "\(d.waiting) of \(s.invited) asked have not answered yet."),
        ]
        if !d.chat.isEmpty {
            body.append(UI.table(caption: "Chat posts", headers: ["Message", "Channel", "State", "Tries", "Last error"], rows: d.chat.map { line in
                [text(line.round == 0 ? "Invitation" : "Reminder \(line.round)"), text(line.destination), UI.badge(line.state.rawValue),
                 text(String(line.attempts)), text(line.error ?? "")]
            }, empty: ""))
        }
        for channel in unready where s.channels.contains(channel) && s.state == .open {
            body.append(el("p", [("class", "notice")], text: channel == .email
                ? "Email is not set up on this server (TANDEM_SMTP_URL), so these messages wait until it is."
                : "The SMS gateway is not set up or is paused (/channels), so these messages wait until it is."))
        }
        if mayRemind && s.state == .open && (!s.channels.isEmpty || !s.chatDestinations.isEmpty) && d.waiting > 0 {
            body.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/remind"), ("class", "inline"),
                                    ("data-confirm", "Send a reminder to the \(d.waiting) people who have not answered?")], [
                Layout.csrfField(page.csrfToken),
                el("button", [("type", "submit")], text: "Remind the \(d.waiting) who have not answered"),
            ]))
            if let next = d.nextReminderFrom, next > Date() {
                body.append(el("p", [("class", "hint")], text: "The next reminder can go from \(SurveyMessageStore.stamp(next)), so people are not pestered."))
            }
        }
        return UI.card("Invitations and reminders", body)
    }

    static func filterForm(_ survey: Survey, results: SurveyResults, filters: [SurveyResults.Filter]) -> HTMLNode {
        let chosen = Dictionary(uniqueKeysWithValues: filters.map { ($0.dimension, $0.value) })
        return el("form", [("method", "get"), ("action", "/surveys/\(survey.id)"), ("class", "card filters")], [
            el("h2", text: "Filter (up to two)"),
        ] + SurveyDimension.allCases.compactMap { dimension in
            guard let rates = results.rates[dimension.rawValue] else { return nil }
            return UI.select(dimension.rawValue.replacingOccurrences(of: "_", with: " ").capitalized, name: dimension.rawValue,
                             options: [("", "All")] + rates.map { ($0.value, $0.value) }, selected: chosen[dimension])
        } + [el("button", [("type", "submit")], text: "Show")])
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }

    static func results(_ r: SurveyResults) -> [HTMLNode] {
        var nodes: [HTMLNode] = [
            UI.card("Responses", [el("p", [("class", "lead")], text: r.waiting == 0 ? "\(r.responses) of \(r.invited) asked answered (\(percent(r.responseRate)))."
                                         : "\(percent(r.responseRate)) of \(r.invited) asked have answered; \(r.responses) of their answers are counted so far.")]
                + (r.waiting > 0 ? [el("p", [("class", "empty")], text: "\(r.waiting) more \(r.waiting == 1 ? "answer waits" : "answers wait") to be counted. Anonymous answers are counted once \(r.threshold) from the same group have answered, or when the survey closes, so none can be picked out by when it arrived.")] : [])
                + r.rates.keys.sorted().map { dimension in
                    UI.table(caption: "Response rate by \(dimension.replacingOccurrences(of: "_", with: " "))", headers: ["Group", "Asked", "Answered", "Rate"],
                             rows: (r.rates[dimension] ?? []).map { rate in
                                 [text(rate.value), text(String(rate.invited)), text(rate.responses.map(String.init) ?? "hidden"), text(percent(rate.rate))]
                             }, empty: "—")
                }),
        ]
        for q in r.questions {
            let title = q.item.isEmpty ? q.prompt : "\(q.prompt) — \(q.item)"
            var body: [HTMLNode] = []
            if let note = q.note {
                body.append(el("p", [("class", "empty")], text: note))
            } else if let enps = q.enps {
                body.append(el("p", [("class", "lead")], text: String(format: "eNPS %+.0f (95%% interval %+.0f to %+.0f), from %d answers: %d promoters, %d passives, %d detractors.",
                                                                       enps.score, enps.low, enps.high, enps.responses, enps.promoters, enps.passives, enps.detractors)))
            } else if let favourable = q.favourable {
                body.append(el("p", [("class", "lead")], text: "\(percent(favourable)) favourable, \(percent(q.neutral)) neutral, \(percent(q.unfavourable)) unfavourable; mean \(String(format: "%.2f", q.mean ?? 0)) from \(q.answers) answers."))
            }
            if let distribution = q.distribution {
                let keys = q.kind == .single || q.kind == .multiple ? distribution.keys.sorted() : distribution.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
                body.append(Chart.bars(title: title, summary: "Answers to \(title)", bars: keys.map { ($0, Double(distribution[$0] ?? 0)) }))
            }
            if let sentiment = q.sentiment {
                body.append(el("p", [], text: "Sentiment: \(sentiment["positive"] ?? 0) positive, \(sentiment["neutral"] ?? 0) neutral, \(sentiment["negative"] ?? 0) negative."))
            }
            if let themes = q.themes, !themes.isEmpty {
                body.append(el("p", [("class", "themes")], [el("strong", text: "Themes: ")] + [text(themes.map { "\($0.phrase) (\($0.count))" }.joined(separator: ", "))]))
            }
            if let comments = q.comments {
                body.append(el("ul", [("class", "comments")], comments.map { comment in
                    el("li", [], [text(comment.text)] + (comment.sentiment.map { [text(" "), UI.badge($0.rawValue)] } ?? []))
                }))
            }
            nodes.append(UI.card(title, body))
        }
        return nodes
    }
}

/// The questions × groups table.
enum HeatmapPages {
    static func cell(_ value: Double?, measure: String) -> String {
        guard let value else { return "hidden" }
        return measure == "enps" ? String(format: "%+.0f", value) : String(format: "%.0f%%", value * 100)
    }

    /// A band for colouring: high, middle or low.
    static func band(_ value: Double?, measure: String) -> String {
        guard let value else { return "none" }
        let share = measure == "enps" ? (value + 100) / 200 : value
        return share >= 0.7 ? "high" : share < 0.4 ? "low" : "middle"
    }

    static func page(_ survey: Survey, heatmap h: SurveyHeatmap) -> [HTMLNode] {
        let label = h.dimension.rawValue.replacingOccurrences(of: "_", with: " ")
        return [
            UI.heading("\(survey.title): by \(label)", subtitle: "Favourable share (4–5 of 5, 8–10 of 10) or eNPS per group. Groups with fewer than \(h.threshold) responses are hidden, with the next smallest where the total would give them away."),
            el("form", [("method", "get"), ("action", "/surveys/\(survey.id)/heatmap"), ("class", "filters")], [
                UI.select("Compare by", name: "by", options: SurveyDimension.allCases.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ").capitalized) },
                          selected: h.dimension.rawValue),
                el("button", [("type", "submit")], text: "Show"),
            ]),
            el("div", [("class", "table-wrap"), ("role", "region"), ("aria-label", "Questions by \(label)"), ("tabindex", "0")], [
                el("table", [("class", "heatmap")], [
                    el("caption", text: "Questions by \(label)"),
                    el("thead", [], [el("tr", [], [el("th", [("scope", "col")], text: "Question"), el("th", [("scope", "col")], text: "All")]
                        + h.columns.map { el("th", [("scope", "col")], text: "\($0.value) (\($0.responses.map(String.init) ?? "hidden"))") })]),
                    el("tbody", [], h.rows.map { row in
                        el("tr", [], [el("th", [("scope", "row")], text: row.item.isEmpty ? row.prompt : "\(row.prompt) — \(row.item)"),
                                      el("td", [("class", "band-" + band(row.overall, measure: row.measure))], text: cell(row.overall, measure: row.measure))]
                            + row.cells.map { el("td", [("class", "band-" + band($0, measure: row.measure))], text: cell($0, measure: row.measure)) })
                    }),
                ]),
            ]),
            el("p", [], [link("CSV", "/surveys/\(survey.id)/heatmap.csv?by=\(h.dimension.rawValue)"), text(" · "), link("← Results", "/surveys/\(survey.id)")]),
        ]
    }

    static func csv(_ h: SurveyHeatmap) -> String {
        var csv = CSVWriter(header: ["question", "item", "prompt", "measure", "all"] + h.columns.map(\.value))
        for row in h.rows {
            func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "hidden" }
            csv.append([row.key, row.item, row.prompt, row.measure, number(row.overall)] + row.cells.map(number))
        }
        return csv.text
    }
}
