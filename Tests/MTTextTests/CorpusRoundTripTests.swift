import Foundation
import Testing
@testable import MTText

/// The shared corpora: ../shared/corpora from the package root (where CI clones
/// them), or the directory in MT_SHARED_CORPORA. Tests skip when neither exists.
enum SharedCorpora {
    static let directory: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [ProcessInfo.processInfo.environment["MT_SHARED_CORPORA"],
                          root.deletingLastPathComponent().appendingPathComponent("shared/corpora").path]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    static var files: [String] {
        guard let dir = directory, let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return e.compactMap { $0 as? String }.sorted().map { dir + "/" + $0 }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue
        }
    }
}

@Suite(.enabled(if: SharedCorpora.directory != nil, "shared corpora not found"))
struct CorpusRoundTripTests {
    @Test func everyLineOfEveryFileRoundTrips() throws {
        let files = SharedCorpora.files
        #expect(!files.isEmpty)
        let failures = inParallelFiles(files) { path -> (Int, Int, String?) in
            let tokenizer = try! WordTokenizer()
            let reader = try! LineReader(path: path) { _, _ in }
            var lines = 0, failed = 0
            var first: String? = nil
            while let line = try! reader.nextLine() {
                lines += 1
                let tokens = [Token](textForm: tokenizer.tokenize(line).textForm)
                if tokens.detokenized != tokenizer.normalize(line) {
                    failed += 1
                    if first == nil { first = "\(path):\(reader.lineNumber)" }
                }
            }
            return (lines, failed, first)
        }
        let total = failures.reduce(0) { $0 + $1.0 }
        #expect(total > 100_000)
        for f in failures { #expect(f.1 == 0, "first failure at \(f.2 ?? "")") }
    }
}

func inParallelFiles<R>(_ files: [String], _ body: (String) -> R) -> [R] {
    var results = [R?](repeating: nil, count: files.count)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
        let r = body(files[i])
        lock.lock(); results[i] = r; lock.unlock()
    }
    return results.map { $0! }
}
