import ArgumentParser
import MTCommandLine
import MTCore
import MTText

#if canImport(Glibc)
import Glibc
#endif

@main
struct MTPreprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-preprocess",
        abstract: "Normalise, tokenise, BPE-split and encode a parallel corpus.",
        subcommands: [Prepare.self, Tokenize.self, Detokenize.self, Normalize.self, Stats.self, ShortlistCommand.self],
        defaultSubcommand: Prepare.self)

    static func main() { mainReportingErrors(program: "mt-preprocess") }
}

func warnInvalidUTF8(file: String, line: Int) {
    StandardError.write("mt-preprocess: warning: \(LineReader.invalidUTF8Message) (\(file):\(line))\n")
}

struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Build BPE codes, vocabularies and the encoded corpus (the default command).")

    @Option(help: "Training source file, one sentence per line.") var trainSrc: String
    @Option(help: "Training target file, line-parallel to --train-src.") var trainTgt: String
    @Option(help: "Validation source file.") var validSrc: String?
    @Option(help: "Validation target file (kept whole; also copied raw for BLEU).") var validTgt: String?
    @Option(help: "Output directory.") var out: String
    @Option(help: "Where to write source.vocab and target.vocab.") var vocabDir = PreprocessOptions.defaultVocabularyDirectory
    @Option(help: "Number of BPE merge operations (0: no subwords).") var bpeMerges = 0
    @Flag(help: "Learn one set of BPE merges over both sides.") var jointBpe = false
    @Flag(help: "Lowercase (ICU, locale-aware) on both sides.") var lowercase = false
    @Option(help: "ICU locale of the source language, for lowercasing (e.g. de, tr).") var srcLang = ""
    @Option(help: "ICU locale of the target language, for lowercasing.") var tgtLang = ""
    @Option(help: "Leave out of the vocabularies tokens seen fewer times.") var minFreq = 1
    @Option(help: "Largest vocabulary, specials not counted (0: no limit).") var maxSize = 0
    @Option(help: "Leave out training pairs longer than this many subword tokens on either side (0: no limit).") var maxLength = 100
    @Flag(inversion: .prefixedNo, help: """
        Record in the model that translation splits each input line into sentences (ICU, in \
        the --src-lang locale); --no-sentence-split for models of multi-sentence segments.
        """) var sentenceSplit = true

    func run() throws {
        var o = PreprocessOptions(trainSource: trainSrc, trainTarget: trainTgt, outputDirectory: out)
        o.validSource = validSrc
        o.validTarget = validTgt
        o.vocabularyDirectory = vocabDir
        o.bpeMerges = bpeMerges
        o.jointBPE = jointBpe
        o.lowercase = lowercase
        o.sentenceSplit = sentenceSplit
        o.sourceLanguage = srcLang
        o.targetLanguage = tgtLang
        o.minFrequency = minFreq
        o.maxSize = maxSize
        o.maxLength = maxLength
        try Preprocessor.run(o, log: { StandardError.write("mt-preprocess: \($0)\n") }, warn: warnInvalidUTF8)
    }
}

/// --data, --side and --vocab-dir: which corpus's pipeline, and which side of it, to apply.
struct CorpusSideOptions: ParsableArguments {
    @Option(help: "A preprocessed directory whose case and BPE settings to apply.") var data: String?
    @Option(help: "Which side's settings to apply with --data: source or target.") var side: String = "source"
    @Option(help: "Vocabulary directory, if not the one recorded in --data.") var vocabDir: String?

    func pipeline() throws -> (TextPipeline?, Side) {
        guard let s = Side(rawValue: side) else { throw TextError("--side must be source or target", at: "--side \(side)") }
        let pipeline = try data.map { try PreprocessedData(directory: $0, vocabularyDirectory: vocabDir).makePipeline() }
        return (pipeline, s)
    }
}

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokenise stdin to stdout, line by line (tokens separated by spaces, ￭ on glued ones).")

    @OptionGroup var corpus: CorpusSideOptions

    func run() throws {
        let (pipeline, side) = try corpus.pipeline()
        try TextStream.tokenize(LineReader.standardInput(warn: warnInvalidUTF8), to: LineWriter(), pipeline: pipeline, side: side)
    }
}

struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join tokens or subwords from stdin back into lines on stdout.")

    @Option(help: "A preprocessed directory (accepted for symmetry: joiners alone undo BPE and tokenisation).") var data: String?
    @Option(help: "Vocabulary directory, if not the one recorded in --data.") var vocabDir: String?

    func run() throws {
        if let data { _ = try PreprocessedData(directory: data, vocabularyDirectory: vocabDir) }
        try TextStream.detokenize(LineReader.standardInput(warn: warnInvalidUTF8), to: LineWriter())
    }
}

struct Normalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Normalise stdin to stdout, line by line: what tokenize | detokenize gives back.")

    @OptionGroup var corpus: CorpusSideOptions

    func run() throws {
        let (pipeline, side) = try corpus.pipeline()
        try TextStream.normalize(LineReader.standardInput(warn: warnInvalidUTF8), to: LineWriter(), pipeline: pipeline, side: side)
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a preprocessed directory completely and print its sizes and load time.")

    @Option(help: "The preprocessed directory.") var data: String
    @Option(help: "Vocabulary directory, if not the one recorded in --data.") var vocabDir: String?

    func run() throws {
        print(try CorpusStatistics.describe(directory: data, vocabularyDirectory: vocabDir))
    }
}
