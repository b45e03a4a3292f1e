public import Foundation

/// scripts/smtp-sink.py (aiosmtpd) run for one test: a real SMTP server on a free port that logs
/// each message it accepted, parsed by Python's email package.
public final class SMTPSink: Sendable {
    public let port: Int
    let directory: URL
    let process: Process

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

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/smtp-sink.py")
    }

    public init(tls: Bool = false, auth: String? = nil, mechanisms: String? = nil, lean: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["python3", Self.script.path, "--port", "0", "--log", directory.appendingPathComponent("log.jsonl").path,
                         "--ready", directory.appendingPathComponent("ready").path]
        if tls { arguments += ["--tls-dir", directory.appendingPathComponent("tls").path] }
        if let auth { arguments += ["--auth", auth] }
        if let mechanisms { arguments += ["--auth-mechanisms", mechanisms] }
        if lean { arguments.append("--lean") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let ready = directory.appendingPathComponent("ready")
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let value = Int(text) { port = value; break }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            process.terminate()
            throw SinkFailed()
        }
        self.port = port
    }

    struct SinkFailed: Error, CustomStringConvertible {
        var description: String { "scripts/smtp-sink.py did not start; install its requirements: python3 -m pip install -r e2e/requirements.txt" }
    }

    public var certificate: String { directory.appendingPathComponent("tls/cert.pem").path }

    /// The messages accepted so far, as the sink logged them.
    public func messages() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("log.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw SinkFailed() }
            return object
        }
    }

    public func stop() {
        process.terminate()
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
