import MTModel
import MTTensor

/// A trainer's part in a job across processes (`mpirun -np N mt-train …`): every rank runs
/// the same loop on the same batches; rank 0 alone writes the model, resume state and log.
///
/// What must agree so that the ranks keep calling the same operations:
/// - the run itself: configuration, data and resume point, compared by hash at the start;
/// - the decision to stop before a step (time budget, a signal): rank 0's is everyone's;
/// - validation: rank 0 validates, the others take its figures (the schedule and early
///   stopping depend on them);
/// - the parameters: every `checkInterval` updates and at every checkpoint a checksum is
///   compared, and a difference stops the job, before a checkpoint could be written.
public final class DistributedTraining {
    public let communicator: any Communicator
    public let summation: GradientSummation
    /// Whether the gradient sum overlaps the backward pass (`DistributedReducer`'s `overlap`).
    public let overlap: Bool
    /// Updates between parameter checks (0: at checkpoints only).
    public let checkInterval: Int
    /// The reducer made for the trainer, for its communication time.
    public private(set) var reducer: DistributedReducer<Float>?

    public init(
        communicator: any Communicator, summation: GradientSummation = .exact, checkInterval: Int = 100,
        overlap: Bool = true
    ) {
        self.communicator = communicator
        self.summation = summation
        self.overlap = overlap
        self.checkInterval = checkInterval
    }

    public var rank: Int { communicator.rank }
    public var size: Int { communicator.size }
    /// Whether this rank writes files and reports.
    public var isWriter: Bool { communicator.rank == 0 }

    func makeReducer(model: Seq2Seq<Float>, workers: Int) -> DistributedReducer<Float> {
        let r = DistributedReducer(
            model: model, workers: workers, communicator: communicator, summation: summation, overlap: overlap)
        reducer = r
        return r
    }

    private static let stopReasons: [StopReason?] = [nil] + [.epochs, .maxSteps, .timeBudget, .earlyStopping, .interrupted]

    /// Rank 0's reason to stop (or go on), on every rank.
    func agree(on reason: StopReason?) -> StopReason? {
        let index = Int32(Self.stopReasons.firstIndex(of: reason)!)
        return Self.stopReasons[Int(communicator.broadcast(index))]
    }

    /// Rank 0's value, on every rank.
    func agree(on value: Int32) -> Int32 { communicator.broadcast(value) }

    /// Rank 0 validates; every rank gets its figures.
    func validation(_ run: () -> ValidationResult) -> ValidationResult {
        var figures = (0.0, 0.0, 0.0)
        if isWriter {
            let r = run()
            figures = (r.perplexity, r.bleu, r.seconds)
        }
        withUnsafeMutableBytes(of: &figures) { communicator.broadcast($0, root: 0) }
        return ValidationResult(perplexity: figures.0, bleu: figures.1, seconds: figures.2)
    }

    /// Throws, on every rank, when any rank's parameters differ from rank 0's.
    public func checkParameters(_ store: ParameterStore<Float>, step: Int) throws {
        let sums = communicator.allGather(parameterChecksum(store))
        let differing = sums.indices.filter { sums[$0] != sums[0] }
        guard differing.isEmpty else {
            throw TrainingError(
                "the ranks' parameters diverged: rank\(differing.count == 1 ? "" : "s") \(differing.map(String.init).joined(separator: ", ")) differ\(differing.count == 1 ? "s" : "") from rank 0 (parameter checksums); the last checkpoint is unchanged",
                at: "step \(step)")
        }
    }

    /// Throws, on every rank, when the ranks were started on different runs: `fingerprints`
    /// named by what they cover (e.g. the configuration, the data), compared with rank 0's.
    public func checkSameRun(_ fingerprints: [(what: String, hash: UInt64)]) throws {
        for f in fingerprints {
            let all = communicator.allGather(f.hash)
            let differing = all.indices.filter { all[$0] != all[0] }
            guard differing.isEmpty else {
                throw TrainingError(
                    "rank\(differing.count == 1 ? "" : "s") \(differing.map(String.init).joined(separator: ", ")) started with \(f.what) different from rank 0's: every rank needs the same data, configuration and options")
            }
        }
    }
}

/// FNV-1a (64 bits) over the parameters' bit patterns, in store order.
public func parameterChecksum(_ store: ParameterStore<Float>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for p in store.parameters {
        UnsafeBufferPointer(start: p.value.data, count: p.count).withMemoryRebound(to: UInt32.self) { words in
            for w in words { h = (h ^ UInt64(w)) &* 0x0000_0100_0000_01b3 }
        }
    }
    return h
}

/// FNV-1a (64 bits), for the fingerprints of a run.
public struct Fingerprint {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add<S: Sequence>(_ words: S) where S.Element: FixedWidthInteger {
        for w in words { value = (value ^ UInt64(truncatingIfNeeded: w)) &* 0x0000_0100_0000_01b3 }
    }
    public mutating func add(_ text: String) { add(Array(text.utf8)); add([UInt8(0)]) }
}

extension Fingerprint {
    /// Every pair's token ids (and lengths, so that boundaries count).
    public static func corpus(_ corpus: any ParallelCorpus) -> UInt64 {
        var f = Fingerprint()
        f.add([corpus.pairCount])
        for i in 0..<corpus.pairCount {
            let s = corpus.source(i), t = corpus.target(i)
            f.add([s.count, t.count])
            f.add(s)
            f.add(t)
        }
        return f.value
    }
}
