import Audiences
import Audit
@testable import Content
import Foundation
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Post reach per channel")
struct PostReachTests {
    static let contacts = ContactReach(total: 100, emailAndPhone: 60, emailOnly: 37, phoneOnly: 1, neither: 2)

    @Test("reachable is the union of the chosen channels; the feed reaches everyone")
    func union() {
        let hr = PostReach(Self.contacts, channels: [.email, .sms], seesAll: true)
        #expect(hr.reachable.count == 98 && hr.unreachable.count == 2)
        #expect(hr.channels.first { $0.channel == .email }?.count == 97 && hr.channels.first { $0.channel == .sms }?.count == 61)
        #expect(hr.channels.first { $0.channel == .sms }?.display == "61 people (61%)")
        #expect(PostReach(Self.contacts, channels: [.sms], seesAll: true).reachable.count == 61)
        #expect(PostReach(Self.contacts, channels: [.feed], seesAll: true).unreachable.count == 0)
        #expect(PostReach(Self.contacts, channels: [.chat, .social], seesAll: true).reachable.count == 0, "chat and social are not counted per person")
        #expect(hr.channels.first { $0.channel == .chat }?.count == nil)
    }

    @Test("for non-HR, small counts and small remainders are hidden, so subtracting reveals nothing")
    func suppression() {
        let comms = PostReach(Self.contacts, channels: [.email, .sms], seesAll: false)
        #expect(comms.total.count == 100)
        #expect(comms.unreachable.count == nil && comms.unreachable.display == "fewer than 5")
        #expect(comms.reachable.count == nil && comms.reachable.display == "all but fewer than 5", "98 of 100 would give away the 2")
        #expect(comms.channels.first { $0.channel == .email }?.count == nil, "97 of 100 would give away 3 without email")
        #expect(comms.channels.first { $0.channel == .sms }?.count == 61)
        let tiny = PostReach(ContactReach(total: 3, emailAndPhone: 3, emailOnly: 0, phoneOnly: 0, neither: 0), channels: [.feed], seesAll: false)
        #expect(tiny.suppressed && tiny.total.count == nil && tiny.channels.allSatisfy { $0.count == nil })
        #expect(tiny.reachable.count == nil && tiny.unreachable.count == nil, "not even a zero is shown for a hidden group")
        let none = PostReach(ContactReach(total: 0, emailAndPhone: 0, emailOnly: 0, phoneOnly: 0, neither: 0), channels: [.email], seesAll: false)
        #expect(none.total.count == 0 && !none.suppressed)
    }

    @Test("contact counts of included minus excluded audiences match the people themselves", arguments: TestDatabase.kinds)
    func counts(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let today = EmployeeRules.today()
            var people = DemoPeople.generate(count: 400, today: today)
            for index in people.indices where index % 7 == 0 { people[index].workEmail = nil }
            for index in people.indices where index % 5 == 0 { people[index].mobilePhone = "" }
            try await EmployeeStore(database: database).upsert(people, summary: "seed", by: .system)
            let audiences = AudienceStore(database: database)
            _ = try await audiences.create(AudienceDraft(name: "Brazil", description: "", definition: .rule(try RuleParser.parse(#"country = "BR""#))), mayUseSensitive: true, by: .system)
            _ = try await audiences.create(AudienceDraft(name: "Frontline", description: "", definition: .rule(try RuleParser.parse(#"worker_type = "frontline""#))), mayUseSensitive: true, by: .system)
            let counter = AudienceCounter(database: database)
            let reach = try await counter.contactReach(include: ["Brazil"], exclude: ["Frontline"], today: today)
            let chosen = people.filter { $0.country == "BR" && $0.workerType != .frontline && $0.status(on: today) == .active }
            func has(_ value: String?) -> Bool { !(value ?? "").isEmpty }
            #expect(chosen.count > 10)
            #expect(reach.total == chosen.count)
            #expect(reach.withEmail == chosen.filter { has($0.workEmail) }.count)
            #expect(reach.withPhone == chosen.filter { has($0.mobilePhone) }.count)
            #expect(reach.neither == chosen.filter { !has($0.workEmail) && !has($0.mobilePhone) }.count)
            let everyone = try await counter.contactReach(include: [], exclude: [], today: today)
            #expect(everyone.total == people.filter { $0.status(on: today) == .active }.count)
        }
    }
}
