public import Audit
public import Foundation
public import TandemCore

/// Checks a password sign-in, applying the throttle, and opens a session.
public struct SignInService: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let throttle: SignInThrottle
    let hasher: PasswordHasher
    let sessionLifetime: Duration

    public init(users: UserStore, sessions: SessionStore, throttle: SignInThrottle, hasher: PasswordHasher, sessionLifetime: Duration) {
        self.users = users
        self.sessions = sessions
        self.throttle = throttle
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
    }

    public static let wrongCredentials = AppError(
        .unauthorized, code: "wrong_credentials", message: "The email or password is not right. Check both and try again.")

    public func signIn(email rawEmail: String, password: String, address: String, requestID: String?) async throws -> (User, SessionStore.Created) {
        let email = rawEmail.trimmed.lowercased()
        guard !email.isEmpty, !password.isEmpty else {
            throw AppError.invalid(email.isEmpty ? "email" : "password", "Enter your email and password.")
        }
        try await throttle.check(email: email, address: address)
        guard let user = try await users.find(email: email), user.isActive,
            let hash = try await users.passwordHash(for: user.id)
        else {
            try await hasher.verifyAgainstDummy(password)
            try await throttle.recordFailure(email: email, address: address)
            throw Self.wrongCredentials
        }
        guard try await hasher.verify(password, against: hash) else {
            try await throttle.recordFailure(email: email, address: address)
            throw Self.wrongCredentials
        }
        try await throttle.reset(email: email)
        try await users.recordSignIn(user.id)
        let actor = AuditActor(userID: user.id, label: user.email, channel: .web, requestID: requestID)
        let session = try await sessions.create(userID: user.id, email: user.email, lifetime: sessionLifetime, by: actor)
        return (user, session)
    }
}
