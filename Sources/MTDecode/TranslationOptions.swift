import MTText

/// Everything `mt-translate` can be told about how to translate.
public struct TranslationOptions: Equatable, Sendable {
    public var search = BeamSearchOptions()
    /// Sentences per beam-search batch (sorted by length within a chunk of input).
    public var batchSize = 128
    /// Replace `<unk>` in the output by the most attended source subword.
    public var replaceUnknown = false
    /// Print `INDEX ||| hypothesis ||| score` lines, search.nBest per input.
    public var nBestFormat = false
    /// Longer sources are cut to this many subwords (with a warning).
    public var maxSourceLength = 250
    /// Keep attention weights for an attention file.
    public var attention = false
    /// Threads translating batches at the same time, each with its own copy of the model.
    public var workers = 1
    /// Score each input's target instead of searching (forced decoding): the output is the
    /// given target and its log-probability. The search settings other than the length
    /// limit do not apply.
    public var scoring = false
    /// Keep each scored step's log-probability (`Translation.Output.tokenLogProbabilities`).
    public var tokenScores = false
    /// Word alignments from the attention (`Translation.Output.alignment`).
    public var alignment = false
    /// Split each input into sentences (when the model's settings do) and join their
    /// translations; false: each input is one sentence. Scoring never splits.
    public var split = true
    /// Plain text, or HTML whose markup is kept.
    public var format = TextFormat.text
    /// Whether outputs carry word alignments: asked for, or needed by HTML, which places its
    /// inline elements by them.
    public var keepsAlignment: Bool { alignment || format == .html }
    /// Decode with int8 products (`Seq2Seq.quantise`): faster, with a small loss of precision.
    public var int8 = false

    public init() {}

    /// The batch size when none is given: 128 sentences, or with a shortlist about 40 decoder
    /// rows (40 / beam size sentences, rounded up). A batch's output layer scores the union of
    /// its sentences' shortlists, which grows with the sentences, while the per-step products
    /// run as fast on 40 rows as on 640: on Multi30k, beam 5 with a shortlist went from 167
    /// sentences/s in batches of 128 to 206–212 in batches of 8.
    public static func defaultBatchSize(beamSize: Int, shortlist: Bool) -> Int {
        shortlist ? max(1, (40 + beamSize - 1) / max(1, beamSize)) : 128
    }

    /// Input lines sorted by length together: 8 batches, and at least 1024 lines, so that
    /// small batches still hold sentences of nearly one length.
    public static func chunkSize(batchSize: Int) -> Int { max(8 * batchSize, 1024) }

    public var problem: String? {
        if let p = search.problem { return p }
        if batchSize < 1 { return "batch size must be at least 1" }
        if maxSourceLength < 1 { return "maximum source length must be at least 1" }
        if workers < 1 { return "at least one worker thread is needed" }
        if scoring && nBestFormat { return "scoring gives one score per input, not n-best lists" }
        if scoring && format != .text { return "scoring reads plain text, not \(format.rawValue)" }
        if scoring && search.shortlist != nil { return "scoring uses the whole target vocabulary, not a shortlist" }
        return nil
    }
}
