import MTDecode

/// The settings of one request's search: the server's defaults with the request's
/// `options` laid over them. Sentences batch together only when these are equal, so each
/// is searched exactly as `mt-translate` would search it with the same flags.
public struct SearchSettings: Hashable, Sendable {
    public var beamSize = 5
    public var nBest = 1
    public var lengthPenalty = 1.0
    public var maxLengthRatio = 2.0
    public var earlyStop = true
    /// Replace `<unk>` by the most attended source subword (mt-translate --replace-unk).
    public var replaceUnknown = false
    /// Keep and return the attention weights of the best output.
    public var attention = false
    /// Keep each output's word alignment (HTML places its inline elements by it).
    public var alignment = false
    /// Longer sources are cut to this many subwords (a server setting, not a request's).
    public var maxSourceLength = 250

    public init() {}

    /// The beam search options these settings stand for, as mt-translate's Translator sets them.
    public var searchOptions: BeamSearchOptions {
        var o = BeamSearchOptions()
        o.beamSize = beamSize
        o.nBest = nBest
        o.lengthPenalty = lengthPenalty
        o.maxLengthRatio = maxLengthRatio
        o.earlyStop = earlyStop
        o.keepAlignment = replaceUnknown || alignment
        o.keepAttention = attention
        return o
    }

    public func problem(maxBeamSize: Int) -> String? {
        if beamSize > maxBeamSize { return "beam size \(beamSize) is over the limit max_beam_size \(maxBeamSize)" }
        if maxSourceLength < 1 { return "maximum source length must be at least 1" }
        return searchOptions.problem
    }
}

/// When sentences waiting in the queue go to a search thread: as soon as a batch is full
/// (sentences or source tokens), or when the oldest has waited `maxWaitMilliseconds`.
/// While another thread is searching a batch, a smaller one waits to fill: until it is
/// as big or the oldest has waited `maxFillMilliseconds`.
public struct BatchPolicy: Equatable, Sendable {
    public var maxSentences = 64
    /// Source subwords (plus one `</s>` each) in a batch.
    public var maxTokens = 4096
    public var maxWaitMilliseconds = 2.0
    /// How long a batch may fill while another thread searches (0: not at all, the
    /// default). Filling makes batches bigger and alike under load, but on the Multi30k
    /// model a search cost about 16 ms a batch plus 20 ms a sentence (measured before
    /// translation packed its weights once, `Seq2Seq.fixWeights`, which took 20 ms off each
    /// batch on a slower host), so bigger batches buy little and the waiting thread idles:
    /// with 64 clients filling (100 ms) gave 87–92% of mt-translate's sentences/s against
    /// 99–101% without, in the same runs.
    /// (A rule "until the queue stops growing" broke batches up when the clients were
    /// slowed down; a plain wait for a full batch split the load into one thread's big
    /// batches and the other's small ones.) Alone (one client) nothing else searches, and
    /// only `maxWaitMilliseconds` applies.
    public var maxFillMilliseconds = 0.0
    /// Sentences sorted by length at once: a batch is cut from the oldest this many times
    /// `maxSentences` waiting sentences of the same settings, sorted by length, so that it
    /// holds sentences of like length (less padding) while the oldest is always served.
    public var window = 4

    public init() {}

    public var problem: String? {
        if maxSentences < 1 { return "batch.max_sentences must be at least 1" }
        if maxTokens < 1 { return "batch.max_tokens must be at least 1" }
        if !(maxWaitMilliseconds >= 0) || !maxWaitMilliseconds.isFinite { return "batch.max_wait_ms must be 0 or more" }
        if !(maxFillMilliseconds >= 0) || !maxFillMilliseconds.isFinite { return "batch.max_fill_ms must be 0 or more" }
        if window < 1 { return "batch.window must be at least 1" }
        return nil
    }
}
