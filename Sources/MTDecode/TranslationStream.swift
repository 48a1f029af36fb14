import Foundation
import MTCore
import MTTensor
import MTText

/// Streams lines through a translator: a reader thread takes lines from the input as
/// they come; the translator takes `chunkSize` lines, or fewer when the input ends or
/// pauses, translates them, writes and flushes. So output appears while input is still
/// being read, a pause in the input never holds back lines already read, and input that
/// keeps flowing (a file, a pipe from a fast producer) is cut into the same chunks on
/// every run, so its output does not depend on thread timing. One output line per input
/// line (nBest with n-best output), in input order.
///
/// Target text (prefixes, or the targets to score) comes after a tab in each input line or
/// from a second file read line for line with the input (`TargetText`).
public final class TranslationStream<T: Real> {
    public let translator: Translator<T>
    public var chunkSize: Int
    /// How long the input must stay silent before a partial chunk is translated.
    public var pause: TimeInterval
    /// Target subwords of the best translations written so far, with `</s>` when produced.
    public internal(set) var targetTokens = 0

    public init(translator: Translator<T>, chunkSize: Int, pause: TimeInterval = 0.25) {
        precondition(chunkSize > 0)
        self.translator = translator
        self.chunkSize = chunkSize
        self.pause = pause
    }

    /// Where each input's target text comes from.
    public enum TargetText {
        case none
        /// `SOURCE<TAB>TARGET` lines (a line without a tab has no target text).
        case afterTab
        /// Line n of this file goes with input line n; the two must have as many lines.
        case file(LineReader)
    }

    /// Translates everything `reader` yields. `warn` gets warnings (with their location
    /// `name:line`) about cut lines. Returns the number of lines translated. When scoring,
    /// a non-empty input line without target text is an error.
    @discardableResult
    public func run(reader: LineReader, targets: TargetText = .none, output: LineWriter, attention: LineWriter?,
                    warn: @escaping (String) -> Void) throws -> Int {
        // A few chunks ahead at most: memory stays that of a few chunks however long the input.
        let queue = LineQueue(capacity: 4 * chunkSize)
        let scoring = translator.options.scoring
        let thread = Thread {
            do {
                var number = 0
                while let line = try reader.nextLine() {
                    number += 1
                    let input: TranslationInput
                    switch targets {
                    case .none: input = TranslationInput(source: line)
                    case .afterTab: input = TranslationInput(tabSeparated: line)
                    case .file(let file):
                        guard let target = try file.nextLine() else {
                            throw ProgramError("\(file.name) has fewer lines than the input", at: "\(reader.name):\(number)")
                        }
                        input = TranslationInput(source: line, target: target)
                    }
                    if scoring && input.target == nil && !line.isEmpty {
                        throw ProgramError("no target to score (expected SOURCE<TAB>TARGET)", at: "\(reader.name):\(number)")
                    }
                    queue.push(input)
                }
                if case .file(let file) = targets, try file.nextLine() != nil {
                    throw ProgramError("\(file.name) has more lines than the input", at: "\(file.name):\(number + 1)")
                }
                queue.finish(error: nil)
            } catch {
                queue.finish(error: error)
            }
        }
        thread.stackSize = 1 << 22
        thread.start()
        let options = translator.options
        let nBest = options.nBestFormat ? options.search.nBest : nil
        var index = 0
        while true {
            let (lines, end, error) = queue.take(max: chunkSize, pause: pause)
            if !lines.isEmpty {
                let translations = translator.translations(lines, firstIndex: index) { message, i in
                    warn("\(message) (\(reader.name):\(i + 1))")
                }
                for t in translations {
                    targetTokens += t.outputs.first?.targetTokens.count ?? 0
                    if scoring {
                        try output.write(line: TranslationFormat.scoreLine(
                            t, tokenScores: options.tokenScores, alignment: options.alignment))
                    } else {
                        for line in TranslationFormat.lines(t, nBest: nBest, alignment: options.alignment) {
                            try output.write(line: line)
                        }
                    }
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

extension TranslationStream {
    /// Translates the whole of what `reader` yields as one text (an HTML document, with
    /// `options.format` html) and writes its translation as it is. Returns 1.
    public func runDocument(reader: LineReader, output: LineWriter, attention: LineWriter?,
                            warn: @escaping (String) -> Void) throws -> Int {
        let text = try reader.remainingText()
        let translations = translator.translations([TranslationInput(source: text)], firstIndex: 0) { message, _ in
            warn("\(message) (\(reader.name))")
        }
        let t = translations[0]
        targetTokens += t.outputs.first?.targetTokens.count ?? 0
        try output.write(text: t.outputs.first?.text ?? text)
        try output.flush()
        try attention?.write(line: TranslationFormat.attentionJSON(t))
        try attention?.flush()
        return 1
    }
}

/// Inputs handed from the reader thread to the translator, at most `capacity` at a time:
/// the reader waits while the queue is full.
final class LineQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [TranslationInput] = []
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

    func push(_ line: TranslationInput) {
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
    func take(max: Int, pause: TimeInterval) -> (lines: [TranslationInput], end: Bool, error: Error?) {
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
