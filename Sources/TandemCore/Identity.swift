/// The authenticated caller of a request.
public struct Identity: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        /// A browser session; `csrfToken` must accompany every state-changing form.
        case session(id: String, csrfToken: String)
        /// A personal API token (bearer); not cookie-based, so no CSRF check applies.
        case apiToken(id: Int64)
        /// A SCIM provisioning token: grants `/scim/v2/*` and nothing else (no roles, no user).
        case scimToken(id: Int64)
    }

    public let userID: Int64
    public let email: String
    public let displayName: String
    public let roles: Set<Role>
    public let mustChangePassword: Bool
    public let credential: Credential

    public init(
        userID: Int64, email: String, displayName: String, roles: Set<Role>, mustChangePassword: Bool,
        credential: Credential
    ) {
        self.userID = userID
        self.email = email
        self.displayName = displayName
        self.roles = roles
        self.mustChangePassword = mustChangePassword
        self.credential = credential
    }

    public func has(_ role: Role) -> Bool { roles.contains(.admin) || roles.contains(role) }

    public var csrfToken: String? {
        if case .session(_, let token) = credential { return token }
        return nil
    }

    public var isSession: Bool { csrfToken != nil }

    /// A SCIM client (identity provider or HRIS connector), not a person.
    public var isSCIM: Bool {
        if case .scimToken = credential { return true }
        return false
    }
}
