/// One finished output of beam search.
public struct Hypothesis: Equatable, Sendable {
    /// Target ids, without `</s>`.
    public var tokens: [Int32]
    /// Σ log p over the scored steps: every token, and `</s>` when it was produced.
    public var logProbability: Double
    /// The ranking score: logProbability / lp(length) (GNMT length normalisation), equal to
    /// `logProbability` when the length penalty α is 0.
    public var score: Double
    /// Scored steps: tokens.count, plus 1 when the output ended with `</s>`.
    public var length: Int
    /// True when the output ended with `</s>` (false: cut at the length limit).
    public var endedWithEOS: Bool
    /// When requested: per scored step, the attention weights over the source positions.
    public var attention: [[Double]]?
    /// When requested: per token, the source position with the highest attention weight.
    public var alignment: [Int]?
    /// When requested: per scored step, its log-probability (they add up to `logProbability`).
    public var tokenLogProbabilities: [Double]?

    public init(tokens: [Int32], logProbability: Double, score: Double, length: Int, endedWithEOS: Bool,
                attention: [[Double]]? = nil, alignment: [Int]? = nil, tokenLogProbabilities: [Double]? = nil) {
        self.tokens = tokens
        self.logProbability = logProbability
        self.score = score
        self.length = length
        self.endedWithEOS = endedWithEOS
        self.attention = attention
        self.alignment = alignment
        self.tokenLogProbabilities = tokenLogProbabilities
    }

    /// The output for an empty source: nothing, scored 0.
    public static let empty = Hypothesis(
        tokens: [], logProbability: 0, score: 0, length: 0, endedWithEOS: false, attention: [], alignment: [],
        tokenLogProbabilities: [])
}
