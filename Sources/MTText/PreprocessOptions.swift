import Foundation

/// What mt-preprocess was asked to do.
public struct PreprocessOptions: Sendable {
    /// Relative to the working directory, as every other path of the command line.
    public static let defaultVocabularyDirectory = "vocab"

    public var trainSource: String
    public var trainTarget: String
    public var validSource: String?
    public var validTarget: String?
    public var outputDirectory: String
    public var vocabularyDirectory = PreprocessOptions.defaultVocabularyDirectory
    public var bpeMerges = 0
    public var jointBPE = false
    public var lowercase = false
    public var sourceLanguage = ""
    public var targetLanguage = ""
    public var minFrequency = 1
    public var maxSize = 0
    public var maxLength = 100
    /// Split translation input into sentences (recorded in the settings, so in every model).
    public var sentenceSplit = true

    public init(trainSource: String, trainTarget: String, outputDirectory: String) {
        self.trainSource = trainSource
        self.trainTarget = trainTarget
        self.outputDirectory = outputDirectory
    }

    /// The settings these options fix before any data is read; the hashes and
    /// pair counts come later. The vocabulary directory is recorded absolute, so
    /// that loading finds it from any working directory.
    var initialSettings: PreprocessSettings {
        var s = PreprocessSettings()
        s.lowercase = lowercase
        s.sourceLanguage = sourceLanguage
        s.targetLanguage = targetLanguage
        s.bpeMerges = bpeMerges
        s.jointBPE = jointBPE
        s.minFrequency = minFrequency
        s.maxSize = maxSize
        s.maxLength = maxLength
        s.sentenceSplit = sentenceSplit ? PreprocessSettings.icuSentenceSplit : PreprocessSettings.noSentenceSplit
        s.trainSource = trainSource
        s.trainTarget = trainTarget
        s.validSource = validSource
        s.validTarget = validTarget
        s.vocabularyDirectory = Preprocessor.absolutePath(vocabularyDirectory)
        return s
    }

    /// Errors in the options alone, before anything is read or written.
    func check() throws {
        if (validSource == nil) != (validTarget == nil) {
            throw TextError("--valid-src and --valid-tgt go together", at: validSource ?? validTarget ?? "")
        }
        for (name, value) in [("--bpe-merges", bpeMerges), ("--min-freq", minFrequency), ("--max-size", maxSize), ("--max-length", maxLength)] where value < 0 {
            throw TextError("\(name) must not be negative", at: "\(name) \(value)")
        }
    }
}
