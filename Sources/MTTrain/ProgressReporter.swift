import Foundation

/// Seconds on a monotonic clock, for rates and ETAs that wall-clock jumps cannot upset.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// What the progress line shows.
public struct TrainingStatus: Equatable, Sendable {
    public var epoch: Int
    public var step: Int
    public var loss: Double
    public var perplexity: Double
    public var tokensPerSecond: Double
    public var learningRate: Double
    /// Estimated seconds to the end of training, when a limit makes that knowable.
    public var eta: Double?

    public init(
        epoch: Int, step: Int, loss: Double, perplexity: Double, tokensPerSecond: Double,
        learningRate: Double, eta: Double? = nil
    ) {
        self.epoch = epoch
        self.step = step
        self.loss = loss
        self.perplexity = perplexity
        self.tokensPerSecond = tokensPerSecond
        self.learningRate = learningRate
        self.eta = eta
    }

    /// `epoch 3 step 1200 loss 2.3456 ppl 10.45 tok/s 5321 lr 0.001 eta 12m05s`
    public var line: String {
        var s = "epoch \(epoch) step \(step) loss \(String(format: "%.4f", loss)) ppl \(String(format: "%.2f", perplexity))"
        s += " tok/s \(String(format: "%.0f", tokensPerSecond)) lr \(String(format: "%.3g", learningRate))"
        if let eta { s += " eta \(formatDuration(eta))" }
        return s
    }
}

/// "42s", "3m05s", "1h02m", "2d03h"; "?" for a negative or non-finite time.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
}

/// Seconds left, extrapolating the time spent so far to the first limit that will stop
/// training: a step limit, an epoch limit (from the position within the epoch) or a
/// time budget. Nil when nothing limits training or nothing has been done yet.
public func estimatedTimeRemaining(
    elapsed: Double, step: Int, maxSteps: Int, epoch: Int, batchInEpoch: Int, batchesPerEpoch: Int,
    epochs: Int, timeBudget: Double
) -> Double? {
    var fraction: Double?
    func consider(_ f: Double) { fraction = max(fraction ?? 0, min(f, 1)) }
    if maxSteps > 0 { consider(Double(step) / Double(maxSteps)) }
    if epochs > 0, batchesPerEpoch > 0 {
        consider((Double(epoch - 1) + Double(batchInEpoch) / Double(batchesPerEpoch)) / Double(epochs))
    }
    if timeBudget > 0 { consider(elapsed / timeBudget) }
    guard let f = fraction, f > 0, elapsed > 0 else { return nil }
    return elapsed * (1 - f) / f
}

/// Shows training progress on stderr: on a terminal, one live line rewritten in place
/// (`\r` and clear-to-end-of-line) at most `redrawInterval` apart; otherwise (a file,
/// a pipe, CI) a plain line every `logInterval` steps.
public final class ProgressReporter {
    public let isInteractive: Bool
    public let logInterval: Int
    public let redrawInterval: Double
    private let output: (String) -> Void
    private let clock: () -> Double
    private var lastDraw = -Double.infinity
    private var liveLineShown = false

    /// Reports to standard error, live when it is a terminal.
    public convenience init(logInterval: Int) {
        self.init(
            logInterval: logInterval, interactive: isatty(STDERR_FILENO) == 1,
            output: { text in FileHandle.standardError.write(Data(text.utf8)) })
    }

    public init(
        logInterval: Int, interactive: Bool, redrawInterval: Double = 0.2,
        output: @escaping (String) -> Void, clock: @escaping () -> Double = monotonicSeconds
    ) {
        self.logInterval = max(1, logInterval)
        self.isInteractive = interactive
        self.redrawInterval = redrawInterval
        self.output = output
        self.clock = clock
    }

    /// Call after every step; draws or logs when due (or always with `force`).
    public func update(_ status: TrainingStatus, force: Bool = false) {
        if isInteractive {
            let now = clock()
            guard force || now - lastDraw >= redrawInterval else { return }
            lastDraw = now
            output("\r\u{1B}[2K" + status.line)
            liveLineShown = true
        } else if force || status.step % logInterval == 0 {
            output(status.line + "\n")
        }
    }

    /// A message on its own line (validation results, checkpoints, warnings); the
    /// live line is cleared first and comes back with the next update.
    public func message(_ text: String) {
        if isInteractive && liveLineShown {
            output("\r\u{1B}[2K")
            liveLineShown = false
            lastDraw = -Double.infinity
        }
        output(text + "\n")
    }

    /// Ends the live line so later output starts on a fresh line.
    public func finish() {
        if isInteractive && liveLineShown {
            output("\n")
            liveLineShown = false
        }
    }
}
