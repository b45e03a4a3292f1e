public import Foundation
public import Hummingbird
public import NIOCore

/// Per-request state shared by middleware and handlers.
public struct TandemContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by the authentication middleware.
    public var identity: Identity?
    /// Address of the peer; replaced by X-Forwarded-For only when the operator trusts a proxy.
    public var remoteAddress: SocketAddress?
    public var bodyLimit: Int = 10 * 1_048_576
    /// Cookies get `Secure` when Tandem is served over HTTPS (`--public-url https://…`).
    public var secureCookies = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { bodyLimit }

    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    /// A printable client address for rate limiting.
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    public func requireIdentity() throws -> Identity {
        guard let identity else { throw AppError.unauthenticated }
        return identity
    }
}
