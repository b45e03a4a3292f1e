public import TandemCore

/// A one-line message shown at the top of the next page (after a redirect).
public struct Flash: Sendable, Equatable {
    public enum Kind: String, Sendable { case success, error, info }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// What every page needs to draw its frame: who is looking, the CSRF token, where we are.
public struct PageContext: Sendable {
    public let identity: Identity?
    public let csrfToken: String
    public let path: String
    public var flash: Flash?

    public init(identity: Identity?, csrfToken: String, path: String, flash: Flash? = nil) {
        self.identity = identity
        self.csrfToken = csrfToken
        self.path = path
        self.flash = flash
    }
}
