import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Surveys as pages: staff write, open and read them; employees answer them.
struct SurveyPageRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    func register(in table: RouteTable) {
        let authors = ListeningFeature.authors, staff = ListeningFeature.staff, openers = ListeningFeature.openers

        table.page(.get, "/surveys", staff) { request, context in try await list(request, context, values: nil, error: nil) }

        table.page(.post, "/surveys", authors) { request, context in
            let values = try await request.form(context: context)
            do {
                let survey = try await feature.surveys.create(try draft(values), by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Saved the draft \(survey.title). HR opens it to its audience."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await list(request, context, values: values, error: error)
            }
        }

        table.page(.get, "/surveys/{id}", staff) { request, context in
            try await detail(request, context, survey: try await api.find(context), values: nil, error: nil)
        }

        table.page(.post, "/surveys/{id}", authors) { request, context in
            let survey = try await api.find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await feature.surveys.update(survey.id, try draft(values), version: Int(values["version"] ?? "") ?? 0, by: try api.actor(context),
                                                             keepSchedule: openers.allows(context.identity))
                return Pages.redirect("/surveys/\(saved.id)", flash: Flash(.success, "Saved \(saved.title)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await detail(request, context, survey: survey, values: values, error: error)
            }
        }

        for action in ["open", "schedule", "unschedule", "close"] {
            table.page(.post, "/surveys/{id}/\(action)", openers) { request, context in
                let survey = try await api.find(context)
                let values = try await request.form(context: context)
                let version = Int(values["version"] ?? "") ?? 0
                do {
                    let message: String
                    switch action {
                    case "open":
                        message = "Opened: \(try await feature.surveys.open(survey.id, version: version, by: try api.actor(context)).invited) people are asked."
                    case "schedule":
                        let scheduled = try await feature.surveys.schedule(survey.id, version: version, opensOn: values["opens_on"], by: try api.actor(context))
                        message = "Scheduled: it opens to its audience on \(scheduled.opensOn ?? "")."
                    case "unschedule":
                        _ = try await feature.surveys.unschedule(survey.id, by: try api.actor(context))
                        message = "The scheduled opening is cancelled; the survey stays a draft."
                    default:
                        _ = try await feature.surveys.close(survey.id, by: try api.actor(context))
                        message = "Closed: no more answers are taken."
                    }
                    return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, message), context: context)
                } catch let error as AppError where error.field != nil || error.status == .conflict {
                    return try await detail(request, context, survey: survey, values: nil, error: error)
                }
            }
        }

        table.page(.get, "/surveys/{id}/heatmap", ListeningFeature.readers) { request, context in
            let survey = try await api.find(context)
            let heatmap = try await feature.results.heatmap(survey, by: try SurveyRoutes.dimension(request, strict: false))
            return Pages.render(request, context, title: survey.title) { _ in HeatmapPages.page(survey, heatmap: heatmap) }
        }

        table.page(.get, "/surveys/{id}/heatmap.csv", ListeningFeature.readers) { request, context in
            let survey = try await api.find(context)
            let heatmap = try await feature.results.heatmap(survey, by: try SurveyRoutes.dimension(request, strict: false))
            return Reply.download(HeatmapPages.csv(heatmap), filename: "tandem-survey-\(survey.id)-by-\(heatmap.dimension.rawValue).csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.get, "/surveys/{id}/answer", .employee) { request, context in
            let survey = try await api.find(context)
            if let refusal = try await refusal(survey, context) { return refusal }
            let wording = try await feature.translations.wording(survey, employee: try api.employee(context))
            return Pages.render(request, context, title: wording.title) { page in
                AnswerPages.form(page, survey: survey, wording: wording, submission: UUID().uuidString.lowercased(), values: nil, error: nil)
            }
        }

        table.page(.post, "/surveys/{id}/answer", .employee) { request, context in
            let survey = try await api.find(context)
            let values = try await request.form(context: context)
            do {
                let person = try api.employee(context)
                _ = try await feature.responses.submit(survey: survey, employee: person, submission: values["submission"] ?? "",
                                                       answers: try AnswerPages.answers(values, survey: survey))
                return Pages.redirect("/feed", flash: Flash(.success, "Thank you: your answers to \(survey.title) are recorded."), context: context)
            } catch let error as AppError where error.field != nil {
                let wording = try await feature.translations.wording(survey, employee: try api.employee(context))
                return Pages.render(request, context, title: wording.title, status: error.status) { page in
                    AnswerPages.form(page, survey: survey, wording: wording, submission: values["submission"] ?? UUID().uuidString.lowercased(), values: values, error: error)
                }
            }
        }
    }

    /// Why this person cannot answer now, as a page; nil when they can.
    func refusal(_ survey: Survey, _ context: TandemContext) async throws -> Response? {
        let message: String
        switch try await feature.responses.invitation(survey: survey.id, employee: try api.employee(context)) {
        case .notInvited: message = "This survey was not sent to you."
        case .answered: message = "You have already answered this survey. Thank you."
        case .waiting:
            guard survey.acceptsAnswers(today: ListeningFeature.today()) else { message = "This survey has closed. Thank you all the same."; break }
            return nil
        }
        return Pages.redirect("/feed", flash: Flash(.info, message), context: context)
    }

    func list(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        let surveys = try await feature.surveys.all()
        let counts = try await feature.responses.counts()
        let canWrite = ListeningFeature.authors.allows(context.identity)
        let audiences = canWrite ? try await feature.surveys.audienceChoices() : []
        let chats = canWrite ? try await feature.surveys.chatDestinationChoices() : []
        return Pages.render(request, context, title: "Surveys", status: error?.status ?? .ok) { page in
            SurveyPages.list(surveys, responses: counts) + (canWrite ? SurveyPages.form(page, survey: nil, audiences: audiences, chats: chats, values: values, error: error) : [])
        }
    }

    func detail(_ request: Request, _ context: TandemContext, survey: Survey, values: FormData?, error: AppError?) async throws -> Response {
        var results: SurveyResults?
        var resultsError: AppError?
        var filters: [SurveyResults.Filter] = []
        if survey.state != .draft && ListeningFeature.readers.allows(context.identity) {
            do {
                filters = try SurveyDimension.allCases.compactMap { dimension in
                    try request.queryText(dimension.rawValue, max: 200, strict: false).map { SurveyResults.Filter(dimension: dimension, value: $0) }
                }
                results = try await feature.results.results(survey, filters: filters)
            } catch let refused as AppError where refused.status == .unprocessableContent {
                resultsError = refused
                results = try await feature.results.results(survey, filters: [])
            }
        }
        let canWrite = survey.state == .draft && ListeningFeature.authors.allows(context.identity)
        let audiences = canWrite ? try await feature.surveys.audienceChoices() : []
        let chats = canWrite ? try await feature.surveys.chatDestinationChoices() : []
        let mayOpen = ListeningFeature.openers.allows(context.identity)
        let actions = try await feature.actions.list(survey: survey.id)
        let distribution = survey.state == .draft ? nil : try await feature.messages.distribution(survey)
        let series = if let id = survey.seriesID { try await feature.pulses.series(id: id) } else { try await feature.pulses.series(template: survey.id) }
        let waves = if let series { try await feature.pulses.waves(series) } else { [Survey]() }
        let translations = try await feature.translations.list(survey: survey.id)
        let ready = await feature.messenger.readyChannels()
        let unready = SurveyChannel.allCases.filter { !ready.contains($0) }
        let mayPlan = ListeningFeature.authors.allows(context.identity)
        let status = error?.status ?? resultsError?.status ?? .ok
        return Pages.render(request, context, title: survey.title, status: status) { page in
            var nodes: [HTMLNode] = []
            // The schedule form sits outside the draft form, so its refusal shows at the top.
            if let error, error.field == nil || error.field == "opens_on" { nodes.append(el("p", [("class", "flash error"), ("role", "alert")], text: error.message)) }
            nodes += SurveyPages.detail(page, survey: survey, results: results, resultsError: resultsError, filters: filters, mayOpen: mayOpen,
                                        distribution: distribution, unready: unready)
            if let pulse = PulsePages.card(page, survey: survey, series: series, waves: waves, mayEdit: mayOpen) { nodes.append(pulse) }
            if survey.state == .draft || !translations.isEmpty {
                nodes.append(TranslationPages.section(page, survey: survey, translations: translations, mayEdit: ListeningFeature.authors.allows(context.identity)))
            }
            if survey.state != .draft { nodes.append(ActionPages.section(page, survey: survey, actions: actions, mayWrite: mayPlan, today: ListeningFeature.today())) }
            if canWrite { nodes += SurveyPages.form(page, survey: survey, audiences: audiences, chats: chats, values: values, error: error?.field == nil ? nil : error) }
            nodes.append(el("p", [], [link("← All surveys", "/surveys")]))
            return nodes
        }
    }

    func draft(_ form: FormData) throws -> SurveyDraft {
        guard let mode = Confidentiality(rawValue: form["mode"] ?? "") else { throw AppError.invalid("mode", "Choose how private the answers are.") }
        var audience: Int64?
        if let raw = form["audience_id"], !raw.isEmpty {
            guard let id = Int64(raw) else { throw AppError.invalid("audience_id", "Pick an audience from the list.") }
            audience = id
        }
        let closes = (form["closes_on"] ?? "").trimmingCharacters(in: .whitespaces)
        let channels = try form.all("channels").map { raw in
            guard let channel = SurveyChannel(rawValue: raw) else { throw AppError.invalid("channels", "Pick email or SMS from the list.") }
            return channel
        }
        var remind: Int?
        let days = (form["remind_after_days"] ?? "").trimmingCharacters(in: .whitespaces)
        if !days.isEmpty {
            guard let n = Int(days) else { throw AppError.invalid("remind_after_days", "Write a number of days, 1 to 30, or leave it empty.") }
            remind = n
        }
        var lifecycle: LifecycleTrigger?
        if let raw = form["lifecycle"], !raw.isEmpty {
            guard let trigger = LifecycleTrigger(rawValue: raw) else { throw AppError.invalid("lifecycle", "Pick when people are asked from the list.") }
            lifecycle = trigger
        }
        let chats = try form.all("chat_destinations").map { raw in
            guard let id = Int64(raw) else { throw AppError.invalid("chat_destinations", "Pick chat channels from the list.") }
            return id
        }
        return SurveyDraft(title: form["title"] ?? "", intro: form["intro"] ?? "", mode: mode, audienceID: audience, closesOn: closes.isEmpty ? nil : closes,
                           questions: try QuestionText.parse(form["questions"] ?? ""), channels: channels, remindAfterDays: remind, lifecycle: lifecycle,
                           chatDestinations: chats)
    }
}
