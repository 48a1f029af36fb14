import Foundation
import Testing

/// End-to-end tests of the mt-preprocess binary (built by `swift build --build-tests`).
@Suite struct PreprocessCLITests {
    static let binary = CLI.binary("mt-preprocess")

    static let packageRoot = CLI.packageRoot

    static let corpora: String? = {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["MT_SHARED_CORPORA"],
                                     packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora").path]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    func sh(_ script: String, in directory: String) throws -> CLI.Result {
        try CLI.sh(script, binary: Self.binary, in: directory)
    }

    func scratch(_ files: [String: [UInt8]] = [:]) throws -> String {
        let dir = NSTemporaryDirectory() + "mt-preprocess-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes)) }
        return dir
    }

    func listing(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).sorted()
    }

    static let de = Array("Ein Mann schläft.\nZwei Frauen lesen ein Buch.\nEin Kind spielt im Garten.\nEine Frau liest.\n".utf8)
    static let en = Array("A man sleeps.\nTwo women read a book.\nA child plays in the garden.\nA woman reads.\n".utf8)

    /// The only stderr line that is not a progress or warning line must be the error.
    func expectOneError(_ r: CLI.Result, contains fragment: String) {
        #expect(r.status != 0)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("mt-preprocess: error: ") }
        #expect(errors.count == 1, "stderr: \(r.stderr)")
        #expect(errors.first?.contains(fragment) == true, "stderr: \(r.stderr)")
    }

    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build with swift build --build-tests")
    }

    @Test func tokenizeDetokenizeGivesTheNormalisedLine() throws {
        let input: [UInt8] = Array("Hello,  world!\t😀 ok\n我要去打篮球。今天天气很好\n a \u{301}b ￭ c\n\nשלום, עולם.\n".utf8) + [0x61, 0xFF, 0xED, 0xA0, 0x80, 0x0A]
        let dir = try scratch(["in.txt": input])
        let r = try sh("$B tokenize < in.txt | $B detokenize > round.txt && $B normalize < in.txt > norm.txt && cmp round.txt norm.txt && $B tokenize < in.txt", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "Hello ￭, world ￭! 😀 ok")
        #expect(lines[1].split(separator: " ").contains("￭篮球"))
        #expect(lines[1].split(separator: " ").contains("￭今天"))
        #expect(lines[3] == "")
        #expect(r.stderr.contains("mt-preprocess: warning: invalid UTF-8 replaced by U+FFFD (<stdin>:6)"))
    }

    @Test(.enabled(if: corpora != nil, "shared corpora not found"))
    func everySharedCorpusFileRoundTrips() throws {
        let script = """
            set -e; n=0
            for f in $(find "$CORPORA" -type f | sort); do
              "$B" tokenize < "$f" | "$B" detokenize > "$T/round"
              "$B" normalize < "$f" > "$T/norm"
              cmp -s "$T/round" "$T/norm" || { echo "differs: $f"; exit 1; }
              n=$((n + 1))
            done
            echo "$n files"
            """
        let dir = try scratch()
        let r = try sh("T=\(dir) CORPORA=\(Self.corpora!) sh -c '\(script.replacingOccurrences(of: "'", with: "'\\''"))'", in: dir)
        #expect(r.status == 0, "\(r.out) \(r.stderr)")
        #expect(r.out.hasSuffix("files\n"))
    }

    @Test func preprocessWritesEverythingAndTokenizeUsesIt() throws {
        let dir = try scratch(["train.de": Self.de, "train.en": Self.en, "val.de": Array("Ein Mann liest.\r\n".utf8), "val.en": Array("A man reads.\r\n".utf8)])
        let r = try sh("$B --train-src train.de --train-tgt train.en --valid-src val.de --valid-tgt val.en --out data --vocab-dir voc --bpe-merges 20 --joint-bpe --lowercase && echo 'Ein MANN schläft.' | $B tokenize --data data && echo 'ein ￭mann' | $B detokenize --data data", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(listing(dir + "/data") == ["settings.json", "source.bpe", "target.bpe", "train.bin", "valid.bin", "valid.source.txt", "valid.target.txt"])
        #expect(listing(dir + "/voc") == ["source.vocab", "target.vocab"])
        #expect(FileManager.default.contents(atPath: dir + "/data/valid.target.txt") == Data("A man reads.\r\n".utf8))
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("ein") == true)
        #expect(lines.last == "einmann")
    }

    /// vocab/sample/ holds what scripts/quickstart.sh writes there (its settings, here
    /// too): a change to the corpus or to tokenisation must come with new files.
    @Test func committedSampleVocabulariesAreCurrent() throws {
        let sample = Self.packageRoot.appendingPathComponent("corpora/sample").path
        let committed = Self.packageRoot.appendingPathComponent("vocab/sample").path
        let dir = try scratch()
        let r = try sh("$B prepare --train-src '\(sample)/train.en' --train-tgt '\(sample)/train.de' --out data --vocab-dir voc --src-lang en --tgt-lang de --bpe-merges 0", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["source.vocab", "target.vocab"] {
            let made = try #require(FileManager.default.contents(atPath: dir + "/voc/" + name))
            #expect(made == FileManager.default.contents(atPath: committed + "/" + name),
                    "vocab/sample/\(name) is not what mt-preprocess makes of corpora/sample: remake it as vocab/README.md shows")
        }
    }

    @Test func missingFile() throws {
        let dir = try scratch(["train.en": Self.en])
        let r = try sh("$B --train-src nope.de --train-tgt train.en --out data --vocab-dir voc", in: dir)
        expectOneError(r, contains: "no such file (nope.de)")
        #expect(listing(dir) == ["train.en"])
    }

    @Test func parallelFilesOfDifferentLength() throws {
        let dir = try scratch(["train.de": Self.de, "train.en": Array(Self.en.dropLast(15))])
        let r = try sh("$B --train-src train.de --train-tgt train.en --out data --vocab-dir voc", in: dir)
        expectOneError(r, contains: "parallel files differ in length: 4 and 3 lines (train.de, train.en)")
        #expect(listing(dir) == ["train.de", "train.en"])
    }

    @Test func invalidUTF8IsAWarning() throws {
        let dir = try scratch(["train.de": Self.de + [0x66, 0xFF, 0x0A], "train.en": Self.en + Array("f\n".utf8)])
        let r = try sh("$B --train-src train.de --train-tgt train.en --out data --vocab-dir voc", in: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("mt-preprocess: warning: invalid UTF-8 replaced by U+FFFD (train.de:5)"))
        #expect(String(decoding: FileManager.default.contents(atPath: dir + "/voc/source.vocab")!, as: UTF8.self).contains("\u{FFFD}"))
    }

    @Test func emptyAndLongPairsLeaveTheTrainingSet() throws {
        let long = Array((String(repeating: "lang ", count: 20_000) + "\n").utf8)  // a 100 kB line
        let dir = try scratch(["train.de": Self.de + Array("\nnur links\n".utf8) + long,
                               "train.en": Self.en + Array("only right\n\n".utf8) + long])
        let r = try sh("$B --train-src train.de --train-tgt train.en --valid-src train.de --valid-tgt train.en --out data --vocab-dir voc --max-length 50", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("left out of the training set: 2 empty pairs, 1 pairs longer than 50 tokens"))
        let settings = String(decoding: FileManager.default.contents(atPath: dir + "/data/settings.json")!, as: UTF8.self)
        #expect(settings.contains("\"trainPairs\" : 4"))
        #expect(settings.contains("\"validPairs\" : 7"))
    }

    @Test func onlyEmptyPairsIsAnError() throws {
        let dir = try scratch(["a": Array("\n\n".utf8), "b": Array("x\n\n".utf8)])
        let r = try sh("$B --train-src a --train-tgt b --out data --vocab-dir voc", in: dir)
        expectOneError(r, contains: "no training pairs left")
        #expect(listing(dir) == ["a", "b"])
    }

    @Test func unwritableOutputDirectory() throws {
        let dir = try scratch(["train.de": Self.de, "train.en": Self.en, "plain-file": []])
        let r = try sh("$B --train-src train.de --train-tgt train.en --out plain-file/data --vocab-dir voc", in: dir)
        expectOneError(r, contains: "cannot create directory: Not a directory (plain-file/data)")
        let r2 = try sh("$B --train-src train.de --train-tgt train.en --out new/data --vocab-dir plain-file/voc", in: dir)
        expectOneError(r2, contains: "(plain-file/voc)")
        #expect(listing(dir) == ["plain-file", "train.de", "train.en"])
    }

    @Test func vocabularyFromAnotherRunIsRejected() throws {
        let dir = try scratch(["train.de": Self.de, "train.en": Self.en, "other.en": Array("x y\nz\nw\nv\n".utf8)])
        let r = try sh("$B --train-src train.de --train-tgt train.en --out data --vocab-dir voc && $B --train-src train.de --train-tgt other.en --out data2 --vocab-dir voc && echo x | $B tokenize --data data", in: dir)
        expectOneError(r, contains: "does not match")
        #expect(r.stderr.contains("voc/target.vocab"))
    }
}
