import ArgumentParser
import MTCore
import MTModelFile
import MTText

struct ShortlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Build a lexical shortlist from a preprocessed training corpus, for mt-translate --shortlist.",
        discussion: """
            The shortlist holds the most frequent target subwords and, for each source subword, \
            the target subwords that occur with it most often in the training pairs (by the Dice \
            coefficient). mt-translate --shortlist then scores only those for each batch, which \
            makes decoding faster at a small cost in accuracy.
            """)

    @Option(help: "The preprocessed directory.") var data: String
    @Option(help: "Vocabulary directory, if not the one recorded in --data.") var vocabDir: String?
    @Option(help: "Write the shortlist here.") var out: String
    @Option(help: "The most frequent target subwords always allowed.") var frequent = 100
    @Option(help: "Target subwords kept per source subword.") var perSource = 25

    func run() throws {
        guard frequent >= 0, perSource >= 1 else {
            throw ProgramError("--frequent must be 0 or more and --per-source 1 or more")
        }
        let prepared = try PreprocessedData(directory: data, vocabularyDirectory: vocabDir)
        let train = try prepared.loadTrain()
        let shortlist = Shortlist.build(
            from: train, sourceVocabularySize: prepared.sourceVocabulary.count,
            targetVocabularySize: prepared.targetVocabulary.count, frequent: frequent, perSource: perSource)
        try shortlist.write(
            to: out, sourceVocabulary: prepared.sourceVocabulary, targetVocabulary: prepared.targetVocabulary)
        let sizes = shortlist.translations.map(\.count)
        StandardError.write(
            "mt-preprocess: shortlist of \(shortlist.frequent.count) frequent target subwords and up to "
                + "\(perSource) per source subword (\(sizes.reduce(0, +)) in all) written to \(out)\n")
    }
}
