public import Engagement
import Foundation

/// Per-person tracking for one email: the tracking image, and tracked forms of the call to
/// action and the read link when their hosts are on the allow-list (other links go out as they
/// are, so the redirector is never asked to lead somewhere it would refuse).
public struct EmailTracking: Sendable {
    let tokens: TrackingTokens
    let allowed: LinkAllowList
    let baseURL: String

    public init(tokens: TrackingTokens, allowed: LinkAllowList, baseURL: String) {
        self.tokens = tokens
        self.allowed = allowed
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    func tracking(for prepared: EmailComposer.Prepared, post: Int64, employee: Int64) async throws -> EmailComposer.Tracking {
        let pixel = baseURL + "/t/o/" + (try await tokens.event(post: post, employee: employee, channel: .email))
        var links: [String: String] = [:]
        for url in [prepared.callToAction?.url, prepared.readLink].compactMap({ $0 }) where allowed.allows(url) {
            let token = try await tokens.click(post: post, employee: employee, channel: .email, url: url)
            links[url] = baseURL + "/t/c/" + token + "?u=" + (url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? url)
        }
        return EmailComposer.Tracking(pixel: pixel, links: links)
    }
}
