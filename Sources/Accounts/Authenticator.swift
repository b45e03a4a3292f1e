public import Foundation
public import Hummingbird
public import TandemCore

/// Another kind of bearer token (such as SCIM provisioning tokens), recognised by its prefix.
public protocol BearerTokenResolver: Sendable {
    /// Secrets starting with this are resolved here and never by the personal-token store.
    var secretPrefix: String { get }
    func identity(forSecret secret: String) async throws -> Identity?
}

/// Another kind of browser session (employee sessions begun from a magic link), recognised by
/// the prefix of the session cookie's value.
public protocol SessionCookieResolver: Sendable {
    var cookiePrefix: String { get }
    func identity(forToken token: String) async throws -> Identity?
}

/// Finds the employee record of a staff member, so staff who are also employees read their own
/// feed with their staff session.
public protocol StaffEmployeeLinker: Sendable {
    func employeeID(forStaffEmail email: String) async throws -> Int64?
}

/// Resolves the caller from `Authorization: Bearer …` or the session cookie and puts the
/// identity on the context. It never rejects: the route table decides who may pass.
public struct Authenticator: RouterMiddleware {
    public typealias Context = TandemContext
    let sessions: SessionStore
    let tokens: TokenStore
    let cache: IdentityCache
    let resolvers: [any BearerTokenResolver]
    let cookieResolvers: [any SessionCookieResolver]
    let linker: (any StaffEmployeeLinker)?

    public init(sessions: SessionStore, tokens: TokenStore, cache: IdentityCache, resolvers: [any BearerTokenResolver] = [],
                cookieResolvers: [any SessionCookieResolver] = [], linker: (any StaffEmployeeLinker)? = nil) {
        self.linker = linker
        self.sessions = sessions
        self.tokens = tokens
        self.cache = cache
        self.resolvers = resolvers
        self.cookieResolvers = cookieResolvers
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw AppError(.unauthorized, code: "unauthenticated", message: "Use 'Authorization: Bearer <token>' with a personal API token.")
            }
            let secret = String(parts[1]).trimmed
            let resolver = resolvers.first { secret.hasPrefix($0.secretPrefix) }
            guard let identity = try await resolve("t:" + secret, {
                if let resolver { return try await resolver.identity(forSecret: secret) }
                return try await tokens.identity(forSecret: secret)
            }) else {
                throw AppError(.unauthorized, code: "invalid_token", message: "The API token is unknown or revoked. Create a new one under Account → API tokens.")
            }
            context.identity = identity
        } else if let cookie = request.cookies[Cookies.session]?.value, !cookie.isEmpty, cookie.count < 200 {
            let resolver = cookieResolvers.first { cookie.hasPrefix($0.cookiePrefix) }
            context.identity = try await resolve("s:" + cookie, {
                if let resolver { return try await resolver.identity(forToken: cookie) }
                guard let staff = try await sessions.identity(forToken: cookie) else { return nil }
                guard let linker, let employeeID = try await linker.employeeID(forStaffEmail: staff.email) else { return staff }
                return Identity(userID: staff.userID, email: staff.email, displayName: staff.displayName, roles: staff.roles,
                                mustChangePassword: staff.mustChangePassword, credential: staff.credential, employeeID: employeeID)
            })
        }
        return try await next(request, context)
    }

    private func resolve(_ key: String, _ load: () async throws -> Identity?) async throws -> Identity? {
        let cacheKey = Secrets.sha256Hex(key)
        if let cached = cache.lookup(cacheKey) { return cached }
        let identity = try await load()
        cache.store(identity, for: cacheKey)
        return identity
    }
}
