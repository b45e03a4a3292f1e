import Foundation

/// Custom attributes for the demo organisation, with values derived from each demo employee so
/// the same data comes back on every run.
public enum DemoAttributes {
    public static func definitions() throws -> [AttributeDraft] {
        [
            try AttributeDraft(name: "shift", label: "Shift pattern", kind: .list, options: ["day", "evening", "night", "rotating"], sensitive: false,
                               description: "Frontline staff's usual shift, from the workforce-management system."),
            try AttributeDraft(name: "union_member", label: "Union member", kind: .boolean, options: [], sensitive: true,
                               description: "Covered by a collective agreement. HR-only."),
            try AttributeDraft(name: "safety_training_due", label: "Safety training due", kind: .date, options: [], sensitive: false,
                               description: "When the yearly safety refresher is due."),
            try AttributeDraft(name: "remote_days", label: "Remote days per week", kind: .number, options: [], sensitive: false,
                               description: "Agreed days of remote work (desk staff)."),
        ]
    }

    /// Values by HRIS id, then attribute name.
    public static func values(for employees: [Employee]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for employee in employees {
            var random = SplitMix64(seed: UInt64(truncatingIfNeeded: employee.employeeId.hashValueStable))
            var values: [String: String] = [:]
            if employee.workerType == .frontline {
                values["shift"] = ["day", "day", "evening", "night", "rotating"][random.next(below: 5)]
                values["safety_training_due"] = String(format: "2027-%02d-%02d", 1 + random.next(below: 12), 1 + random.next(below: 28))
                if random.chance(0.4) { values["union_member"] = "true" } else if random.chance(0.5) { values["union_member"] = "false" }
            } else {
                values["remote_days"] = String(random.next(below: 4))
            }
            result[employee.employeeId] = values
        }
        return result
    }
}

extension String {
    /// FNV-1a: stable across runs, unlike `hashValue`.
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
