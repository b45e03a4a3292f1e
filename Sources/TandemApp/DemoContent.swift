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

        // Scheduled: a safety notice for Brazilian frontline staff, at shift start in their local time.
        var safety = try await posts.create(PostContent(
            priority: .critical, mandatory: true, requiresAcknowledgement: true, fallbackLanguage: "pt-BR", topicIDs: [topicIDs["Safety"]!], tags: ["sites"],
            audiences: audience("Frontline Brazil"),
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
        _ = try await posts.transition(culture.id, .submit, expectedVersion: culture.version, by: commsActor)

        // Changes requested: Careers.
        var careers = try await posts.create(PostContent(
            fallbackLanguage: "en", campaignID: show.id, topicIDs: [topicIDs["Careers"]!], tags: ["employer brand"],
            variants: [PostVariant(language: "en", title: "Welcome to the show: our new careers site", summary: "Share it with friends who should work here.",
                                   body: "Our new careers site is live. *Share it* — referrals are the best hires.")]),
            by: marketingActor)
        careers = try await posts.transition(careers.id, .submit, expectedVersion: careers.version, by: marketingActor)
        _ = try await posts.transition(careers.id, .requestChanges, expectedVersion: careers.version, note: "Add the referral bonus amount and the link.", by: approverActor)

        // A draft.
        _ = try await posts.create(PostContent(
            fallbackLanguage: "en", topicIDs: [topicIDs["Benefits"]!],
            variants: [PostVariant(language: "en", title: "Wellbeing days in 2027", summary: "Two extra days off, your choice when.", body: "Draft — dates to confirm with Payroll.")]),
            by: hrActor)
        progress("posts 5 (published, scheduled, in review, changes requested, draft)")
    }
}

/// Calendar days for the demo's campaign dates.
enum EmployeeRulesDay {
    static var today: Date { Date() }

    static func offset(_ date: Date, _ days: Int) -> String {
        String(date.addingTimeInterval(Double(days) * 86_400).ISO8601Format().prefix(10))
    }
}
