import Foundation
import MTCore

/// One line of the training log: a training interval or a validation.
public struct TrainingLogRecord: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case train, validation
    }

    public var kind: Kind
    public var epoch: Int
    public var step: Int
    /// Mean loss per target token over the interval.
    public var loss: Double?
    public var perplexity: Double?
    /// Target tokens per second over the interval.
    public var tokensPerSecond: Double?
    public var learningRate: Double?
    /// Seconds since training started (across resumes when the caller carries it over).
    public var elapsed: Double
    public var validationPerplexity: Double?
    public var validationBLEU: Double?

    public init(
        kind: Kind, epoch: Int, step: Int, loss: Double? = nil, perplexity: Double? = nil,
        tokensPerSecond: Double? = nil, learningRate: Double? = nil, elapsed: Double,
        validationPerplexity: Double? = nil, validationBLEU: Double? = nil
    ) {
        self.kind = kind
        self.epoch = epoch
        self.step = step
        self.loss = loss
        self.perplexity = perplexity
        self.tokensPerSecond = tokensPerSecond
        self.learningRate = learningRate
        self.elapsed = elapsed
        self.validationPerplexity = validationPerplexity
        self.validationBLEU = validationBLEU
    }

    /// The TSV cells, empty where a value does not apply.
    public var cells: [String] {
        func f(_ v: Double?, _ format: String) -> String {
            guard let v else { return "" }
            return v.isFinite ? String(format: format, v) : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
        }
        return [
            kind.rawValue, String(epoch), String(step), f(loss, "%.4f"), f(perplexity, "%.3f"),
            f(tokensPerSecond, "%.0f"), f(learningRate, "%.4g"), f(elapsed, "%.1f"),
            f(validationPerplexity, "%.3f"), f(validationBLEU, "%.2f"),
        ]
    }
}

/// A tab-separated training log: one header line, then one line per record, each
/// handed to the operating system as it is written so the file is always current
/// (`tail -f` works, a crash loses nothing logged).
public final class TrainingLog {
    public static let columns = [
        "kind", "epoch", "step", "loss", "perplexity", "tokens_per_sec", "learning_rate", "elapsed_sec",
        "val_perplexity", "val_bleu",
    ]

    public let path: String
    private var fd: Int32

    /// Opens `path`, replacing it, or with `resumingAt` (a resumed run's step) adding to it
    /// after dropping the records of later steps: the run that wrote them was stopped
    /// before its next checkpoint, so the resumed run does those steps again and logs
    /// them itself. The header is written whenever the file starts empty.
    public init(path: String, resumingAt step: Int? = nil) throws {
        self.path = path
        if let step { try Self.dropRecords(after: step, in: path) }
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (step != nil ? O_APPEND : O_TRUNC), 0o666)
        guard fd >= 0 else { throw FileError.system("cannot open the training log", path: path) }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size == 0 {
            try writeLine(TrainingLog.columns.joined(separator: "\t"))
        }
    }

    deinit { close() }

    /// Rewrites `path` (atomically) without the records whose step is above `step`; lines
    /// it cannot read as records are kept.
    static func dropRecords(after step: Int, in path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let kept = lines.filter { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cells.count == columns.count, TrainingLogRecord.Kind(rawValue: String(cells[0])) != nil,
                  let s = Int(cells[2]) else { return true }
            return s <= step
        }
        guard kept.count < lines.count else { return }
        do {
            try AtomicFile.write(Array(kept.map { $0 + "\n" }.joined().utf8), to: path)
        } catch {
            throw FileError("cannot rewrite the training log: \(error)", path: path)
        }
    }

    public func write(_ record: TrainingLogRecord) throws {
        try writeLine(record.cells.joined(separator: "\t"))
    }

    private func writeLine(_ line: String) throws {
        guard fd >= 0 else { throw FileError("the training log is closed", path: path) }
        var line = line + "\n"
        guard line.withUTF8({ writeAll(fd, UnsafeRawBufferPointer($0)) }) else {
            throw FileError.system("cannot write the training log", path: path)
        }
    }

    public func close() {
        if fd >= 0 {
            _ = Foundation.close(fd)
            fd = -1
        }
    }
}
