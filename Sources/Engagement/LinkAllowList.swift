public import Foundation

/// Which hosts tracked links may lead to: Tandem's own and those the operator lists
/// (`TANDEM_TRACKED_LINK_HOSTS`). Relative paths on Tandem itself are always fine.
public struct LinkAllowList: Sendable {
    let hosts: Set<String>

    public init(baseURL: String, hosts: [String]) {
        var all = Set(hosts.map { $0.lowercased() })
        if let own = URL(string: baseURL)?.host?.lowercased() { all.insert(own) }
        self.hosts = all
    }

    public func allows(_ target: String) -> Bool {
        if target.hasPrefix("/") && !target.hasPrefix("//") && !target.contains("\\") { return true }
        guard let url = URL(string: target), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host?.lowercased(), url.user == nil else { return false }
        return hosts.contains(host)
    }
}
