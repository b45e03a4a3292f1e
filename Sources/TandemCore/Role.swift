/// A role a user can hold. Staff hold one or more; every employee implicitly holds `employee`.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin, hr, comms, marketing, approver, analyst, employee

    /// Roles an admin may grant to a staff account.
    public static let staff: [Role] = [.admin, .hr, .comms, .marketing, .approver, .analyst]

    public var title: String {
        switch self {
        case .admin: "Administrator"
        case .hr: "HR partner"
        case .comms: "Internal Communications"
        case .marketing: "Marketing"
        case .approver: "Approver"
        case .analyst: "Analyst (read-only)"
        case .employee: "Employee"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who may call a route. Admins pass every role check (DESIGN.md §2: "admin can do everything").
public enum Access: Sendable, Hashable {
    case anyone
    case signedIn
    /// Anyone reading a personal feed: an employee session, or staff linked to an employee.
    case employee
    case roles(Set<Role>)
    /// SCIM provisioning clients only; staff sessions and API tokens never pass, and a SCIM
    /// token passes nothing but this (it is not "signed in" as a person).
    case scim

    public static func only(_ roles: Role...) -> Access { .roles(Set(roles)) }

    public func allows(_ identity: Identity?) -> Bool {
        switch self {
        case .anyone: return true
        case .signedIn: return identity.map { !$0.isSCIM && !$0.isEmployeeOnly } ?? false
        case .employee: return identity?.employeeID != nil
        case .scim: return identity?.isSCIM ?? false
        case .roles(let needed):
            guard let identity, !identity.isSCIM, !identity.isEmployeeOnly else { return false }
            return identity.roles.contains(.admin) || !identity.roles.isDisjoint(with: needed)
        }
    }

    public var summary: String {
        switch self {
        case .anyone: "anyone"
        case .signedIn: "any signed-in staff user"
        case .employee: "the employee themself (magic-link session, or staff linked to an employee record)"
        case .roles(let roles): roles.sorted().map(\.rawValue).joined(separator: ", ") + " (and admin)"
        case .scim: "SCIM provisioning tokens only"
        }
    }
}
