import Foundation
import MTCore

/// The whole of mt-preprocess: read, tokenise, learn and apply BPE, build the
/// vocabularies, encode, and write everything at once (see `PreprocessedData`).
/// Every step runs through `TextPipeline`, so the training data is tokenised and
/// encoded by the same code as the validation data, training and translation.
public enum Preprocessor {
    /// - Parameters:
    ///   - log: progress lines for stderr.
    ///   - warn: called for a line with invalid UTF-8 (file, line number).
    @discardableResult
    public static func run(_ options: PreprocessOptions,
                           log: (String) -> Void = { _ in },
                           warn: @escaping (_ file: String, _ line: Int) -> Void = LineReader.defaultWarning) throws -> PreprocessSettings {
        try options.check()
        // Output directories first, so that an unwritable place fails at once;
        // they are removed again unless everything gets written.
        let files = FileTransaction()
        try files.makeDirectory(options.outputDirectory)
        try files.makeDirectory(options.vocabularyDirectory)
        let input = try Input(options, warn: warn)
        log("read \(input.train.count) training pairs" + (input.valid.map { " and \($0.lines.count) validation pairs" } ?? ""))

        let (subwords, codes, dropped) = try trainingSubwords(input.train, options, log: log)
        let vocabularies = buildVocabularies(subwords, options)
        log("vocabularies: \(vocabularies.source.count) source and \(vocabularies.target.count) target entries")
        let pipeline = try completePipeline(options.initialSettings, codes, vocabularies)
        let train = encoded(subwords, pipeline.ids(of:side:))
        let valid = input.valid.map { (corpus: encoded($0.lines, pipeline.encode(_:side:)), raw: $0.raw) }

        var settings = pipeline.settings
        settings.trainPairs = train.count
        settings.trainPairsDropped = dropped
        settings.validPairs = valid?.corpus.count ?? 0
        try write(settings, pipeline, train: train, valid: valid, options, files)
        log("wrote \(train.count) training pairs to \(options.outputDirectory), vocabularies to \(options.vocabularyDirectory)")
        return settings
    }

    /// Every input file read whole, the line counts checked before any work.
    private struct Input {
        var train: ParallelPairs<String>
        /// The validation lines, and the files' raw bytes: the BLEU references.
        var valid: (lines: ParallelPairs<String>, raw: (source: [UInt8], target: [UInt8]))?

        init(_ o: PreprocessOptions, warn: @escaping (_ file: String, _ line: Int) -> Void) throws {
            train = try Input.lines(o.trainSource, o.trainTarget, warn: warn)
            if let vs = o.validSource, let vt = o.validTarget {
                valid = (try Input.lines(vs, vt, warn: warn), (try AtomicFile.read(vs), try AtomicFile.read(vt)))
            }
        }

        static func lines(_ source: String, _ target: String, warn: @escaping (_ file: String, _ line: Int) -> Void) throws -> ParallelPairs<String> {
            let pairs = ParallelPairs(source: try LineReader.lines(of: source, warn: warn), target: try LineReader.lines(of: target, warn: warn))
            guard pairs.source.count == pairs.target.count else {
                throw TextError("parallel files differ in length: \(pairs.source.count) and \(pairs.target.count) lines", at: "\(source), \(target)")
            }
            return pairs
        }
    }

    /// The training pairs as subwords, the BPE codes learned from them, and how
    /// many pairs were left out (empty, or longer than `maxLength` subwords).
    private static func trainingSubwords(_ lines: ParallelPairs<String>, _ options: PreprocessOptions, log: (String) -> Void) throws
        -> (ParallelPairs<[Token]>, codes: (source: BPECodes, target: BPECodes), dropped: Int) {
        let settings = options.initialSettings
        let tokenizing = try TextPipeline.beforeVocabularies(settings: settings), tokenizing2 = tokenizing.copy()
        var words = lines.map(source: { tokenizing.wordTokens($0, side: .source) }, target: { tokenizing2.wordTokens($0, side: .target) })
        // Empty pairs teach nothing; they go before BPE learning.
        let emptyDropped = words.removeAll { $0.isEmpty || $1.isEmpty }

        let codes = learnCodes(words, options, log: log)
        let splitting = try TextPipeline.beforeVocabularies(settings: settings, sourceCodes: codes.source, targetCodes: codes.target)
        let splitting2 = splitting.copy()  // its own BPE caches: the two sides run on two threads
        var subwords = words.map(source: { splitting.subwords(of: $0, side: .source) }, target: { splitting2.subwords(of: $0, side: .target) })
        let maxLength = options.maxLength
        let longDropped = maxLength > 0 ? subwords.removeAll { $0.count > maxLength || $1.count > maxLength } : 0
        if emptyDropped + longDropped > 0 {
            log("left out of the training set: \(emptyDropped) empty pairs, \(longDropped) pairs longer than \(maxLength) tokens")
        }
        guard subwords.count > 0 else {
            throw TextError("no training pairs left after leaving out empty and long ones", at: options.trainSource)
        }
        return (subwords, codes, emptyDropped + longDropped)
    }

    /// BPE codes from the word counts of each side, or of both together (`jointBPE`).
    private static func learnCodes(_ words: ParallelPairs<[Token]>, _ options: PreprocessOptions, log: (String) -> Void) -> (source: BPECodes, target: BPECodes) {
        var sourceWords = WordCounts(), targetWords = WordCounts()
        for t in words.source { sourceWords.add(t) }
        for t in words.target { targetWords.add(t) }
        let codes: (source: BPECodes, target: BPECodes)
        if options.jointBPE {
            var both = sourceWords
            both.add(targetWords)
            let joint = BPELearner.learn(both, merges: options.bpeMerges)
            codes = (joint, joint)
        } else {
            codes = inParallel({ BPELearner.learn(sourceWords, merges: options.bpeMerges) },
                               { BPELearner.learn(targetWords, merges: options.bpeMerges) })
        }
        if options.bpeMerges > 0 {
            log(options.jointBPE ? "learned \(codes.source.merges.count) joint BPE merges"
                : "learned \(codes.source.merges.count) source and \(codes.target.merges.count) target BPE merges")
        }
        return codes
    }

    private static func buildVocabularies(_ subwords: ParallelPairs<[Token]>, _ options: PreprocessOptions) -> (source: Vocabulary, target: Vocabulary) {
        var sourceCounts = WordCounts(), targetCounts = WordCounts()
        for s in subwords.source { for t in s { sourceCounts.add(t.textForm) } }
        for s in subwords.target { for t in s { targetCounts.add(t.textForm) } }
        return (Vocabulary(counts: sourceCounts, minFrequency: options.minFrequency, maxSize: options.maxSize),
                Vocabulary(counts: targetCounts, minFrequency: options.minFrequency, maxSize: options.maxSize))
    }

    /// The pipeline of the finished run, its settings recording the hashes of
    /// its codes and vocabularies.
    private static func completePipeline(_ settings: PreprocessSettings, _ codes: (source: BPECodes, target: BPECodes),
                                         _ vocabularies: (source: Vocabulary, target: Vocabulary)) throws -> TextPipeline {
        var settings = settings
        settings.sourceVocabularyHash = vocabularies.source.hash
        settings.targetVocabularyHash = vocabularies.target.hash
        settings.sourceCodesHash = codes.source.hash
        settings.targetCodesHash = codes.target.hash
        return try TextPipeline(settings: settings, sourceCodes: codes.source, targetCodes: codes.target,
                                sourceVocabulary: vocabularies.source, targetVocabulary: vocabularies.target)
    }

    private static func encoded<Element>(_ pairs: ParallelPairs<Element>, _ ids: (Element, Side) -> [Int32]) -> EncodedCorpus {
        var corpus = EncodedCorpus()
        for (s, t) in zip(pairs.source, pairs.target) { corpus.append(source: ids(s, .source), target: ids(t, .target)) }
        return corpus
    }

    private static func write(_ settings: PreprocessSettings, _ pipeline: TextPipeline, train: EncodedCorpus,
                              valid: (corpus: EncodedCorpus, raw: (source: [UInt8], target: [UInt8]))?,
                              _ options: PreprocessOptions, _ files: FileTransaction) throws {
        typealias F = PreprocessedData.FileName
        let out = options.outputDirectory, vocab = options.vocabularyDirectory
        try files.write(train.encoded(), to: PreprocessedData.path(out, F.train))
        try files.write(pipeline.sourceCodes.text, to: PreprocessedData.path(out, F.sourceCodes))
        try files.write(pipeline.targetCodes.text, to: PreprocessedData.path(out, F.targetCodes))
        if let valid {
            try files.write(valid.corpus.encoded(), to: PreprocessedData.path(out, F.valid))
            try files.write(valid.raw.source, to: PreprocessedData.path(out, F.validSourceText))
            try files.write(valid.raw.target, to: PreprocessedData.path(out, F.validTargetText))
        }
        try files.write(pipeline.sourceVocabulary.fileText, to: PreprocessedData.path(vocab, F.sourceVocabulary))
        try files.write(pipeline.targetVocabulary.fileText, to: PreprocessedData.path(vocab, F.targetVocabulary))
        // The settings last: a directory without them is an incomplete one.
        let settingsPath = PreprocessedData.path(out, F.settings)
        try files.write(settings.jsonString(), to: settingsPath)
        try files.commit(invalidatingFirst: settingsPath)
    }

    static func absolutePath(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (p as NSString).standardizingPath
    }
}
