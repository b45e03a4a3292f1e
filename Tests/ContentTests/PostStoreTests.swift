import Accounts
import Audiences
import Audit
@testable import Content
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

let contentMigrator = Migrator(AccountsFeature.migrations + AuditFeature.migrations + PeopleFeature.migrations + AudiencesFeature.migrations + ContentMigrations.all)

/// Staff for the workflow: an author, a second editor, and three approvers.
struct Newsroom {
    let database: Database
    let author: PostActor, editor: PostActor, approvers: [PostActor]
    let topic: Topic

    static func make(_ database: Database, rule: ApprovalRule = .any, secondStage: Bool = false) async throws -> Newsroom {
        let users = UserStore(database: database)
        func staff(_ email: String, _ roles: [Role]) async throws -> PostActor {
            let user = try await users.create(try NewUser(email: email, displayName: email.components(separatedBy: "@")[0].capitalized, roles: roles.map(\.rawValue), teamID: nil),
                                              passwordHash: "x", mustChangePassword: false, by: .system)
            return PostActor(userID: user.id, name: user.displayName, roles: Set(roles), audit: AuditActor(userID: user.id, label: email, channel: .api))
        }
        let author = try await staff("ana@example.com", [.hr])
        let editor = try await staff("eli@example.com", [.comms])
        let approvers = [try await staff("ada@example.com", [.approver]), try await staff("ben@example.com", [.approver]), try await staff("cy@example.com", [.approver, .comms])]
        var stages = [ApprovalStage(approvers: Set(approvers.prefix(2).map(\.userID)), rule: rule)]
        if secondStage { stages.append(ApprovalStage(approvers: [approvers[2].userID], rule: .any)) }
        let topic = try await TopicStore(database: database).create(try TopicDraft(name: "Benefits", description: "", ownerTeamID: nil, stages: stages), by: .system)
        return Newsroom(database: database, author: author, editor: editor, approvers: approvers, topic: topic)
    }

    var posts: PostStore { PostStore(database: database, render: { "<p>" + $0.replacingOccurrences(of: "<", with: "&lt;") + "</p>" }) }

    func content(topics: [Int64]? = nil, languages: [String] = ["en"]) -> PostContent {
        PostContent(fallbackLanguage: "en", topicIDs: topics ?? [topic.id], tags: ["Open Enrollment", "open enrollment", "401k"],
                    variants: languages.map { PostVariant(language: $0, title: "Enrol by Friday (\($0))", summary: "Benefits enrolment closes soon.", body: "Go to **the portal**.") })
    }
}

@Suite("Posts: store and workflow on the database")
struct PostStoreTests {
    @Test("draft → review → approved → scheduled → published, with versions, events and approvals recorded", arguments: TestDatabase.kinds)
    func lifecycle(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database, secondStage: true)
            let posts = room.posts
            var post = try await posts.create(room.content(languages: ["en", "pt-BR"]), by: room.author)
            #expect(post.state == .draft && post.version == 1 && post.content.variants.count == 2)
            #expect(post.content.tags == ["401k", "open enrollment"], "tags are normalised and de-duplicated")
            #expect(post.content.variants[0].bodyHTML.hasPrefix("<p>"))
            #expect(post.topicNames == ["Benefits"])

            post = try await posts.transition(post.id, .submit, expectedVersion: 1, by: room.author)
            #expect(post.state == .inReview)
            #expect(try await posts.reviewQueue(for: room.approvers[0].userID).map(\.id) == [post.id])
            #expect(try await posts.reviewQueue(for: room.approvers[2].userID).isEmpty, "stage two waits for stage one")

            // An approver outside the board, and the author, are refused.
            let outsider = await #expect(throws: AppError.self) { try await posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[2]) }
            #expect(outsider?.status == .forbidden)
            post = try await posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[0])
            #expect(post.state == .inReview && post.stage == 1)
            #expect(try await posts.reviewQueue(for: room.approvers[0].userID).isEmpty)
            #expect(try await posts.reviewQueue(for: room.approvers[2].userID).map(\.id) == [post.id])
            post = try await posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[2])
            #expect(post.state == .approved)

            let past = await #expect(throws: AppError.self) { try await posts.transition(post.id, .schedule(at: Date().addingTimeInterval(-60)), expectedVersion: nil, by: room.editor) }
            #expect(past?.field == "publish_at")
            let at = Date().addingTimeInterval(86_400).rounded
            post = try await posts.transition(post.id, .schedule(at: at), expectedVersion: nil, scheduleZone: "Europe/Berlin", by: room.editor)
            #expect(post.state == .scheduled && post.publishAt == at && post.scheduleZone == "Europe/Berlin")
            post = try await posts.transition(post.id, .publish, expectedVersion: nil, by: nil)
            #expect(post.state == .published && post.publishAt == at, "the scheduler keeps the planned time")

            let events = try await posts.events(of: post.id)
            #expect(events.map(\.action).reversed() == ["create", "submit", "approve", "approve", "schedule", "publish"])
            #expect(events.first?.actor == "scheduler")
            #expect(try await posts.versions(of: post.id).count == 1)
        }
    }

    @Test("editing approved text returns it to review and clears approvals; concurrent edits are refused; versions restore", arguments: TestDatabase.kinds)
    func editsAndConflicts(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let posts = room.posts
            var post = try await posts.create(room.content(), by: room.author)
            post = try await posts.transition(post.id, .submit, expectedVersion: 1, by: room.author)
            post = try await posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[1])
            #expect(post.state == .approved)

            var changed = post.content
            changed.variants[0].title = "Enrol by Monday"
            post = try await posts.update(post.id, changed, expectedVersion: 1, by: room.editor)
            #expect(post.state == .inReview && post.version == 2)
            #expect(try await posts.facts(post).approvals.isEmpty, "approvals were for version 1")

            // The author still holds version 1: their save is refused with who changed it.
            var stale = room.content()
            stale.variants[0].title = "Enrol by Tuesday"
            let conflict = await #expect(throws: AppError.self) { try await posts.update(post.id, stale, expectedVersion: 1, by: room.author) }
            #expect(conflict?.code == "edit_conflict")
            #expect(conflict?.message.contains("Eli") == true && conflict?.message.contains("Reload") == true)
            // An approval of a version the approver did not read is refused the same way.
            await #expect(throws: AppError.self) { try await posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[0]) }

            post = try await posts.restore(post.id, version: 1, expectedVersion: 2, by: room.author)
            #expect(post.version == 3 && post.title == "Enrol by Friday (en)")
            #expect(try await posts.versions(of: post.id).map(\.version) == [3, 2, 1])
        }
    }

    @Test("bad content is refused with the field and a reason; nothing is written", arguments: TestDatabase.kinds)
    func badContent(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let posts = room.posts
            func refused(_ change: (inout PostContent) -> Void) async -> AppError? {
                var content = room.content()
                change(&content)
                return await #expect(throws: AppError.self) { try await posts.create(content, by: room.author) }
            }
            #expect(await refused { $0.fallbackLanguage = "de" }?.field == "fallback_language")
            #expect(await refused { $0.variants = [] }?.field == "variants")
            #expect(await refused { $0.variants.append($0.variants[0]) }?.message.contains("appears twice") == true)
            #expect(await refused { $0.variants[0].title = "  " }?.field == "title")
            #expect(await refused { $0.variants[0].language = "english!" }?.field == "language")
            let sms = await refused { $0.variants[0].channelTexts[.sms] = String(repeating: "a", count: 161) }
            #expect(sms?.field == "channel_sms" && sms?.message.contains("161 characters") == true)
            #expect(await refused { $0.variants[0].channelTexts[.sms] = String(repeating: "ő", count: 71) }?.message.contains("70") == true)
            #expect(await refused { $0.variants[0].channelTexts[.social] = String(repeating: "#", count: 281) }?.field == "channel_social")
            #expect(await refused { $0.callToAction = .init(label: "Go", url: "javascript:alert(1)") }?.field == "cta_url")
            #expect(await refused { $0.topicIDs = [999] }?.field == "topic_ids")
            #expect(await refused { $0.audiences = [PostAudience(audienceID: 5, mode: .include)] }?.field == "audiences")
            #expect(try await posts.list(.init(), cursor: nil, limit: 10).items.isEmpty)

            // A post without topics is a fine draft but cannot be submitted.
            let untopiced = try await posts.create(room.content(topics: []), by: room.author)
            let noBoard = await #expect(throws: AppError.self) { try await posts.transition(untopiced.id, .submit, expectedVersion: 1, by: room.author) }
            #expect(noBoard?.message.contains("topic") == true)
            // Analysts cannot write.
            let analyst = PostActor(userID: room.editor.userID, name: "x", roles: [.analyst], audit: .system)
            await #expect(throws: AppError.self) { try await posts.create(room.content(), by: analyst) }
            // A topic in use cannot be deleted.
            _ = try await posts.create(room.content(), by: room.author)
            let inUse = await #expect(throws: AppError.self) { try await TopicStore(database: database).delete(room.topic.id, by: .system) }
            #expect(inUse?.status == .conflict)
        }
    }
}

extension Date {
    /// Whole milliseconds, as stored.
    var rounded: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000).rounded(.down) / 1_000) }
}

@Suite("Campaigns")
struct CampaignStoreTests {
    @Test("campaigns group posts; bad dates, teams and links are refused; a campaign with posts cannot be deleted", arguments: TestDatabase.kinds)
    func campaigns(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let store = CampaignStore(database: database)
            let campaign = try await store.create(try CampaignDraft(
                name: "We are the show", goal: "Pride in the new brand, inside first.", ownerTeams: [.marketing, .ic], startsOn: "2026-12-01", endsOn: "2027-01-31",
                externalName: "Welcome to the show", externalURL: "https://brand.example.com/show", outcomeMetric: "Employee advocacy shares"), by: .system)
            #expect(campaign.ownerTeams == [.ic, .marketing] && campaign.postCount == 0)
            await #expect(throws: AppError.self) {
                try await store.create(try CampaignDraft(name: "WE ARE THE SHOW", goal: "", ownerTeams: [.hr], startsOn: "2026-12-01", endsOn: "2026-12-02",
                                                         externalName: nil, externalURL: nil, outcomeMetric: ""), by: .system)
            }
            for (starts, ends, teams, url, field) in [("2026-12-05", "2026-12-01", [CampaignTeam.hr], "", "ends_on"), ("2026-02-30", "2026-03-01", [.hr], "", "starts_on"),
                                                     ("2026-12-01", "2026-12-02", [], "", "owner_teams"), ("2026-12-01", "2026-12-02", [.hr], "javascript:alert(1)", "external_url")] {
                let error = #expect(throws: AppError.self) {
                    try CampaignDraft(name: "X", goal: "", ownerTeams: teams, startsOn: starts, endsOn: ends, externalName: nil, externalURL: url, outcomeMetric: "")
                }
                #expect(error?.field == field)
            }
            var content = room.content()
            content.campaignID = campaign.id
            let post = try await room.posts.create(content, by: room.author)
            #expect(post.content.campaignID == campaign.id)
            #expect(try await room.posts.list(.init(campaignID: campaign.id), cursor: nil, limit: 10).items.map(\.id) == [post.id])
            #expect(try await store.find(id: campaign.id)?.postCount == 1)
            let inUse = await #expect(throws: AppError.self) { try await store.delete(campaign.id, by: .system) }
            #expect(inUse?.status == .conflict)
            content.campaignID = 9_999
            let unknown = await #expect(throws: AppError.self) { try await room.posts.create(content, by: room.author) }
            #expect(unknown?.field == "campaign_id")
        }
    }
}

