import MTCore
import Foundation

/// Loads a preprocessed directory completely and describes it: a check that
/// everything loads, and a measure of how fast.
public enum CorpusStatistics {
    public static func describe(directory: String, vocabularyDirectory: String? = nil) throws -> String {
        let start = Date()
        let data = try PreprocessedData(directory: directory, vocabularyDirectory: vocabularyDirectory)
        let train = try data.loadTrain()
        let valid = try data.loadValid()
        let seconds = Date().timeIntervalSince(start)
        var lines = [
            "vocabularies: \(data.sourceVocabulary.count) source, \(data.targetVocabulary.count) target",
            "BPE merges: \(data.sourceCodes.merges.count) source, \(data.targetCodes.merges.count) target\(data.settings.jointBPE ? " (joint)" : "")",
        ]
        for (name, corpus) in [("train", train), ("valid", valid)] {
            guard let c = corpus else { continue }
            let unk = c.sourceTokens.filter { $0 == SpecialToken.unk }.count + c.targetTokens.filter { $0 == SpecialToken.unk }.count
            let total = max(1, c.sourceTokens.count + c.targetTokens.count)
            lines.append("\(name): \(c.count) pairs, \(c.sourceTokens.count) source and \(c.targetTokens.count) target tokens, "
                + String(format: "%.2f%% <unk>", 100 * Double(unk) / Double(total)))
        }
        lines.append(String(format: "loaded in %.3f s", seconds))
        return lines.joined(separator: "\n")
    }
}
