public import Foundation

/// scripts/gateway-sink.py run for one test: a real HTTP server standing in for an SMS gateway
/// (and chat/webhook endpoints) that logs each request it received and answers by recipient.
public final class GatewaySink: Sendable {
    let sink: SinkProcess
    public var port: Int { sink.port }

    /// `retryAfter` is the Retry-After its 429s carry; tests that check the hold use a long one
    /// so a slow machine cannot outlast it before the check.
    public init(token: String? = nil, retryAfter: Int = 1) throws {
        sink = try SinkProcess(script: "gateway-sink.py", failure: "scripts/gateway-sink.py did not start (it needs python3)") { _ in
            (token.map { ["--token", $0] } ?? []) + ["--retry-after", String(retryAfter)]
        }
    }

    public var url: String { "http://127.0.0.1:\(port)/2010-04-01/Accounts/AC123/Messages.json" }

    /// The requests received so far.
    public func requests() throws -> [[String: Any]] { try sink.records() }

    public func stop() { sink.stop() }
}
