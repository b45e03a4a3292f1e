import Foundation

/// One of the scripts/ stand-in servers, run for one test: started on a free port in a folder of
/// its own, which holds the JSON-lines log of what it received.
final class SinkProcess: Sendable {
    let port: Int
    let directory: URL
    let process: Process

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `scripts/<script>` with `--port 0 --log … --ready …` and `arguments(folder)`.
    init(script: String, failure: String, arguments: (URL) -> [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(script)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts").appendingPathComponent(script).path
        let ready = directory.appendingPathComponent("ready")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path, "--port", "0", "--log", directory.appendingPathComponent("log.jsonl").path, "--ready", ready.path]
            + arguments(directory)
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let value = Int(text) { port = value; break }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            process.terminate()
            throw Failed(description: failure)
        }
        self.port = port
    }

    /// What the server logged so far, one object per line.
    func records() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("log.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failed(description: "a log line that is not a JSON object: \(line.prefix(100))")
            }
            return object
        }
    }

    func stop() {
        process.terminate()
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
