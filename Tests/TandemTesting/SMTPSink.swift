public import Foundation

/// scripts/smtp-sink.py (aiosmtpd) run for one test: a real SMTP server on a free port that logs
/// each message it accepted, parsed by Python's email package.
public final class SMTPSink: Sendable {
    let sink: SinkProcess
    public var port: Int { sink.port }

    /// Present when aiosmtpd can be imported; CI sets TANDEM_REQUIRE_SMTP=1 so a missing sink
    /// fails there instead of skipping.
    public static let available: Bool = {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import aiosmtpd, cryptography"]
        check.standardError = FileHandle.nullDevice
        check.standardOutput = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return false }
        check.waitUntilExit()
        return check.terminationStatus == 0 || ProcessInfo.processInfo.environment["TANDEM_REQUIRE_SMTP"] == "1"
    }()

    public init(tls: Bool = false, auth: String? = nil, mechanisms: String? = nil, lean: Bool = false) throws {
        sink = try SinkProcess(script: "smtp-sink.py",
                               failure: "scripts/smtp-sink.py did not start; install its requirements: python3 -m pip install -r e2e/requirements.txt") { folder in
            var arguments: [String] = []
            if tls { arguments += ["--tls-dir", folder.appendingPathComponent("tls").path] }
            if let auth { arguments += ["--auth", auth] }
            if let mechanisms { arguments += ["--auth-mechanisms", mechanisms] }
            if lean { arguments.append("--lean") }
            return arguments
        }
    }

    /// The self-signed certificate the sink offers with `tls`.
    public var certificate: String { sink.directory.appendingPathComponent("tls/cert.pem").path }

    /// The messages accepted so far, as the sink logged them.
    public func messages() throws -> [[String: Any]] { try sink.records() }

    public func stop() { sink.stop() }
}
