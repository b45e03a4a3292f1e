/// The authenticated caller of a request.
public struct Identity: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        /// A browser session; `csrfToken` must accompany every state-changing form.
        case session(id: String, csrfToken: String)
        /// A personal API token (bearer); not cookie-based, so no CSRF check applies.
        case apiToken(id: Int64)
        /// A SCIM provisioning token: grants `/scim/v2/*` and nothing else (no roles, no user).
        case scimToken(id: Int64)
        /// An employee's browser session, begun from a magic link: their own feed and
        /// preferences only, never a staff route. `userID` is 0; `employeeID` names the person.
        case employeeSession(id: String, csrfToken: String)
    }

    public let userID: Int64
    public let email: String
    public let displayName: String
    public let roles: Set<Role>
    public let mustChangePassword: Bool
    public let credential: Credential
    /// The employee (in `employees`) this caller reads the feed as, when there is one.
    public let employeeID: Int64?

    public init(
        userID: Int64, email: String, displayName: String, roles: Set<Role>, mustChangePassword: Bool,
        credential: Credential, employeeID: Int64? = nil
    ) {
        self.userID = userID
        self.email = email
        self.displayName = displayName
        self.roles = roles
        self.mustChangePassword = mustChangePassword
        self.credential = credential
        self.employeeID = employeeID
    }

    public func has(_ role: Role) -> Bool { roles.contains(.admin) || roles.contains(role) }

    public var csrfToken: String? {
        switch credential {
        case .session(_, let token), .employeeSession(_, let token): return token
        case .apiToken, .scimToken: return nil
        }
    }

    public var isSession: Bool { csrfToken != nil }

    /// A SCIM client (identity provider or HRIS connector), not a person.
    public var isSCIM: Bool {
        if case .scimToken = credential { return true }
        return false
    }

    /// An employee signed in by magic link: not a staff user.
    public var isEmployeeOnly: Bool {
        if case .employeeSession = credential { return true }
        return false
    }
}
