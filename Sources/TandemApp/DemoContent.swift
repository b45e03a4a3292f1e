import Accounts
import Audit
import Content
import Foundation
import TandemCore

/// The demo newsroom: topics with boards and a handful of posts in every workflow state, so
/// the pages, the review queue and the history have something to show on the first run.
struct DemoContent {
    let accounts: AccountsFeature
    let content: ContentFeature
    let audiences: [String: Int64]

    static let topics: [(name: String, description: String, team: String)] = [
        ("Benefits", "Health, retirement and leave: open enrolment, 401(k), wellbeing.", "HR"),
        ("Safety", "Site safety, incidents and training.", "HR"),
        ("Culture", "Recognition, events, values.", "Internal Communications"),
        ("Careers", "Internal jobs, learning, the employer brand.", "Marketing"),
    ]

    func load(teams: [String: Team.ID], progress: @escaping @Sendable (String) -> Void) async throws {
        guard try await content.topics.all().isEmpty else { return }
        let actor = AuditActor(userID: nil, label: "demo", channel: .cli)
        func user(_ email: String) async throws -> User? { try await accounts.users.find(email: email) }
        guard let approver = try await user("approver@demo.tandem.local"), let hr = try await user("hr@demo.tandem.local"),
              let comms = try await user("comms@demo.tandem.local"), let marketing = try await user("marketing@demo.tandem.local") else { return }
        var topicIDs: [String: Int64] = [:]
        for topic in Self.topics {
            // Benefits posts need HR's approver and then Internal Communications; the others one approver.
            var stages = [ApprovalStage(approvers: [approver.id], rule: .any)]
            if topic.name == "Benefits" { stages.append(ApprovalStage(approvers: [comms.id], rule: .any)) }
            let saved = try await content.topics.create(try TopicDraft(name: topic.name, description: topic.description, ownerTeamID: teams[topic.team], stages: stages), by: actor)
            topicIDs[topic.name] = saved.id
            progress("topic \(topic.name)")
        }
        func poster(_ u: User, _ roles: Set<Role>) -> PostActor { PostActor(userID: u.id, name: u.displayName, roles: roles, audit: actor) }
        let hrActor = poster(hr, [.hr]), commsActor = poster(comms, [.comms]), marketingActor = poster(marketing, [.marketing])
        let approverActor = poster(approver, [.approver, .hr])
        let posts = content.posts
        let today = EmployeeRulesDay.today
        let enrolment = try await content.campaigns.create(try CampaignDraft(
            name: "Open enrolment 2027", goal: "Every eligible employee chooses their benefits; more non-HCE employees join the 401(k).",
            ownerTeams: [.hr, .ic], startsOn: EmployeeRulesDay.offset(today, -20), endsOn: EmployeeRulesDay.offset(today, 25),
            externalName: nil, externalURL: nil, outcomeMetric: "401(k) participation, non-HCE"), by: actor)
        let show = try await content.campaigns.create(try CampaignDraft(
            name: "We are the show", goal: "Employees see themselves in the new brand before customers do.",
            ownerTeams: [.ic, .marketing], startsOn: EmployeeRulesDay.offset(today, -5), endsOn: EmployeeRulesDay.offset(today, 60),
            externalName: "Welcome to the show", externalURL: "https://brand.example.com/welcome-to-the-show", outcomeMetric: "Employee advocacy shares"), by: actor)
        progress("campaigns 2")
        func audience(_ name: String) -> [PostAudience] { audiences[name].map { [PostAudience(audienceID: $0, mode: .include)] } ?? [] }

        // Published: the 401(k) campaign, in English and Spanish.
        var enrol = try await posts.create(PostContent(
            priority: .important, requiresAcknowledgement: false, fallbackLanguage: "en",
            callToAction: .init(label: "Enrol now", url: "https://benefits.example.com/401k"), campaignID: enrolment.id, topicIDs: [topicIDs["Benefits"]!], tags: ["401k", "open enrolment"],
            audiences: audience("401(k) not enrolled, non-HCE (US)"),
            variants: [
                PostVariant(language: "en", title: "Your 401(k) match is free money", summary: "We match 100% of the first 4% you save. Enrol by December 15.",
                            body: "## Why enrol\n\n- We add **$1 for every $1** you save, up to 4% of pay.\n- Enrolment takes five minutes.\n\nQuestions? Ask HR in the #benefits channel.",
                            channelTexts: [.sms: "Your 401(k) match: we add $1 for every $1 you save, up to 4%. Enrol by Dec 15: benefits.example.com/401k"]),
                PostVariant(language: "es-US", title: "La aportación a su 401(k) es dinero gratis", summary: "Aportamos el 100 % del primer 4 % que ahorre.",
                            body: "## Por qué inscribirse\n\n- Aportamos **1 $ por cada 1 $** que ahorre, hasta el 4 % del salario.", status: .approved),
            ]), by: hrActor)
        enrol = try await posts.transition(enrol.id, .submit, expectedVersion: enrol.version, by: hrActor)
        enrol = try await posts.transition(enrol.id, .approve, expectedVersion: enrol.version, by: approverActor)
        enrol = try await posts.transition(enrol.id, .approve, expectedVersion: enrol.version, by: commsActor)
        _ = try await posts.transition(enrol.id, .publish, expectedVersion: enrol.version, by: hrActor)

        // Published: a policy everyone in North America must confirm (the acknowledgement board).
        var conduct = try await posts.create(PostContent(
            priority: .important, mandatory: true, requiresAcknowledgement: true, fallbackLanguage: "en", topicIDs: [topicIDs["Safety"]!], tags: ["policy"],
            audiences: audience("North America"), channels: [.feed, .email],
            variants: [
                PostVariant(language: "en", title: "Our updated code of conduct: please confirm", summary: "Three changes to how we report concerns. Read them and confirm.",
                            body: "## What changed\n\n1. A new **anonymous line** for concerns.\n2. Managers answer within five working days.\n3. Gifts over $50 are declared."),
                PostVariant(language: "es", title: "Nuestro código de conducta actualizado: confírmelo", summary: "Tres cambios en cómo informar de problemas.",
                            body: "## Qué cambia\n\n1. Una nueva **línea anónima**.\n2. Los responsables responden en cinco días hábiles.\n3. Los regalos de más de 50 $ se declaran.",
                            status: .approved),
            ]), by: hrActor)
        conduct = try await posts.transition(conduct.id, .submit, expectedVersion: conduct.version, by: hrActor)
        conduct = try await posts.transition(conduct.id, .approve, expectedVersion: conduct.version, by: approverActor)
        _ = try await posts.transition(conduct.id, .publish, expectedVersion: conduct.version, by: hrActor)

        // Scheduled: a safety notice for Brazilian frontline staff, at shift start in their local time.
        var safety = try await posts.create(PostContent(
            priority: .critical, mandatory: true, requiresAcknowledgement: true, fallbackLanguage: "pt-BR", topicIDs: [topicIDs["Safety"]!], tags: ["sites"],
            audiences: audience("Frontline Brazil"), channels: [.feed, .email, .sms],
            variants: [
                PostVariant(language: "pt-BR", title: "Capacete obrigatório a partir de segunda", summary: "Novas regras de segurança nos centros de distribuição.",
                            body: "A partir de segunda-feira, o **capacete é obrigatório** em todas as áreas de carga.",
                            channelTexts: [.sms: "Capacete obrigatório nas áreas de carga a partir de segunda."]),
                PostVariant(language: "en", title: "Helmets required from Monday", summary: "New safety rules at distribution centres.",
                            body: "From Monday, **helmets are required** in all loading areas."),
            ]), by: hrActor)
        safety = try await posts.transition(safety.id, .submit, expectedVersion: safety.version, by: hrActor)
        safety = try await posts.transition(safety.id, .approve, expectedVersion: safety.version, by: approverActor)
        let monday = Date().addingTimeInterval(6 * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let at = calendar.date(bySettingHour: 6, minute: 0, second: 0, of: monday) ?? monday
        _ = try await posts.transition(safety.id, .schedule(at: at), expectedVersion: safety.version, scheduleZone: PostSchedule.recipientZone, by: hrActor)

        // In review: Culture, waiting for the approver.
        let culture = try await posts.create(PostContent(
            fallbackLanguage: "en", campaignID: show.id, topicIDs: [topicIDs["Culture"]!], tags: ["recognition"],
            variants: [PostVariant(language: "en", title: "Nominate a colleague for the Tandem awards", summary: "Nominations close on the 30th.",
                                   body: "Who made your year better? Tell us in **two sentences**.", channelTexts: [.social: "Who made your year? Nominate them for the #TandemAwards. #WeAreTheShow"])]),
            by: commsActor)
        let submitted = try await posts.transition(culture.id, .submit, expectedVersion: culture.version, by: commsActor)
        // The approver read version 1; Comms then tightened the text, so Reviews shows what changed since.
        try await content.views.markSeen(post: culture.id, userID: approver.id, version: submitted.version)
        var tightened = submitted.content
        tightened.variants[0].summary = "Nominations close on the 30th; winners join the brand launch."
        tightened.variants[0].body += "\n\nWinners are named at the *We are the show* launch."
        _ = try await posts.update(culture.id, tightened, expectedVersion: submitted.version, by: commsActor)
        let question = try await content.comments.add(
            post: culture.id, body: "@approver can this go out before the launch event? The nominations need two weeks.", replyTo: nil, by: commsActor)
        _ = try await content.comments.add(post: culture.id, body: "Yes, if it is scheduled by Friday. @marketing please check the social caption.",
                                           replyTo: question.id, by: approverActor)

        // Changes requested: Careers.
        var careers = try await posts.create(PostContent(
            fallbackLanguage: "en", campaignID: show.id, topicIDs: [topicIDs["Careers"]!], tags: ["employer brand"],
            variants: [PostVariant(language: "en", title: "Welcome to the show: our new careers site", summary: "Share it with friends who should work here.",
                                   body: "Our new careers site is live. *Share it* — referrals are the best hires.")]),
            by: marketingActor)
        careers = try await posts.transition(careers.id, .submit, expectedVersion: careers.version, by: marketingActor)
        _ = try await posts.transition(careers.id, .requestChanges, expectedVersion: careers.version, note: "Add the referral bonus amount and the link.", by: approverActor)
        _ = try await content.comments.add(post: careers.id, body: "The bonus is $2,000 after 90 days. @hr can you confirm it applies to frontline roles too?",
                                           replyTo: nil, by: marketingActor)
        // Marketing asks for a Brazilian Portuguese version, assigned to Jordan (HR and IC).
        if let jordan = try await user("hr-comms@demo.tandem.local") {
            let asked = try await content.posts.find(id: careers.id)
            _ = try await content.translations.request(post: careers.id, language: "pt-BR", translatorID: jordan.id, machine: false,
                                                       expectedVersion: asked?.version ?? careers.version, by: marketingActor)
        }

        // A draft.
        _ = try await posts.create(PostContent(
            fallbackLanguage: "en", topicIDs: [topicIDs["Benefits"]!],
            variants: [PostVariant(language: "en", title: "Wellbeing days in 2027", summary: "Two extra days off, your choice when.", body: "Draft — dates to confirm with Payroll.")]),
            by: hrActor)
        progress("posts 6 (2 published, scheduled, in review, changes requested, draft)")
        let planned = try await plan(topics: topicIDs, campaigns: [enrolment.id, show.id], hr: hrActor, comms: commsActor, marketing: marketingActor, approver: approverActor)
        progress("calendar: \(planned) posts scheduled over the next four weeks")
    }

    /// Four weeks of scheduled posts from all three teams, so the calendar shows a real plan,
    /// with a heavy day in the benefits fair week.
    func plan(topics: [String: Int64], campaigns: [Int64], hr: PostActor, comms: PostActor, marketing: PostActor, approver: PostActor) async throws -> Int {
        let items: [(day: Int, hour: Int, zone: String, topic: String, title: String, summary: String, channels: [Channel])] = [
            (1, 9, "America/Chicago", "Benefits", "Open enrolment: one week left", "Choose your 2027 plans by the 15th.", [.feed, .email]),
            (2, 8, "Europe/London", "Culture", "Meet the Manchester DC night shift", "A night with the team that keeps our shelves full.", [.feed, .chat]),
            (3, 10, "America/Sao_Paulo", "Safety", "Forklift refresher training dates", "Book your slot before the end of the month.", [.feed, .sms]),
            (4, 12, "America/Chicago", "Careers", "Internal jobs this week", "Twelve roles open across operations and IT.", [.feed, .email]),
            (6, 9, "Europe/London", "Culture", "Quarterly town hall: questions open", "Send questions for the leadership team.", [.feed, .email, .chat]),
            (7, 14, "America/Chicago", "Benefits", "Wellbeing webinar: sleep and shift work", "Thirty minutes, with a sleep scientist.", [.feed, .email]),
            (8, 9, "America/Chicago", "Benefits", "Benefits fair: Chicago HQ today", "Talk to our providers in the atrium, 10:00–15:00.", [.feed, .email]),
            (8, 10, "America/Chicago", "Benefits", "Benefits fair: Dallas DC today", "Providers on site at the canteen from 11:00.", [.feed, .sms]),
            (8, 11, "Europe/London", "Careers", "Graduate programme: refer a friend", "Referral bonus for every graduate hire.", [.feed, .social]),
            (8, 13, "America/Sao_Paulo", "Safety", "Heat: drink water every hour", "High temperatures expected at all sites in Brazil.", [.feed, .sms]),
            (8, 15, "Europe/London", "Culture", "Tandem awards: shortlist announced", "Thirty colleagues made the list.", [.feed, .email, .social]),
            (9, 9, "America/Chicago", "Benefits", "Dependent verification reminder", "Upload documents for new dependents by Friday.", [.email]),
            (11, 8, "Europe/London", "Safety", "Winter driving: check your tyres", "Company car drivers: a quick checklist.", [.feed, .email]),
            (13, 9, "America/Chicago", "Careers", "Welcome to the show: share the film", "Our new brand film is out. Share it.", [.feed, .social]),
            (14, 16, "America/Chicago", "Culture", "Holiday party: register by Friday", "Chicago, Dallas and Columbus, with family.", [.feed, .email]),
            (15, 9, "America/Chicago", "Benefits", "Open enrolment closes today", "Last day to choose your 2027 benefits.", [.feed, .email, .sms]),
            (16, 9, "Europe/London", "Culture", "Volunteering days: the 2027 calendar", "Pick a charity day with your team.", [.feed, .email]),
            (18, 10, "America/Sao_Paulo", "Safety", "New first-aid kits at every site", "Where to find them, and what is inside.", [.feed, .chat]),
            (20, 12, "America/Chicago", "Careers", "Learning week: courses open", "Forty free courses, in work time.", [.feed, .email]),
            (22, 9, "Europe/London", "Culture", "Year in pictures", "Your photos from 2026, chosen by you.", [.feed, .social]),
            (24, 9, "America/Chicago", "Benefits", "Your 2027 benefits statement", "What you chose, and what it is worth.", [.email]),
            (27, 8, "America/Sao_Paulo", "Safety", "Safety results 2026", "Lost-time incidents down 18%.", [.feed, .email]),
        ]
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var count = 0
        for (index, item) in items.enumerated() {
            let author = item.topic == "Benefits" || item.topic == "Safety" ? hr : item.topic == "Careers" ? marketing : comms
            var post = try await content.posts.create(PostContent(
                priority: item.topic == "Safety" && item.channels.contains(.sms) ? .important : .normal, fallbackLanguage: "en",
                campaignID: item.topic == "Benefits" ? campaigns[0] : item.topic == "Careers" ? campaigns[1] : nil,
                topicIDs: topics[item.topic].map { [$0] } ?? [], channels: item.channels,
                variants: [PostVariant(language: "en", title: item.title, summary: item.summary, body: item.summary,
                                       channelTexts: item.channels.contains(.social) ? [.social: item.summary + " #WeAreTheShow"] : [:])]), by: author)
            post = try await content.posts.transition(post.id, .submit, expectedVersion: post.version, by: author)
            post = try await content.posts.transition(post.id, .approve, expectedVersion: post.version, by: approver)
            if post.state == .inReview { post = try await content.posts.transition(post.id, .approve, expectedVersion: post.version, by: comms) }
            guard post.state == .approved else { continue }
            let day = utc.startOfDay(for: Date().addingTimeInterval(Double(item.day) * 86_400))
            var zoned = Calendar(identifier: .gregorian)
            zoned.timeZone = TimeZone(identifier: item.zone)!
            let parts = utc.dateComponents([.year, .month, .day], from: day)
            let at = zoned.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day, hour: item.hour, minute: index % 2 == 0 ? 0 : 30))!
            _ = try await content.posts.transition(post.id, .schedule(at: at), expectedVersion: post.version, scheduleZone: item.zone, by: author)
            count += 1
        }
        return count
    }
}

/// Calendar days for the demo's campaign dates.
enum EmployeeRulesDay {
    static var today: Date { Date() }

    static func offset(_ date: Date, _ days: Int) -> String {
        String(date.addingTimeInterval(Double(days) * 86_400).ISO8601Format().prefix(10))
    }
}
