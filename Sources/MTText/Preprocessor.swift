import Foundation

/// What mt-preprocess was asked to do.
public struct PreprocessOptions: Sendable {
    public var trainSource: String
    public var trainTarget: String
    public var validSource: String?
    public var validTarget: String?
    public var outputDirectory: String
    public var vocabularyDirectory = "vocab"
    public var bpeMerges = 0
    public var jointBPE = false
    public var lowercase = false
    public var sourceLanguage = ""
    public var targetLanguage = ""
    public var minFrequency = 1
    public var maxSize = 0
    public var maxLength = 100

    public init(trainSource: String, trainTarget: String, outputDirectory: String) {
        self.trainSource = trainSource
        self.trainTarget = trainTarget
        self.outputDirectory = outputDirectory
    }
}

/// The whole of mt-preprocess: read, tokenise, learn and apply BPE, build the
/// vocabularies, encode, and write everything at once (see `PreprocessedData`).
public enum Preprocessor {
    /// - Parameters:
    ///   - log: progress lines for stderr.
    ///   - warn: called for a line with invalid UTF-8 (file, line number).
    @discardableResult
    public static func run(_ options: PreprocessOptions,
                           log: (String) -> Void = { _ in },
                           warn: @escaping (_ file: String, _ line: Int) -> Void = LineReader.defaultWarning) throws -> PreprocessSettings {
        try check(options)
        var settings = PreprocessSettings()
        settings.lowercase = options.lowercase
        settings.sourceLanguage = options.sourceLanguage
        settings.targetLanguage = options.targetLanguage
        settings.bpeMerges = options.bpeMerges
        settings.jointBPE = options.jointBPE
        settings.minFrequency = options.minFrequency
        settings.maxSize = options.maxSize
        settings.maxLength = options.maxLength
        settings.trainSource = options.trainSource
        settings.trainTarget = options.trainTarget
        settings.validSource = options.validSource
        settings.validTarget = options.validTarget
        settings.vocabularyDirectory = absolutePath(options.vocabularyDirectory)

        // Output directories first, so that an unwritable place fails at once;
        // they are removed again unless everything gets written.
        let files = FileTransaction()
        let out = options.outputDirectory
        try files.makeDirectory(out)
        try files.makeDirectory(options.vocabularyDirectory)

        // Read everything and check the line counts before any work or any write.
        let trainSource = try LineReader.lines(of: options.trainSource, warn: warn)
        let trainTarget = try LineReader.lines(of: options.trainTarget, warn: warn)
        try checkParallel(trainSource.count, options.trainSource, trainTarget.count, options.trainTarget)
        var validRaw: (source: Data, target: Data)? = nil
        var valid: (source: [String], target: [String]) = ([], [])
        if let vs = options.validSource, let vt = options.validTarget {
            valid = (try LineReader.lines(of: vs, warn: warn), try LineReader.lines(of: vt, warn: warn))
            try checkParallel(valid.source.count, vs, valid.target.count, vt)
            validRaw = (try rawBytes(vs), try rawBytes(vt))
        }
        log("read \(trainSource.count) training pairs" + (validRaw == nil ? "" : " and \(valid.source.count) validation pairs"))

        let sourceTokenizer = try WordTokenizer(lowercase: options.lowercase, locale: options.sourceLanguage)
        let targetTokenizer = try WordTokenizer(lowercase: options.lowercase, locale: options.targetLanguage)
        var (srcTokens, tgtTokens) = inParallel({ trainSource.map(sourceTokenizer.tokenize) },
                                                { trainTarget.map(targetTokenizer.tokenize) })
        // Empty pairs teach nothing; they go before BPE learning.
        let nonEmpty = (0..<srcTokens.count).filter { !srcTokens[$0].isEmpty && !tgtTokens[$0].isEmpty }
        let emptyDropped = srcTokens.count - nonEmpty.count
        if emptyDropped > 0 {
            srcTokens = nonEmpty.map { srcTokens[$0] }
            tgtTokens = nonEmpty.map { tgtTokens[$0] }
        }

        var srcWords = WordCounts(), tgtWords = WordCounts()
        for t in srcTokens { srcWords.add(t) }
        for t in tgtTokens { tgtWords.add(t) }
        let sourceCodes: BPECodes, targetCodes: BPECodes
        if options.jointBPE {
            var both = srcWords
            both.add(tgtWords)
            sourceCodes = BPELearner.learn(both, merges: options.bpeMerges)
            targetCodes = sourceCodes
        } else {
            (sourceCodes, targetCodes) = inParallel({ BPELearner.learn(srcWords, merges: options.bpeMerges) },
                                                    { BPELearner.learn(tgtWords, merges: options.bpeMerges) })
        }
        if options.bpeMerges > 0 {
            log(options.jointBPE ? "learned \(sourceCodes.merges.count) joint BPE merges"
                : "learned \(sourceCodes.merges.count) source and \(targetCodes.merges.count) target BPE merges")
        }

        let sourceBPE = BPE(codes: sourceCodes)
        let targetBPE = BPE(codes: targetCodes)  // its own cache: the two sides run on two threads
        var (srcSub, tgtSub) = inParallel({ srcTokens.map(sourceBPE.apply) },
                                          { tgtTokens.map(targetBPE.apply) })
        var longDropped = 0
        if options.maxLength > 0 {
            let keep = (0..<srcSub.count).filter { srcSub[$0].count <= options.maxLength && tgtSub[$0].count <= options.maxLength }
            longDropped = srcSub.count - keep.count
            if longDropped > 0 {
                srcSub = keep.map { srcSub[$0] }
                tgtSub = keep.map { tgtSub[$0] }
            }
        }
        if emptyDropped + longDropped > 0 {
            log("left out of the training set: \(emptyDropped) empty pairs, \(longDropped) pairs longer than \(options.maxLength) tokens")
        }
        guard !srcSub.isEmpty else {
            throw TextError("no training pairs left after leaving out empty and long ones", at: options.trainSource)
        }

        var srcCounts = WordCounts(), tgtCounts = WordCounts()
        for s in srcSub { for t in s { srcCounts.add(t.textForm) } }
        for s in tgtSub { for t in s { tgtCounts.add(t.textForm) } }
        let sourceVocabulary = Vocabulary(counts: srcCounts, minFrequency: options.minFrequency, maxSize: options.maxSize)
        let targetVocabulary = Vocabulary(counts: tgtCounts, minFrequency: options.minFrequency, maxSize: options.maxSize)
        log("vocabularies: \(sourceVocabulary.count) source and \(targetVocabulary.count) target entries")

        var train = EncodedCorpus()
        for (s, t) in zip(srcSub, tgtSub) {
            train.append(source: s.map { sourceVocabulary.id(of: $0.textForm) },
                         target: t.map { targetVocabulary.id(of: $0.textForm) })
        }
        settings.trainPairs = train.count
        settings.trainPairsDropped = emptyDropped + longDropped
        settings.sourceVocabularyHash = sourceVocabulary.hash
        settings.targetVocabularyHash = targetVocabulary.hash
        settings.sourceCodesHash = sourceCodes.hash
        settings.targetCodesHash = targetCodes.hash

        let pipeline = try TextPipeline(settings: settings, sourceCodes: sourceCodes, targetCodes: targetCodes,
                                        sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
        var validCorpus = EncodedCorpus()
        for (s, t) in zip(valid.source, valid.target) {
            validCorpus.append(source: pipeline.encodeSource(s), target: pipeline.encodeTarget(t))
        }
        settings.validPairs = validCorpus.count

        typealias F = PreprocessedData.FileName
        try files.write(settings.jsonString(), to: PreprocessedData.path(out, F.settings))
        try files.write(train.encoded(), to: PreprocessedData.path(out, F.train))
        try files.write(sourceCodes.text, to: PreprocessedData.path(out, F.sourceCodes))
        try files.write(targetCodes.text, to: PreprocessedData.path(out, F.targetCodes))
        if let raw = validRaw {
            try files.write(validCorpus.encoded(), to: PreprocessedData.path(out, F.valid))
            try files.write(raw.source, to: PreprocessedData.path(out, F.validSourceText))
            try files.write(raw.target, to: PreprocessedData.path(out, F.validTargetText))
        }
        try files.write(sourceVocabulary.fileText, to: PreprocessedData.path(options.vocabularyDirectory, F.sourceVocabulary))
        try files.write(targetVocabulary.fileText, to: PreprocessedData.path(options.vocabularyDirectory, F.targetVocabulary))
        try files.commit()
        log("wrote \(train.count) training pairs to \(out), vocabularies to \(options.vocabularyDirectory)")
        return settings
    }

    private static func check(_ o: PreprocessOptions) throws {
        if (o.validSource == nil) != (o.validTarget == nil) {
            throw TextError("--valid-src and --valid-tgt go together", at: o.validSource ?? o.validTarget ?? "")
        }
        for (name, value) in [("--bpe-merges", o.bpeMerges), ("--min-freq", o.minFrequency), ("--max-size", o.maxSize), ("--max-length", o.maxLength)] where value < 0 {
            throw TextError("\(name) must not be negative", at: "\(name) \(value)")
        }
    }

    private static func checkParallel(_ n: Int, _ a: String, _ m: Int, _ b: String) throws {
        guard n == m else {
            throw TextError("parallel files differ in length: \(n) and \(m) lines", at: "\(a), \(b)")
        }
    }

    private static func rawBytes(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw TextError("cannot read file", at: path) }
        return data
    }

    static func absolutePath(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (p as NSString).standardizingPath
    }
}

/// Runs two independent jobs on two threads (the machine has two cores).
func inParallel<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    var ra: A? = nil, rb: B? = nil
    withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 { ra = a() } else { rb = b() }
            }
        }
    }
    return (ra!, rb!)
}
