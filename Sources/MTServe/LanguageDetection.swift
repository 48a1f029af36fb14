import Foundation
import MTCore
import MTText

/// A source language and how sure detection is of it, 0–100.
public struct DetectedLanguage: Equatable, Sendable {
    public var language: String
    public var confidence: Double

    public init(language: String, confidence: Double) {
        self.language = language
        self.confidence = confidence
    }

    /// LibreTranslate's shape: `{"confidence": 92.5, "language": "en"}`.
    var json: JSONValue { .object(["language": .string(language), "confidence": .double(confidence)]) }
}

/// Which of the served source languages a text is in, judged by what the models themselves
/// know (no separate language-identification model): the scripts of their source
/// vocabularies and how well those vocabularies cover the text.
///
/// For a text and one model:
/// - S, scripts: the share of the text's letters (characters of a specific script, as ICU
///   assigns them; not digits, punctuation, symbols or emoji) in the scripts the model
///   reads, those holding at least 1% of its source vocabulary's letters weighted by count;
/// - C, coverage: over the text's words (the model's own word tokens) whose letters are all
///   in those scripts, the characters of the words whose subwords the vocabulary holds,
///   less the splits BPE makes in them, over the characters of all those words. A word kept
///   whole counts fully, one split into n pieces loses n − 1 characters, one with a piece
///   the vocabulary lacks counts nothing. Under BPE every word of a known script splits into
///   known pieces, so the splits are what tell a vocabulary's language from another of the
///   same script; without BPE, C is the share of the words the vocabulary holds, by length.
/// - confidence: 100 × S × C, to one decimal.
///
/// The items of an array `q` are judged one by one and their confidences averaged, weighted
/// by their letters (LibreTranslate also detects each item and weighs them by length). A
/// language served by several models takes its best model's confidence.
public enum LanguageDetection {
    /// LibreTranslate's POST /detect: one entry per source language the models name, best
    /// first (ties in the order served). A model without a source language (preprocessed
    /// without --src-lang) cannot be named in an answer, so it is left out here; it still
    /// takes part when /translate chooses a model for source `auto`. 400 when no model
    /// names a language, for text without letters, and for text in scripts none reads.
    public static func detect(_ lines: [String], among models: [ServedModel]) throws -> [DetectedLanguage] {
        let named = models.filter { !$0.sourceLanguage.isEmpty }
        guard !named.isEmpty else {
            throw ServeError.badRequest(
                "no served model names its source language (models preprocessed without --src-lang): nothing to detect")
        }
        return try rank(lines, named.map { ($0.sourceLanguage, $0.sourceProfile) })
    }

    /// One entry per distinct language (compared without case), best first.
    static func rank(_ lines: [String], _ candidates: [(language: String, profile: SourceProfile)]) throws -> [DetectedLanguage] {
        let scores = try confidences(lines, candidates.map(\.profile), readers: "served model")
        var order: [String] = [], best: [String: DetectedLanguage] = [:]
        for ((language, _), score) in zip(candidates, scores) {
            let key = language.lowercased()
            if let known = best[key] {
                best[key]!.confidence = max(known.confidence, score)
            } else {
                order.append(key)
                best[key] = DetectedLanguage(language: language, confidence: score)
            }
        }
        let entries = order.map { best[$0]! }
        return entries.indices.sorted { (entries[$0].confidence, -$0) > (entries[$1].confidence, -$1) }.map { entries[$0] }
    }

    /// For source `auto` among several fitting models: the one whose language ranks first
    /// (the first served among equals). 400 when the text gives no evidence for any.
    static func choose(_ lines: [String], among models: [ServedModel]) throws -> ServedModel {
        let names = models.map(\.id).joined(separator: ", ")
        let scores: [Double]
        do {
            scores = try confidences(lines, models.map(\.sourceProfile), readers: "model that fits (\(names))")
        } catch var e as ServeError {
            e.message += ": give source or options.model"
            throw e
        }
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        guard scores[best] > 0 else {
            throw ServeError.badRequest(
                "source 'auto': none of the models that fit (\(names)) knows the words of the text: give source or options.model")
        }
        return models[best]
    }

    /// /translate's `detectedLanguage`: the confidence for the chosen model's language (0
    /// when the text gives no evidence: the translation goes on).
    static func detected(_ lines: [String], by model: ServedModel) -> DetectedLanguage {
        DetectedLanguage(language: model.sourceLanguage,
                         confidence: confidence(lines, lines.map(letters), model.sourceProfile))
    }

    /// Each profile's confidence for `lines`; 400 for text without letters and for text in
    /// scripts none of the profiles reads (`readers` names them in the message).
    static func confidences(_ lines: [String], _ profiles: [SourceProfile], readers: String) throws -> [Double] {
        let perLine = lines.map(letters)
        let scripts = perLine.reduce(into: [UnicodeScript: Int]()) { all, l in all.merge(l, uniquingKeysWith: +) }
        guard !scripts.isEmpty else {
            throw ServeError.badRequest("the text has no letters to tell its language by (only digits, punctuation, symbols or spaces)")
        }
        let read = profiles.reduce(into: Set<UnicodeScript>()) { $0.formUnion($1.scripts) }
        if read.isDisjoint(with: scripts.keys) {
            let text = scripts.sorted { ($0.value, $1.key.code) > ($1.value, $0.key.code) }.map(\.key.shortName)
            let known = read.map(\.shortName).sorted()
            throw ServeError.badRequest(
                "no \(readers) reads text in \(text.joined(separator: ", ")) (ISO 15924; the models read \(known.isEmpty ? "no script" : known.joined(separator: ", ")))")
        }
        return profiles.map { confidence(lines, perLine, $0) }
    }

    /// The letter-weighted mean of the lines' 100 × S × C, to one decimal.
    static func confidence(_ lines: [String], _ letters: [[UnicodeScript: Int]], _ profile: SourceProfile) -> Double {
        var sum = 0.0, weight = 0
        for (line, l) in zip(lines, letters) {
            let n = l.values.reduce(0, +)
            guard n > 0 else { continue }
            sum += Double(n) * profile.score(line, letters: l)
            weight += n
        }
        return weight == 0 ? 0 : (1000 * sum / Double(weight)).rounded() / 10
    }

    /// A text's letters by script.
    static func letters(_ text: String) -> [UnicodeScript: Int] {
        var counts: [UnicodeScript: Int] = [:]
        for scalar in text.unicodeScalars {
            let script = UnicodeScript(of: scalar)
            if script.isSpecific { counts[script, default: 0] += 1 }
        }
        return counts
    }
}

/// A model's source side as language detection sees it: the scripts its vocabulary is
/// written in, and the vocabulary's coverage of a text. Tokenizes on a copy of the
/// pipeline of its own (made on first use, with the scripts), so that detection neither
/// waits for the model's encoding lock nor holds translations up.
final class SourceProfile: @unchecked Sendable {
    /// A vocabulary also holds the letters of stray lines and foreign names; a script under
    /// this share of its letters does not make the model a reader of that script.
    static let minimumScriptShare = 0.01

    private let lock = NSLock()
    private let original: TextPipeline
    private var prepared: (pipeline: TextPipeline, scripts: Set<UnicodeScript>)?

    init(pipeline: TextPipeline) { original = pipeline }

    /// The scripts the model reads.
    var scripts: Set<UnicodeScript> {
        lock.lock()
        defer { lock.unlock() }
        return prepare().scripts
    }

    /// S × C (see `LanguageDetection`) of one text, whose letters by script are `letters`.
    func score(_ text: String, letters: [UnicodeScript: Int]) -> Double {
        lock.lock()
        defer { lock.unlock() }
        let (pipeline, scripts) = prepare()
        let all = letters.values.reduce(0, +)
        let read = letters.reduce(0) { scripts.contains($1.key) ? $0 + $1.value : $0 }
        guard read > 0 else { return 0 }
        return Double(read) / Double(all) * Self.coverage(text, pipeline: pipeline, scripts: scripts)
    }

    private func prepare() -> (pipeline: TextPipeline, scripts: Set<UnicodeScript>) {
        if let prepared { return prepared }
        // Copying only reads the original's immutable data: safe beside its encoding.
        let p = (original.copy(), Self.scripts(of: original.sourceVocabulary))
        prepared = p
        return p
    }

    /// The scripts holding at least `minimumScriptShare` of the vocabulary's letters, each
    /// token's letters weighted by its count in the training data.
    static func scripts(of vocabulary: Vocabulary) -> Set<UnicodeScript> {
        var letters: [UnicodeScript: Double] = [:]
        for (token, count) in zip(vocabulary.tokens, vocabulary.counts).dropFirst(SpecialToken.count) {
            for scalar in token.unicodeScalars {
                let script = UnicodeScript(of: scalar)
                if script.isSpecific { letters[script, default: 0] += Double(max(count, 1)) }
            }
        }
        let total = letters.values.reduce(0, +)
        return Set(letters.filter { $0.value >= minimumScriptShare * total }.keys)
    }

    /// C: the characters of the known words less their splits, over the characters of the
    /// words whose letters are all in `scripts` (0 when there are none).
    static func coverage(_ text: String, pipeline: TextPipeline, scripts: Set<UnicodeScript>) -> Double {
        var characters = 0, credit = 0
        for word in pipeline.wordTokens(text, side: .source) {
            var letters = false
            var readable = true
            for scalar in word.text.unicodeScalars {
                let script = UnicodeScript(of: scalar)
                guard script.isSpecific else { continue }
                letters = true
                if !scripts.contains(script) { readable = false; break }
            }
            guard letters && readable else { continue }
            let length = word.text.count
            let pieces = pipeline.subwords(of: [word], side: .source)
            characters += length
            if pieces.allSatisfy({ pipeline.sourceVocabulary.contains($0.textForm) }) {
                credit += max(0, length - pieces.count + 1)
            }
        }
        return characters == 0 ? 0 : Double(credit) / Double(characters)
    }
}
