import Foundation

/// Finds the built programs and runs them through `sh`, for the end-to-end tests.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where `swift build --build-tests` put the programs: beside the test bundle, or .build/debug.
    static let buildDirectory: URL = {
        let candidates: [URL?] = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ]
        return candidates.compactMap { $0 }.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("mt-preprocess").path)
        } ?? packageRoot.appendingPathComponent(".build/debug")
    }()

    static func binary(_ name: String) -> String { buildDirectory.appendingPathComponent(name).path }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `sh -c script` in `directory` with `binary` as $B.
    static func sh(_ script: String, binary: String, in directory: String) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        p.environment = ProcessInfo.processInfo.environment.merging(["B": binary]) { $1 }
        // Output goes to files: no pipe to drain while the child runs.
        let base = NSTemporaryDirectory() + "mt-cli-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        p.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        p.standardError = FileHandle(forWritingAtPath: base + ".err")
        try p.run()
        p.waitUntilExit()
        let out = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let err = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return Result(status: p.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }
}
