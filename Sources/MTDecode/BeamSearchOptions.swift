#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MTText

/// Settings of beam search.
public struct BeamSearchOptions: Equatable, Sendable {
    /// Hypotheses kept per sentence (K); 1 is greedy search.
    public var beamSize = 5
    /// Hypotheses returned per sentence, best first (≤ beamSize).
    public var nBest = 1
    /// α of the GNMT length penalty lp(n) = ((5 + n) / 6)^α; 0 ranks by the plain sum of log-probs.
    public var lengthPenalty = 1.0
    /// Outputs have at most ⌊maxLengthRatio · source length⌋ + maxLengthConstant tokens.
    public var maxLengthRatio = 2.0
    public var maxLengthConstant = 10
    /// End a sentence's search as soon as K hypotheses have finished (as Marian does).
    /// Without it the search goes on until no live hypothesis can beat the K-th finished
    /// one even at the length limit: the best the beam can find, at about a third more
    /// decoder steps on Multi30k with α = 1.
    public var earlyStop = true
    /// Score only the shortlist's target subwords for each batch (nil: the whole vocabulary).
    public var shortlist: Shortlist?
    /// Keep every step's attention weights (for --attention).
    public var keepAttention = false
    /// Keep each token's most-attended source position (for --replace-unk and --alignment).
    public var keepAlignment = false
    /// Keep each scored step's log-probability (for --token-scores).
    public var keepTokenScores = false

    public init() {}

    /// What is wrong with these settings, or nil.
    public var problem: String? {
        if beamSize < 1 { return "beam size must be at least 1" }
        if nBest < 1 || nBest > beamSize { return "n-best must be between 1 and the beam size \(beamSize)" }
        if !(lengthPenalty >= 0) || !lengthPenalty.isFinite { return "length penalty must be 0 or more" }
        if !(maxLengthRatio >= 0) || !maxLengthRatio.isFinite { return "maximum length ratio must be 0 or more" }
        if maxLengthConstant < 0 { return "maximum length constant must be 0 or more" }
        return nil
    }

    /// lp(n) = ((5 + n) / 6)^α.
    public func lengthNormalizer(_ n: Int) -> Double {
        lengthPenalty == 0 ? 1 : pow((5 + Double(n)) / 6, lengthPenalty)
    }

    /// The length limit for a source of n tokens (at least 1).
    public func maxLength(sourceLength n: Int) -> Int {
        Swift.max(1, Int(maxLengthRatio * Double(n)) + maxLengthConstant)
    }
}
