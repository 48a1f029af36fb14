import ArgumentParser
import MTCore
import MTEval

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command-line BLEU / chrF with sacreBLEU's options, output and rules.
struct MTBleu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-bleu",
        abstract: "Corpus BLEU and chrF, identical to sacreBLEU 2.x.",
        discussion: """
            Reads the hypotheses from standard input (or -i FILE), one sentence per line, \
            and scores them against one or more reference files with the same number of lines:

                mt-bleu ref.de < hyp.de
                mt-bleu ref1.de ref2.de -m bleu chrf < hyp.de
                mt-bleu ref.zh -tok zh -f json < hyp.zh

            Scores are printed with the signature that makes them reproducible. \
            The signature's version field names this implementation (\(MTEvalVersion.signature)).
            """,
        version: MTEvalVersion.number
    )

    @Argument(help: "Reference file(s); each has one line per hypothesis.")
    var references: [String]

    @Option(name: [.short, .customLong("input")], help: "Read the hypotheses from this file instead of standard input.")
    var input: String?

    @Option(name: [.short, .long], parsing: .upToNextOption, help: "Metrics to compute: bleu, chrf.")
    var metrics: [String] = ["bleu"]

    // BLEU
    @Option(name: [.customShort("s"), .long], help: "BLEU smoothing: exp, floor, add-k, none.")
    var smoothMethod: String = "exp"

    @Option(name: [.customLong("sv", withSingleDash: true), .long], help: "Smoothing value for floor (default 0.1) and add-k (default 1).")
    var smoothValue: Double?

    @Option(name: [.customLong("tok", withSingleDash: true), .long], help: "BLEU tokenizer: 13a, intl, zh, char, none.")
    var tokenize: String = "13a"

    @Flag(name: [.customLong("lc", withSingleDash: true), .long], help: "Case-insensitive BLEU.")
    var lowercase = false

    @Flag(help: "Do not warn about hypotheses that look tokenized.")
    var force = false

    // chrF
    @Option(name: [.customLong("cc", withSingleDash: true), .long], help: "chrF character n-gram order.")
    var chrfCharOrder = 6

    @Option(name: [.customLong("cw", withSingleDash: true), .long], help: "chrF word n-gram order (2 gives chrF++).")
    var chrfWordOrder = 0

    @Option(help: "chrF beta: weight of recall against precision.")
    var chrfBeta = 2

    @Flag(help: "Keep whitespace in chrF character n-grams.")
    var chrfWhitespace = false

    @Flag(help: "Case-insensitive chrF.")
    var chrfLowercase = false

    @Flag(help: "chrF epsilon smoothing instead of effective order.")
    var chrfEpsSmoothing = false

    // Output
    @Flag(name: [.customShort("b"), .long], help: "Print only the score.")
    var scoreOnly = false

    @Option(name: [.short, .long], help: "Decimal places of the score.")
    var width = 2

    @Option(name: [.short, .long], help: "Output format: text or json.")
    var format: String = "text"

    @Flag(name: [.customLong("sh", withSingleDash: true), .long], help: "Short signature.")
    var short = false

    @Flag(name: [.short, .long], help: "No warnings.")
    var quiet = false

    mutating func validate() throws {
        guard !references.isEmpty else { throw ValidationError("at least one reference file is needed") }
        for m in metrics where Evaluation.Metric(rawValue: m.lowercased()) == nil {
            throw ValidationError("unknown metric '\(m)' (choose bleu, chrf)")
        }
        guard BLEU.Smoothing(rawValue: smoothMethod) != nil else {
            throw ValidationError("unknown smoothing '\(smoothMethod)' (choose exp, floor, add-k, none)")
        }
        guard BLEUTokenizer(rawValue: tokenize) != nil else {
            throw ValidationError("unknown tokenizer '\(tokenize)' (choose 13a, intl, zh, char, none)")
        }
        guard Evaluation.Format(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)' (choose text, json)")
        }
        guard (1...6).contains(chrfCharOrder), (0...4).contains(chrfWordOrder), width >= 0 else {
            throw ValidationError("chrF orders must be 1...6 (characters) and 0...4 (words); width >= 0")
        }
    }

    func run() throws {
        let hypothesisSource = input ?? "standard input"
        // sacreBLEU reads standard input with universal newlines, files with "\n" only.
        let hypotheses = try readLines(input, newlines: input == nil ? .universal : .lineFeed)
        if input == nil, let line = hypotheses.firstIndex(where: { $0.utf8.contains(0x09) }) {
            // sacreBLEU splits standard input on tabs into several systems; we score one.
            throw ProgramError(
                "tab in hypothesis line \(line + 1): tab-separated systems are not supported; "
                    + "pass the file with -i to score tabs as spaces", at: hypothesisSource)
        }
        var streams: [[String]] = []
        for path in references {
            let lines = try readLines(path, newlines: .lineFeed)
            if lines.count != hypotheses.count {
                throw ProgramError(
                    "hypotheses and references differ in length: \(hypotheses.count) lines in "
                        + "\(hypothesisSource), \(lines.count) lines", at: path)
            }
            streams.append(lines)
        }
        if hypotheses.isEmpty { throw ProgramError("no hypotheses to score", at: hypothesisSource) }
        if !force && !quiet && metrics.contains(where: { $0.lowercased() == "bleu" })
            && Evaluation.looksTokenized(hypotheses) {
            warn("100 or more hypotheses end in a tokenized period (' .'); detokenize them, or pass --force")
        }
        let evaluation = Evaluation(
            metrics: metrics.compactMap { Evaluation.Metric(rawValue: $0.lowercased()) },
            bleu: BLEU(tokenizer: BLEUTokenizer(rawValue: tokenize)!, lowercase: lowercase,
                       smoothing: BLEU.Smoothing(rawValue: smoothMethod)!, smoothValue: smoothValue),
            chrf: CHRF(charOrder: chrfCharOrder, wordOrder: chrfWordOrder, beta: chrfBeta,
                       lowercase: chrfLowercase, whitespace: chrfWhitespace, epsSmoothing: chrfEpsSmoothing),
            width: width, scoreOnly: scoreOnly, format: Evaluation.Format(rawValue: format)!,
            shortSignature: short)
        print(evaluation.report(hypotheses: hypotheses, references: streams))
    }

    /// The file's lines (standard input for `nil`); invalid UTF-8 is replaced with a warning.
    func readLines(_ path: String?, newlines: TextLines.Newlines) throws -> [String] {
        let name = path ?? "standard input"
        guard let bytes = readBytes(path) else {
            throw ProgramError("cannot read file: \(String(cString: strerror(errno)).lowercased())", at: name)
        }
        let decoded = TextLines.decode(bytes, newlines: newlines)
        if decoded.invalidLines > 0 && !quiet {
            warn("invalid UTF-8 replaced by U+FFFD on \(decoded.invalidLines) line(s), first on line "
                 + "\(decoded.firstInvalidLine!) (\(name))")
        }
        return decoded.lines
    }

    func warn(_ message: String) {
        fputs("mt-bleu: warning: \(message)\n", stderr)
    }
}


/// The whole file (or standard input) as bytes; `nil` with `errno` set on failure.
func readBytes(_ path: String?) -> [UInt8]? {
    let file: UnsafeMutablePointer<FILE>?
    if let path {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            errno = EISDIR
            return nil
        }
        file = fopen(path, "rb")
    } else {
        file = stdin
    }
    guard let file else { return nil }
    defer { if path != nil { fclose(file) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n > 0 { bytes.append(contentsOf: chunk[..<n]) }
        if n < chunk.count {
            if ferror(file) != 0 { return nil }
            break
        }
    }
    return bytes
}

// Usage errors follow the toolkit's one-line form; help and --version print as usual; an
// error in scoring ends the program with one `mt-bleu: error:` line.
var command: ParsableCommand
do {
    command = try MTBleu.parseAsRoot()
} catch {
    let code = MTBleu.exitCode(for: error)
    if code.isSuccess { MTBleu.exit(withError: error) }
    let message = MTBleu.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    fputs("mt-bleu: error: \(message) (command line; see mt-bleu --help)\n", stderr)
    exit(code.rawValue)
}
exitOnError(program: "mt-bleu") {
    do { try command.run() } catch where MTBleu.exitCode(for: error).isSuccess { MTBleu.exit(withError: error) }
}
