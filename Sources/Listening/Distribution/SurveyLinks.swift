public import TandemStore

/// Each invitee's own link to a survey, `/s/sv.{survey}.{employee}.{signature}`: it opens the
/// survey for that person without signing in (frontline staff often have no password), and a
/// changed number breaks the signature. It names the invitation, never a response.
public struct SurveyLinks: Sendable {
    let signer: LinkSigner
    let baseURL: String

    public init(signer: LinkSigner, baseURL: String) {
        self.signer = signer
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func link(survey: Int64, employee: Int64) async throws -> String {
        baseURL + "/s/" + (try await signer.sign("sv", [survey, employee]))
    }

    /// The survey and person a token names, or nil when it was changed or cut.
    public func verify(_ token: String) async throws -> (survey: Int64, employee: Int64)? {
        guard let ids = try await signer.verify(token, kind: "sv", count: 2) else { return nil }
        return (ids[0], ids[1])
    }
}
