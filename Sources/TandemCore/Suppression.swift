/// Hides breakdown cells over too few people (DESIGN.md §6).
///
/// A cell whose population is under the threshold is hidden. Because the table's total is
/// shown, hiding one cell is not enough (total minus the others gives it back), so more cells
/// are hidden, smallest first, until the hidden cells together cover at least the threshold and
/// number at least two: what can be worked out by subtraction is then an aggregate over enough
/// people. Populations of zero are left alone: there is nobody to reveal.
public struct Suppression: Sendable, Equatable {
    /// The fewest people an aggregate may describe. Configurable, never below 3.
    public let threshold: Int

    public static let minimum = 3
    public static let standard = 5

    public init(threshold: Int = Suppression.standard) {
        self.threshold = max(Self.minimum, threshold)
    }

    /// The indices of `populations` to hide.
    public func hidden(_ populations: [Int]) -> Set<Int> {
        var hidden = Set(populations.indices.filter { populations[$0] > 0 && populations[$0] < threshold })
        guard !hidden.isEmpty else { return [] }
        let byPopulation = populations.indices.filter { populations[$0] > 0 }.sorted { (populations[$0], $0) < (populations[$1], $1) }
        var covered = hidden.reduce(0) { $0 + populations[$1] }
        for index in byPopulation where !hidden.contains(index) {
            if hidden.count >= 2 && covered >= threshold { break }
            hidden.insert(index)
            covered += populations[index]
        }
        return hidden
    }

    /// Whether a single group of `population` people may be shown on its own.
    public func allows(_ population: Int) -> Bool {
        population == 0 || population >= threshold
    }
}
