@testable import Content
import Testing

@Suite("Text diff")
struct TextDiffTests {
    /// Length of the longest common subsequence, by dynamic programming: the reference a
    /// shortest edit script must agree with.
    static func lcs(_ a: [String], _ b: [String]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var previous = 0
            for j in 1...max(1, b.count) where !b.isEmpty {
                let saved = row[j]
                row[j] = x == b[j - 1] ? previous + 1 : max(row[j], row[j - 1])
                previous = saved
            }
        }
        return row.last ?? 0
    }

    @Test("on random sequences the script rebuilds both sides and is as short as possible")
    func randomSequences() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let alphabet = ["a", "b", "c", "d"]
            let a = (0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % 4)] }
            let b = (0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % 4)] }
            let pieces = TextDiff.diff(a, b)
            #expect(pieces.filter { $0.op != .added }.map(\.text) == a)
            #expect(pieces.filter { $0.op != .removed }.map(\.text) == b)
            #expect(pieces.filter { $0.op == .same }.count == Self.lcs(a, b), "\(a) → \(b)")
        }
    }

    @Test("a changed line in a body is one removal and one addition, with the rest the same")
    func lines() {
        let pieces = TextDiff.lines("Intro\nEnrol by Friday.\nThanks", "Intro\nEnrol by Monday.\nThanks")
        #expect(pieces == [.init(.same, "Intro"), .init(.removed, "Enrol by Friday."), .init(.added, "Enrol by Monday."), .init(.same, "Thanks")])
    }

    @Test("word diffs keep spaces and merge runs")
    func words() {
        let pieces = TextDiff.words("Enrol by Friday noon", "Enrol by Monday noon")
        #expect(pieces == [.init(.same, "Enrol by "), .init(.removed, "Friday"), .init(.added, "Monday"), .init(.same, " noon")])
        #expect(TextDiff.words("", "New") == [.init(.added, "New")])
    }

    @Test("long unchanged runs are cut to three lines of context")
    func hunks() {
        let old = (1...20).map { "line \($0)" }
        var new = old
        new[10] = "changed"
        let cut = TextDiff.hunks(TextDiff.diff(old, new))
        #expect(cut.first! == nil && cut.last! == nil)
        #expect(cut.compactMap { $0 }.count == 8, "3 before, removed, added, 3 after")
    }

    @Test("texts that differ everywhere past the limit are shown as replaced")
    func limit() {
        let a = (0..<3_000).map { "a\($0)" }, b = (0..<3_000).map { "b\($0)" }
        let pieces = TextDiff.diff(a, b)
        #expect(pieces.count == 6_000 && pieces.prefix(3_000).allSatisfy { $0.op == .removed })
    }
}

@Suite("Mentions")
struct MentionParserTests {
    @Test("handles are addresses or their local part; addresses in text and repeats are not mentions")
    func handles() {
        #expect(MentionParser.handles(in: "@ada please look, and @Ben.Ross@example.com too. Mail ops@example.com. @ada again") == ["ada", "ben.ross@example.com"])
        #expect(MentionParser.handles(in: "Thanks @cy.") == ["cy"])
        #expect(MentionParser.handles(in: "@ @- a@b x@@y https://x.test/@someone") == [])
        #expect(MentionParser.handles(in: "(@eli)") == ["eli"])
    }
}
