import Audiences
import Content
@testable import Delivery
import Foundation
import Testing

@Suite("Recipient plan")
struct RecipientPlanTests {
    static func person(email: Bool, phone: Bool, zone: String = "UTC") -> Recipient {
        Recipient(id: 1, hasEmail: email, hasPhone: phone, language: "en", timeZone: zone)
    }

    @Test("chosen channels narrowed to what the person has; critical goes to every channel they have")
    func channels() {
        let both = Self.person(email: true, phone: true), neither = Self.person(email: false, phone: false)
        #expect(RecipientPlan.channels(for: both, chosen: [.email, .sms], priority: .normal) == [.email, .sms])
        #expect(RecipientPlan.channels(for: neither, chosen: [.email, .sms], priority: .normal) == [], "unreachable")
        #expect(RecipientPlan.channels(for: neither, chosen: [.feed, .email], priority: .important) == [.feed])
        #expect(RecipientPlan.channels(for: both, chosen: [.email], priority: .critical) == [.feed, .email, .sms])
        #expect(RecipientPlan.channels(for: both, chosen: [.chat, .social], priority: .normal) == [], "not addressed per person")
    }

    @Test("a critical post asking for acknowledgement sends its text message 15 minutes later to people with email; at once to others")
    func escalation() {
        let all: [Channel] = [.feed, .email, .sms], noEmail: [Channel] = [.feed, .sms]
        #expect(RecipientPlan.delay(.sms, among: all, priority: .critical, requiresAcknowledgement: true) == 900)
        #expect(RecipientPlan.delay(.email, among: all, priority: .critical, requiresAcknowledgement: true) == 0)
        #expect(RecipientPlan.delay(.sms, among: noEmail, priority: .critical, requiresAcknowledgement: true) == 0, "the text is their first notice")
        #expect(RecipientPlan.delay(.sms, among: all, priority: .critical, requiresAcknowledgement: false) == 0, "nothing to wait for")
        #expect(RecipientPlan.delay(.sms, among: all, priority: .important, requiresAcknowledgement: true) == 0)
    }

    @Test("local-time posts fall due at the wall-clock time in each person's zone, across DST changes")
    func due() throws {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let wall = try #require(utc.date(from: DateComponents(year: 2026, month: 3, day: 29, hour: 9)))  // Europe switches to summer time that night
        let berlin = RecipientPlan.due(publishAt: wall, zone: "recipient", recipientZone: "Europe/Berlin")
        #expect(berlin == utc.date(from: DateComponents(year: 2026, month: 3, day: 29, hour: 7)), "09:00 CEST is 07:00 UTC")
        let saoPaulo = RecipientPlan.due(publishAt: wall, zone: "recipient", recipientZone: "America/Sao_Paulo")
        #expect(saoPaulo == utc.date(from: DateComponents(year: 2026, month: 3, day: 29, hour: 12)))
        #expect(RecipientPlan.due(publishAt: wall, zone: "Europe/Berlin", recipientZone: "America/Sao_Paulo") == wall, "a fixed-zone post is one instant")
        #expect(RecipientPlan.due(publishAt: wall, zone: "recipient", recipientZone: "Not/AZone") == wall)
        // 02:30 does not exist in Berlin that night: it moves to 03:00 local (01:00 UTC).
        let gap = try #require(utc.date(from: DateComponents(year: 2026, month: 3, day: 29, hour: 2, minute: 30)))
        let moved = RecipientPlan.due(publishAt: gap, zone: "recipient", recipientZone: "Europe/Berlin")
        #expect(moved == utc.date(from: DateComponents(year: 2026, month: 3, day: 29, hour: 1)))
    }
}
