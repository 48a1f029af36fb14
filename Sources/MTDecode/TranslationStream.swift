import Foundation
import MTTensor
import MTText

/// Streams lines through a translator: a reader thread takes lines from the input as
/// they come; the translator takes `chunkSize` lines, or fewer when the input ends or
/// pauses, translates them, writes and flushes. So output appears while input is still
/// being read, a pause in the input never holds back lines already read, and input that
/// keeps flowing (a file, a pipe from a fast producer) is cut into the same chunks on
/// every run, so its output does not depend on thread timing. One output line per input
/// line (nBest with n-best output), in input order.
public final class TranslationStream<T: Real> {
    public let translator: Translator<T>
    public var chunkSize: Int
    /// How long the input must stay silent before a partial chunk is translated.
    public var pause: TimeInterval
    /// Target subwords of the best translations written so far, with `</s>` when produced.
    public private(set) var targetTokens = 0

    public init(translator: Translator<T>, chunkSize: Int, pause: TimeInterval = 0.25) {
        precondition(chunkSize > 0)
        self.translator = translator
        self.chunkSize = chunkSize
        self.pause = pause
    }

    /// Translates everything `reader` yields. `warn` gets warnings (with their location
    /// `name:line`) about cut lines. Returns the number of lines translated.
    @discardableResult
    public func run(reader: LineReader, output: LineWriter, attention: LineWriter?,
                    warn: @escaping (String) -> Void) throws -> Int {
        // A few chunks ahead at most: memory stays that of a few chunks however long the input.
        let queue = LineQueue(capacity: 4 * chunkSize)
        let thread = Thread {
            do {
                while let line = try reader.nextLine() { queue.push(line) }
                queue.finish(error: nil)
            } catch {
                queue.finish(error: error)
            }
        }
        thread.stackSize = 1 << 22
        thread.start()
        let nBest = translator.options.nBestFormat ? translator.options.search.nBest : nil
        var index = 0
        while true {
            let (lines, end, error) = queue.take(max: chunkSize, pause: pause)
            if !lines.isEmpty {
                let translations = translator.translations(lines, firstIndex: index) { message, i in
                    warn("\(message) (\(reader.name):\(i + 1))")
                }
                for t in translations {
                    targetTokens += t.outputs.first?.targetTokens.count ?? 0
                    for line in TranslationFormat.lines(t, nBest: nBest) { try output.write(line: line) }
                    try attention?.write(line: TranslationFormat.attentionJSON(t))
                }
                try output.flush()
                try attention?.flush()
                index += lines.count
            }
            if let error { throw error }
            if end { return index }
        }
    }
}

/// Lines handed from the reader thread to the translator, at most `capacity` at a time:
/// the reader waits while the queue is full.
final class LineQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [String] = []
    private var ended = false
    private var error: Error?
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Lines waiting to be taken.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return lines.count
    }

    func push(_ line: String) {
        condition.lock()
        while lines.count >= capacity { condition.wait() }
        lines.append(line)
        condition.broadcast()
        condition.unlock()
    }

    func finish(error: Error?) {
        condition.lock()
        ended = true
        self.error = error
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for `max` lines, the end, or a silence of `pause` seconds after at least one
    /// line (a full queue counts as `max` lines); takes up to `max` lines.
    func take(max: Int, pause: TimeInterval) -> (lines: [String], end: Bool, error: Error?) {
        condition.lock()
        defer { condition.unlock() }
        while lines.isEmpty && !ended { condition.wait() }
        while lines.count < Swift.min(max, capacity) && !ended {
            if !condition.wait(until: Date(timeIntervalSinceNow: pause)) { break }
        }
        let n = Swift.min(max, lines.count)
        let taken = Array(lines[0..<n])
        lines.removeFirst(n)
        condition.broadcast()
        return (taken, ended && lines.isEmpty, lines.isEmpty ? error : nil)
    }
}
