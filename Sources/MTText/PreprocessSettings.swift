import Foundation

/// Every choice mt-preprocess made, so that training and translation apply
/// exactly the same pipeline. Stored as `settings.json` and in model metadata.
public struct PreprocessSettings: Codable, Equatable, Sendable {
    public static let currentFormatVersion = 1

    public var formatVersion = PreprocessSettings.currentFormatVersion
    public var lowercase = false
    /// ICU locales for lowercasing ("" is the root locale).
    public var sourceLanguage = ""
    public var targetLanguage = ""
    /// Merges requested; the codes may hold fewer when the data runs out of pairs.
    public var bpeMerges = 0
    public var jointBPE = false
    public var minFrequency = 1
    /// 0: no limit.
    public var maxSize = 0
    /// How translation splits input text into sentences (training data stays one pair a
    /// line): "icu", ICU's sentence rules in the source language's locale with its
    /// abbreviations and `SentenceSplitter`'s corrections, or "none". Absent (files written
    /// before the setting existed): "icu".
    public var sentenceSplit: String? = PreprocessSettings.icuSentenceSplit
    public static let icuSentenceSplit = "icu"
    public static let noSentenceSplit = "none"
    /// Whether translation splits input into sentences.
    public var splitsSentences: Bool { (sentenceSplit ?? Self.icuSentenceSplit) != Self.noSentenceSplit }
    /// Longest training pair kept, in subword tokens per side; 0: no limit.
    public var maxLength = 100

    public var sourceVocabularyHash = ""
    public var targetVocabularyHash = ""
    public var sourceCodesHash = ""
    public var targetCodesHash = ""

    /// Where the run read and wrote; informative, except `vocabularyDirectory`,
    /// which is where loading finds the vocabularies.
    public var trainSource = ""
    public var trainTarget = ""
    public var validSource: String? = nil
    public var validTarget: String? = nil
    public var vocabularyDirectory = ""
    public var trainPairs = 0
    public var trainPairsDropped = 0
    public var validPairs = 0

    public init() {}

    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    public init(jsonString: String, location: String = "settings") throws {
        let decoded: PreprocessSettings
        do {
            decoded = try JSONDecoder().decode(PreprocessSettings.self, from: Data(jsonString.utf8))
        } catch {
            throw TextError("invalid preprocessing settings: \(PreprocessSettings.describe(error))", at: location)
        }
        guard decoded.formatVersion == PreprocessSettings.currentFormatVersion else {
            throw TextError("unsupported settings format version \(decoded.formatVersion) (this build reads \(PreprocessSettings.currentFormatVersion))", at: location)
        }
        if let split = decoded.sentenceSplit, split != Self.icuSentenceSplit, split != Self.noSentenceSplit {
            throw TextError("unknown sentence split '\(split)' (this build knows '\(Self.icuSentenceSplit)' and '\(Self.noSentenceSplit)')", at: location)
        }
        self = decoded
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        default: return "\(error)"
        }
    }
}
