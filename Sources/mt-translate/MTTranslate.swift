import ArgumentParser
import Foundation
import MTCommandLine
import MTCore
import MTDecode
import MTModelFile
import MTTensor
import MTText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct MTTranslate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-translate",
        abstract: "Translate lines from stdin (or --input) to stdout with a trained model.",
        discussion: """
            The model file carries the text pipeline: input lines are normalised, tokenised, \
            lowercased and BPE-split as in preprocessing, and outputs are detokenised. Each line is \
            split into sentences (ICU, in the source language), which are translated in the same \
            length-sorted batches as everything else and joined again with the line's own spaces \
            (none between sentences of a target written without spaces); --no-split translates \
            each line as one sentence. A sentence longer than --max-source-length is translated in \
            pieces cut at clause boundaries, with a warning. Exactly one output line per input \
            line, in order (an empty line for an empty line); with --n-best K, \
            K lines per input of the form `INDEX ||| hypothesis ||| score`, INDEX the 0-based input \
            line number. The score is Σ log p(y_t) over the output tokens and </s> (when produced), \
            divided by the GNMT length penalty ((5 + n) / 6)^α, n the number of those tokens and α \
            = --length-penalty; with α = 0 it is the plain log-probability.

            Several --model options translate with the ensemble of the models: the mean of their \
            log-probabilities at each step. Each model reads the source with its own pipeline; \
            their target vocabularies must be the same. --score prints, for SOURCE<TAB>TARGET \
            lines (or sources and --target FILE), `TOTAL<TAB>PER_TOKEN`: the target's \
            log-probability and that divided by its subwords and </s>. --alignment appends \
            ` ||| ` and the word alignment `s-t …` (0-based positions of the space-separated \
            words of the source and of the output) to each output line, or a column when scoring.

            On a line of several sentences: the k-th of --n-best joins each sentence's k-th best \
            and its score is the sum of theirs; --alignment and --attention point at positions in \
            the whole line (attention rows are zero outside their own sentence); a --prefix begins \
            the first sentence; --score scores each line as one sentence, since its target belongs \
            to the whole line. --format html reads the whole input as one HTML document: text is \
            translated block by block, inline elements follow the words they covered, and tags, \
            comments and the content of script, style, code and pre are kept as they are.
            """)

    @Option(help: "A model file (from mt-train); repeated, the ensemble of the models.") var model: [String] = []
    @Option(help: "Hypotheses kept per sentence; 1 is greedy search.") var beamSize = 5
    @Option(help: "Print this many hypotheses per input as `INDEX ||| hypothesis ||| score`.") var nBest: Int?
    @Option(help: "α of the length normalisation ((5 + n) / 6)^α; 0 disables it.") var lengthPenalty = 1.0
    @Option(help: "Outputs stop after ratio × source length + 10 tokens.") var maxLengthRatio = 2.0
    @Option(help: """
        Sentences per batch, sorted by length within chunks of 8 batches or 1024 lines (default: \
        128; with --shortlist, 40 / beam size rounded up, since a smaller batch's shortlist is smaller).
        """) var batchSize: Int?
    @Flag(inversion: .prefixedNo, help: """
        End a sentence's search once beam-size hypotheses have finished; --no-early-stop \
        searches on until no live hypothesis can beat them (slower, rarely better).
        """) var earlyStop = true
    @Option(help: """
        Worker threads (default: one per core). Each translates whole batches with its own copy \
        of the model and a single BLAS thread; the output is the same for any number.
        """) var threads: Int?
    @Option(help: """
        Score only the target subwords of this shortlist (from `mt-preprocess shortlist`) for \
        each batch: faster, nearly as accurate.
        """) var shortlist: String?
    @Flag(help: "Replace <unk> in the output by the most attended source subword.") var replaceUnk = false
    @Option(help: "Write each output's attention weights to this file as JSON lines.") var attention: String?
    @Option(help: "Read this file instead of stdin.") var input: String?
    @Option(help: "Sources longer than this many subwords are cut (with a warning).") var maxSourceLength = 250
    @Flag(help: "Score the given targets instead of translating: SOURCE<TAB>TARGET lines, or --target.") var score = false
    @Option(help: "With --score: the targets, line for line with the input.") var target: String?
    @Flag(help: "With --score: a third column of each target subword's and </s>'s log-probability.") var tokenScores = false
    @Flag(help: "Add word alignments (from the attention) in Pharaoh form.") var alignment = false
    @Option(help: "Each output starts with this file's line (line for line with the input), then goes on freely.")
    var prefix: String?
    @Flag(help: "Input lines are SOURCE<TAB>PREFIX: each output starts with its PREFIX (none without a tab).")
    var prefixColumn = false
    @Flag(help: """
        Translate with int8 products: the encoder's and decoder's weights quantised once per \
        output row at load, each product's inputs per row.
        """) var int8 = false
    @Flag(help: """
        Translate each input line as it is, as one sentence; by default a line is split into \
        sentences (as the model's preprocessing settings say), translated sentence by sentence \
        and joined again with the line's own spaces.
        """) var noSplit = false
    @Option(help: """
        `text` (one text per line) or `html`: the whole input is one HTML document whose text is \
        translated and whose markup is kept.
        """) var format = "text"
    @Flag(help: "When done, print the time taken and the speed to standard error.") var verbose = false

    static func main() {
        ProcessArithmetic.prepare()
        mainReportingErrors(program: "mt-translate")
    }

    func run() throws {
        guard !model.isEmpty else { throw ProgramError("missing --model", at: "command line") }
        if let problem = targetTextProblem { throw ProgramError(problem, at: "command line") }
        var options = TranslationOptions()
        options.search.beamSize = beamSize
        options.search.nBest = nBest ?? 1
        options.search.lengthPenalty = lengthPenalty
        options.search.maxLengthRatio = maxLengthRatio
        options.search.earlyStop = earlyStop
        options.batchSize = batchSize ?? TranslationOptions.defaultBatchSize(beamSize: beamSize, shortlist: shortlist != nil)
        options.replaceUnknown = replaceUnk
        options.nBestFormat = nBest != nil
        options.maxSourceLength = maxSourceLength
        options.attention = attention != nil
        options.scoring = score
        options.tokenScores = tokenScores
        options.alignment = alignment
        options.int8 = int8
        options.split = !noSplit
        guard let textFormat = TextFormat(rawValue: format) else {
            throw ProgramError("unknown --format '\(format)' (known: \(TextFormat.names))", at: "command line")
        }
        options.format = textFormat
        if int8, let problem = Int8Weight.kernelChoiceProblem { throw ProgramError(problem, at: "environment") }
        if score && shortlist != nil { throw ProgramError("--score takes no --shortlist", at: "command line") }
        if let problem = options.problem { throw ProgramError(problem, at: "command line") }
        if let threads, threads < 1 { throw ProgramError("--threads must be at least 1", at: "command line") }
        options.workers = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Parallelism comes from the workers; a BLAS thread pool per GEMM would only compete.
        BLASThreads.set(1)
        let started = DispatchTime.now()
        let ensemble = try model.map { try ModelFile.load($0) }
        let loaded = ensemble[0]
        for (path, member) in zip(model, ensemble).dropFirst()
        where member.pipeline.targetVocabulary.hash != loaded.pipeline.targetVocabulary.hash {
            throw ProgramError("its target vocabulary differs from that of \(model[0]); an ensemble needs one", at: path)
        }
        if let shortlist {
            options.search.shortlist = try Shortlist.load(
                shortlist, sourceVocabulary: loaded.pipeline.sourceVocabulary,
                targetVocabulary: loaded.pipeline.targetVocabulary)
        }
        let reader = try LineReader(path: input ?? "-") { file, line in
            StandardError.write("mt-translate: warning: \(LineReader.invalidUTF8Message) (\(file):\(line))\n")
        }
        let attentionFile = try attention.map { path -> LineWriter in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ProgramError("cannot create the attention file", at: path) }
            return LineWriter(fileDescriptor: fd)
        }
        let targets: TranslationStream<Float>.TargetText
        if let file = target ?? prefix {
            targets = .file(try LineReader(path: file) { name, line in
                StandardError.write("mt-translate: warning: \(LineReader.invalidUTF8Message) (\(name):\(line))\n")
            })
        } else {
            targets = score || prefixColumn ? .afterTab : .none
        }
        let translator = Translator(models: ensemble.map(\.model), pipelines: ensemble.map(\.pipeline), options: options)
        let stream = TranslationStream(translator: translator, chunkSize: TranslationOptions.chunkSize(batchSize: options.batchSize))
        let ready = DispatchTime.now()
        let warn = { (message: String) in StandardError.write("mt-translate: warning: \(message)\n") }
        let lines = textFormat == .html
            ? try stream.runDocument(reader: reader, output: LineWriter(), attention: attentionFile, warn: warn)
            : try stream.run(reader: reader, targets: targets, output: LineWriter(), attention: attentionFile, warn: warn)
        if verbose {
            let setup = seconds(from: started, to: ready), translation = seconds(from: ready, to: .now())
            StandardError.write(String(
                format: "mt-translate: %d lines, %d target tokens (with </s>) in %.2f s: %.1f lines/s, "
                    + "%.0f target tokens/s, %.1f GFLOP/s of model arithmetic; "
                    + (model.count == 1 ? "model" : "\(model.count) models")
                    + " loaded in %.2f s; %d worker(s), beam %d"
                    + (int8 ? "; int8 products (\(Int8Weight.kernel))" : "") + "\n",
                lines, stream.targetTokens, translation, Double(lines) / translation,
                Double(stream.targetTokens) / translation, translator.arithmetic / translation / 1e9, setup,
                options.workers, beamSize))
        }
    }

    /// What is wrong with the target-text options, or nil.
    private var targetTextProblem: String? {
        if target != nil && !score { return "--target needs --score" }
        if tokenScores && !score { return "--token-scores needs --score" }
        if score && (prefix != nil || prefixColumn) { return "--score takes no prefix" }
        if prefix != nil && prefixColumn { return "give prefixes by --prefix or --prefix-column, not both" }
        if score && nBest != nil { return "--score takes no --n-best" }
        if format == TextFormat.html.rawValue && (score || prefix != nil || prefixColumn) {
            return "--format html takes no --score or prefix"
        }
        return nil
    }

    private func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
