import Analytics
import Audit
import Foundation
import Listening
import People
import SQLKit

extension DemoLoader {
    /// An anonymous benefits pulse, open to everyone, that most of the workforce has answered
    /// (the demo's employee has not, so the feed shows the survey card), and a confidential
    /// draft IC wrote for HR to open (by email and SMS, with reminders). Answers lean by worker
    /// type, so the breakdowns differ.
    func loadSurveys(progress: @escaping @Sendable (String) -> Void) async throws {
        guard try await listening.surveys.all().isEmpty else { return }
        let hr = AuditActor(userID: nil, label: "demo (HR)", channel: .cli)
        let questions = try QuestionText.parse("""
            # Benefits
            enps: How likely are you to recommend working here to a friend?
            rating: I understand my benefits
            single: Which health plan did you choose? | Basic | Plus | None
            text? if q3 = Basic: What would make the Plus plan worth it to you?
            # Your manager
            matrix: My manager… | listens to me | explains decisions | recognises good work
            text?: Anything else HR should hear?
            """)
        let draft = SurveyDraft(title: "Benefits pulse", intro: "Six questions, two minutes. Your answers shape next year's benefits.",
                                mode: .anonymous, closesOn: nil, questions: questions)
        var survey = try await listening.surveys.create(draft, by: hr)
        survey = try await listening.surveys.open(survey.id, version: survey.version, by: hr)
        let reader = try await demoReader()?.decode(column: "employee_id", as: Int64.self)
        let people = try await feed.store.database.reader.raw("""
            SELECT i.employee_id, e.worker_type FROM survey_invitations i JOIN employees e ON e.id = i.employee_id WHERE i.survey_id = \(bind: survey.id) ORDER BY i.employee_id
            """).all()
        let comments = ["Plus costs too much for my family", "I did not know Plus covers dental", "The enrolment site was confusing",
                        "Great benefits, thank you", "Too expensive on a part-time salary", "Happy with Basic, it is enough"]
        var answered = 0
        for (index, row) in people.enumerated() {
            let employee = try row.decode(column: "employee_id", as: Int64.self)
            let frontline = try row.decode(column: "worker_type", as: String.self) == "frontline"
            // About 60% answer; a fixed mix so the demo looks the same every time.
            let roll = Int((UInt64(bitPattern: employee) &* 0x9E37_79B9_7F4A_7C15) >> 33 % 1_000)
            guard employee != reader, roll % 10 < 6 else { continue }
            let plan = ["Basic", "Plus", "None"][roll % 3]
            var answers: [String: AnswerValue] = [
                "q1": .number(min(10, max(0, (frontline ? 4 : 6) + (roll / 7) % 7 - 1))),
                "q2": .number(min(5, max(1, (frontline ? 2 : 3) + roll % 3))),
                "q3": .choice(plan),
                "q5": .matrix(["listens to me": 2 + roll % 4, "explains decisions": 1 + roll % 5, "recognises good work": 3 + roll % 3]),
            ]
            if plan == "Basic", (roll / 11) % 3 == 0 { answers["q4"] = .text(comments[(roll / 17) % comments.count]) }
            if (roll / 5) % 6 == 0 { answers["q6"] = .text(comments[(roll / 23) % comments.count]) }
            _ = try await listening.responses.submit(survey: survey, employee: employee, submission: "demo-\(survey.id)-\(employee)", answers: answers)
            answered += 1
            if (index + 1) % 500 == 0 { progress("survey answers \(answered) of \(index + 1) asked so far") }
        }
        progress("survey \"\(survey.title)\": \(survey.invited) asked, \(answered) answered")
        let calendar = Calendar(identifier: .gregorian)
        func day(_ offset: Int) -> String { ISO8601DateFormatter.string(from: calendar.date(byAdding: .day, value: offset, to: Date())!, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate]) }
        for (finding, action, owner, due, status) in [
            ("Frontline staff understand their benefits less than desk staff", "Benefits explainer on the shop-floor screens and by SMS", "shared", day(21), "in_progress"),
            ("Managers score low on explaining decisions", "Manager briefing pack with each benefits post", "ic", day(35), "planned"),
        ] {
            _ = try await listening.actions.create(SurveyActionDraft(finding: finding, action: action, ownerTeam: owner, dueOn: due, status: status), survey: survey, by: hr)
        }
        progress("survey actions 2")
        try await loadSurveyKPI(survey, progress: progress)
        let ic = AuditActor(userID: nil, label: "demo (IC)", channel: .cli)
        _ = try await listening.surveys.create(SurveyDraft(
            title: "Did the benefits campaign land?", intro: "IC's check after the enrolment campaign; HR opens it.", mode: .confidential,
            questions: try QuestionText.parse("""
                single: Where did you hear about open enrolment? | Feed | Email | My manager | Nowhere
                rating: The campaign explained what I needed to do
                text?: What should we do differently next year?
                """), channels: [.email, .sms], remindAfterDays: 5), by: ic)
        progress("survey draft \"Did the benefits campaign land?\" waiting for HR")
        try await loadPulse(progress: progress)
        // A lifecycle check-in: open for good, it asks each person 30 days after they join.
        let checkIn = try await listening.surveys.create(SurveyDraft(
            title: "New joiner check-in (30 days)", intro: "A month in: tell us how your start went. HR reads each answer with your name, to follow up.", mode: .identified,
            questions: try QuestionText.parse("""
                rating: I have what I need to do my job
                rating: My manager made time for me in my first weeks
                text?: What would have made your first month easier?
                """), channels: [.email], lifecycle: .hired30), by: hr)
        let opened = try await listening.surveys.open(checkIn.id, version: checkIn.version, by: hr)
        progress("lifecycle survey \"\(opened.title)\": \(opened.invited) people at 30 days so far; more are asked as they reach it")
        // A one-off survey HR approved and scheduled: it opens by itself in a week.
        let hybrid = try await listening.surveys.create(SurveyDraft(
            title: "How hybrid work is going", intro: "Ten minutes on where and how you work best.", mode: .confidential,
            closesOn: day(21), questions: try QuestionText.parse("""
                rating: I can do focused work on my office days
                single: How many days a week do you want in the office? | 0 | 1–2 | 3–4 | 5
                text?: What one change would help most?
                """), channels: [.email], remindAfterDays: 5), by: hr)
        let scheduled = try await listening.surveys.schedule(hybrid.id, version: hybrid.version, opensOn: day(7), by: hr)
        progress("survey \"\(scheduled.title)\" scheduled to open on \(scheduled.opensOn ?? "")")
    }

    /// A fortnightly pulse to 10% of everyone: three waves in the past six weeks, answered with
    /// scores that rise wave by wave (so the trend has a shape), and this fortnight's wave open.
    /// Its email invitations go once an SMTP server is set up (the closed waves' were cancelled).
    /// It has a German wording, which German speakers see.
    func loadPulse(progress: @escaping @Sendable (String) -> Void) async throws {
        let hr = AuditActor(userID: nil, label: "demo (HR)", channel: .cli)
        let template = try await listening.surveys.create(SurveyDraft(
            title: "Fortnightly pulse", intro: "Three questions every two weeks, to a tenth of us each time.", mode: .anonymous,
            questions: try QuestionText.parse("""
                enps: How likely are you to recommend working here to a friend?
                rating: I know what is expected of me this month
                rating: I hear about changes before they happen
                """), channels: [.email]), by: hr)
        _ = try await listening.translations.save(SurveyTranslation(language: "de", title: "Puls alle zwei Wochen", intro: "Drei Fragen alle zwei Wochen, jedes Mal an ein Zehntel von uns.",
                                                                    questions: [.init(key: "q1", prompt: "Wie wahrscheinlich ist es, dass Sie uns als Arbeitgeber empfehlen?"),
                                                                                .init(key: "q2", prompt: "Ich weiß, was diesen Monat von mir erwartet wird"),
                                                                                .init(key: "q3", prompt: "Ich höre von Änderungen, bevor sie passieren")]),
                                                  survey: template, by: hr)
        let start = Date().addingTimeInterval(-42 * 86_400)
        _ = try await listening.pulses.save(template: template.id, PulseSettings(everyDays: 14, samplePercent: 10, openDays: 7, firstOn: EmployeeRules.today(start)),
                                            by: hr, today: EmployeeRules.today(start))
        let reader = try await demoReader()?.decode(column: "employee_id", as: Int64.self)
        for wave in 0..<4 {
            let now = start.addingTimeInterval(Double(wave * 14) * 86_400)
            guard let opened = try await listening.pulses.tick(now: now).opened.first,
                  let survey = try await listening.surveys.find(id: opened.survey) else { continue }
            guard wave < 3 else {
                progress("pulse wave \(wave + 1) open to \(opened.invited) people")
                break
            }
            let invited = try await feed.store.database.reader.raw("""
                SELECT employee_id FROM survey_invitations WHERE survey_id = \(bind: survey.id) ORDER BY employee_id
                """).all().map { try $0.decode(column: "employee_id", as: Int64.self) }
            var answered = 0
            for employee in invited where employee != reader {
                let roll = Int((UInt64(bitPattern: employee &+ Int64(wave)) &* 0x9E37_79B9_7F4A_7C15) >> 33 % 1_000)
                guard roll % 10 < 6 else { continue }
                let answers: [String: AnswerValue] = [
                    "q1": .number(min(10, 4 + wave + roll % 6)),
                    "q2": .number(min(5, 2 + roll % 4)),
                    "q3": .number(min(5, 1 + wave + roll % 3)),
                ]
                _ = try await listening.responses.submit(survey: survey, employee: employee, submission: "demo-pulse-\(survey.id)-\(employee)", answers: answers,
                                                         today: EmployeeRules.today(now))
                answered += 1
            }
            _ = try await listening.surveys.close(survey.id, by: hr)
            progress("pulse wave \(wave + 1): \(opened.invited) asked, \(answered) answered")
        }
    }

    /// A KPI on the pulse's "I understand my benefits" score, so the scorecards show a survey
    /// figure beside the engagement ones (the pulse is open, so it counts in this month).
    func loadSurveyKPI(_ survey: Survey, progress: @escaping @Sendable (String) -> Void) async throws {
        let database = feed.store.database
        let store = KPIStore(database: database, metrics: PostMetricsStore(database: database), sources: [listening.kpiMetrics])
        guard try await !store.all().contains(where: { $0.name == "Benefits understood" }) else { return }
        let draft = try KPIDraft(name: "Benefits understood", description: "Share agreeing \"I understand my benefits\" (4–5 of 5) in the benefits pulse.",
                                 formula: #"survey_favourable{question="q2", survey="\#(survey.id)"}"#, ownerTeam: "hr", target: "60", direction: "higher",
                                 period: "month", unit: "percent", sources: store.sources)
        _ = try await store.create(draft, by: AuditActor(userID: nil, label: "demo (HR)", channel: .cli))
        progress("KPI \"Benefits understood\" from the benefits pulse")
    }
}
