@testable import Analytics
import TandemCore
import Testing

@Suite("Small-group suppression")
struct SuppressionTests {
    @Test("groups under the threshold are hidden, with enough others that subtraction from the total reveals no group under it")
    func complementary() {
        let rule = Suppression(threshold: 5)
        #expect(rule.hidden([10, 20, 30]).isEmpty)
        #expect(rule.hidden([3, 20, 30]) == [0, 1], "one hidden cell would follow from the total; the next smallest goes too")
        #expect(rule.hidden([2, 2, 40, 50]) == [0, 1, 2], "two hidden cells of 4 people together still describe fewer than 5")
        #expect(rule.hidden([4, 0, 9]) == [0, 2], "empty groups reveal nobody and do not count as cover")
        #expect(rule.hidden([1]) == [0])
        #expect(Suppression(threshold: 1).threshold == 3, "never below 3")
        #expect(rule.allows(0) && rule.allows(5) && !rule.allows(4))
    }

    /// Whatever the populations, what can be worked out from a published table (the total and
    /// the cells shown) is either a shown cell of at least the threshold or the sum of the hidden
    /// ones, which also covers at least the threshold, and never a single hidden cell.
    @Test("random tables: no combination of the published figures pins down a group under the threshold", arguments: [3, 5, 10])
    func randomTables(threshold: Int) {
        var random = SeededGenerator(state: UInt64(threshold))
        let rule = Suppression(threshold: threshold)
        for _ in 0..<2_000 {
            let cells = (0..<Int.random(in: 1...9, using: &random)).map { _ in Int.random(in: 0...(threshold * 3), using: &random) }
            let hidden = rule.hidden(cells)
            for index in cells.indices where !hidden.contains(index) {
                #expect(cells[index] == 0 || cells[index] >= threshold, "shown cell \(cells[index]) in \(cells)")
            }
            if !hidden.isEmpty {
                #expect(hidden.count >= 2 || cells.filter({ $0 > 0 }).count == 1, "a lone hidden cell follows from the total: \(cells)")
                let covered = hidden.reduce(0) { $0 + cells[$1] }
                // With a single non-empty group the table's total is that group: the caller hides
                // the total too (PostMetricsStore does when the whole post is under the threshold).
                if cells.reduce(0, +) >= threshold {
                    #expect(covered >= threshold, "hidden cells together cover \(covered) in \(cells)")
                }
            }
        }
    }
}
