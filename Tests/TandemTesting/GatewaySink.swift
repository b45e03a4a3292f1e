public import Foundation

/// scripts/gateway-sink.py run for one test: a real HTTP server standing in for an SMS gateway
/// (and chat/webhook endpoints) that logs each request it received and answers by recipient.
public final class GatewaySink: Sendable {
    public let port: Int
    let directory: URL
    let process: Process

    public init(token: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/gateway-sink.py")
        var arguments = ["python3", script.path, "--port", "0", "--log", directory.appendingPathComponent("log.jsonl").path,
                         "--ready", directory.appendingPathComponent("ready").path]
        if let token { arguments += ["--token", token] }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: directory.appendingPathComponent("ready"), encoding: .utf8), let value = Int(text) { port = value; break }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            process.terminate()
            throw Failed()
        }
        self.port = port
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String { "scripts/gateway-sink.py did not start (it needs python3)" }
    }

    public var url: String { "http://127.0.0.1:\(port)/2010-04-01/Accounts/AC123/Messages.json" }

    /// The requests received so far.
    public func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("log.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw Failed() }
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
