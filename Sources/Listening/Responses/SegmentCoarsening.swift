public import TandemCore

/// Breakdown values for survey invitations, coarsened so no stored combination describes fewer
/// than the threshold of people invited. Responses copy their invitation's values, so an
/// anonymous response can be narrowed down to a group of at least that many people and no
/// further.
///
/// The same attributes are kept for everyone (finest first: all four, then without site, then
/// also without department, …): the first choice under which at most a fifth of the people fall
/// in small groups wins. Small groups then become "Other" in every attribute, and more groups
/// join them (smallest first, `Suppression.hidden`) until "Other" holds at least the threshold
/// too, so it cannot be recovered by subtraction either.
public struct SegmentCoarsening: Sendable {
    public struct Values: Hashable, Sendable {
        public var country: String, department: String, site: String, workerType: String
        public init(country: String, department: String, site: String, workerType: String) {
            self.country = country
            self.department = department
            self.site = site
            self.workerType = workerType
        }
    }

    public static let other = "Other"
    public static let hidden = "—"
    let suppression: Suppression

    public init(threshold: Int) {
        suppression = Suppression(threshold: threshold)
    }

    /// Which attributes each choice keeps, finest first.
    static let choices: [(country: Bool, department: Bool, site: Bool, workerType: Bool)] = [
        (true, true, true, true), (true, true, false, true), (true, false, false, true), (false, false, false, true), (false, false, false, false),
    ]

    /// The coarsened values, in the order of `people`.
    public func coarsen(_ people: [Values]) -> [Values] {
        guard !people.isEmpty else { return [] }
        for (index, keep) in Self.choices.enumerated() {
            let keyed = people.map { person in
                Values(country: keep.country ? person.country : Self.hidden, department: keep.department ? person.department : Self.hidden,
                       site: keep.site ? person.site : Self.hidden, workerType: keep.workerType ? person.workerType : Self.hidden)
            }
            var sizes: [Values: Int] = [:]
            for key in keyed { sizes[key, default: 0] += 1 }
            let groups = Array(sizes.keys)
            let hidden = suppression.hidden(groups.map { sizes[$0]! })
            let hiddenPeople = hidden.reduce(0) { $0 + sizes[groups[$1]]! }
            guard hiddenPeople * 5 <= people.count || index == Self.choices.count - 1 else { continue }
            let merged = Set(hidden.map { groups[$0] })
            let other = Values(country: keep.country ? Self.other : Self.hidden, department: keep.department ? Self.other : Self.hidden,
                               site: keep.site ? Self.other : Self.hidden, workerType: keep.workerType ? Self.other : Self.hidden)
            return keyed.map { merged.contains($0) ? other : $0 }
        }
        return people
    }
}
