import Foundation
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing

/// End-to-end tests of the mt-translate binary (built by `swift build --build-tests`) on a
/// random-weight model with a real text pipeline: line discipline does not need a good model.
@Suite struct TranslateCLITests {
    static let binary = CLI.binary("mt-translate")

    static let packageRoot = CLI.packageRoot

    func sh(_ script: String, in directory: String) throws -> CLI.Result {
        try CLI.sh(script, binary: Self.binary, in: directory)
    }

    /// A scratch directory holding m.safetensors: a small random model with a BPE pipeline.
    static func modelDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "mt-translate-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let src = ["Ein Mann schläft.", "Eine Frau liest ein Buch.", "Zwei Männer spielen.", "Ein Kind liest.", "我要去打篮球。"]
        let tgt = ["A man sleeps.", "A woman reads a book.", "Two men play.", "A child reads.", "I am going to play basketball."]
        try src.joined(separator: "\n").write(toFile: dir + "/train.de", atomically: true, encoding: .utf8)
        try tgt.joined(separator: "\n").write(toFile: dir + "/train.en", atomically: true, encoding: .utf8)
        var options = PreprocessOptions(trainSource: dir + "/train.de", trainTarget: dir + "/train.en", outputDirectory: dir + "/data")
        options.vocabularyDirectory = dir + "/vocab"
        options.bpeMerges = 10
        try Preprocessor.run(options)
        let pipeline = try PreprocessedData(directory: dir + "/data").makePipeline()
        var config = Seq2SeqConfig(
            sourceVocabularySize: pipeline.sourceVocabulary.count, targetVocabularySize: pipeline.targetVocabulary.count)
        config.embeddingSize = 8
        config.hiddenSize = 8
        config.encoderLayers = 1
        config.decoderLayers = 2
        config.paramInit = 0.5
        try ModelFile.save(Seq2Seq<Float>(config, rng: SeededRandom(seed: 4)), pipeline: pipeline, to: dir + "/m.safetensors")
        return dir
    }

    /// Empty lines, invalid bytes, a line of 1,000 words (translated in pieces), CJK text, CRLF.
    static let mixedInput: [UInt8] = {
        var bytes: [UInt8] = Array("Ein Mann schläft.\n\n".utf8)
        bytes += [0x45, 0x69, 0x6E, 0xFF, 0xFE, 0x20, 0x4B, 0x69, 0x6E, 0x64, 0x0A]
        bytes += Array(String(repeating: "Buch ", count: 1_000).utf8) + [0x0A]
        bytes += Array("我要去打篮球。今天天气很好\n\r\n \n".utf8)
        bytes += Array("Zwei Frauen lesen ein Buch.".utf8)   // no final newline
        return bytes
    }()
    static let mixedLineCount = 8

    @Test func lineDisciplineOnMixedInput() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/in.txt", contents: Data(Self.mixedInput))
        for flags in ["--beam-size 1", "--beam-size 3 --batch-size 2", "--beam-size 2 --replace-unk --max-source-length 40"] {
            let r = try sh("$B --model m.safetensors \(flags) < in.txt", in: dir)
            #expect(r.status == 0, "\(flags): \(r.stderr)")
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == Self.mixedLineCount + 1 && lines.last == "", "\(flags): \(r.out)")
            // Blank lines come back as they were, white space included.
            #expect(lines[1] == "" && lines[5] == "" && lines[6] == " ")
            #expect(r.stderr.contains("mt-translate: warning: invalid UTF-8 replaced by U+FFFD (<stdin>:3)"), "\(r.stderr)")
            #expect(r.stderr.contains("pieces of at most") && r.stderr.contains("(<stdin>:4)"), "\(r.stderr)")
        }
        // The same lines one at a time give the same output (no batch effects, input order kept).
        let all = try sh("$B --model m.safetensors --beam-size 3 < in.txt", in: dir)
        let one = try sh("for i in 1 2 3 4 5 6 7 8; do sed -n \"${i}p\" in.txt | $B --model m.safetensors --beam-size 3; done", in: dir)
        #expect(all.out == one.out)
        // Any number of worker threads gives the same lines.
        for flags in ["--beam-size 3 --batch-size 2", "--beam-size 1 --batch-size 1", "--beam-size 4 --n-best 2 --batch-size 3"] {
            let w1 = try sh("$B --model m.safetensors \(flags) --threads 1 < in.txt", in: dir)
            let w2 = try sh("$B --model m.safetensors \(flags) --threads 2 < in.txt", in: dir)
            #expect(w1.status == 0 && w2.status == 0, "\(w1.stderr) \(w2.stderr)")
            #expect(w1.out == w2.out, "\(flags)")
        }
    }

    /// A line of several sentences is exactly its sentences' own translations, joined with
    /// the line's spaces; --no-split translates the line as one sentence.
    @Test func aLineOfSentencesIsTheSentencesTranslationsJoined() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sentences = ["Ein Mann schläft.", "Eine Frau liest ein Buch!", "Zwei Männer spielen?"]
        try (sentences.joined(separator: "\n") + "\n").write(toFile: dir + "/one.txt", atomically: true, encoding: .utf8)
        try ("  " + sentences.joined(separator: " ") + "\n" + sentences[0] + "  " + sentences[1] + "\n")
            .write(toFile: dir + "/line.txt", atomically: true, encoding: .utf8)
        for flags in ["--beam-size 1", "--beam-size 3"] {
            let one = try sh("$B --model m.safetensors \(flags) --no-split < one.txt", in: dir)
            let line = try sh("$B --model m.safetensors \(flags) < line.txt", in: dir)
            #expect(one.status == 0 && line.status == 0, "\(one.stderr) \(line.stderr)")
            let t = one.out.split(separator: "\n").map(String.init)
            #expect(line.out == "  " + t.joined(separator: " ") + "\n" + t[0] + "  " + t[1] + "\n", "\(flags)")
            // Word alignments point into the whole line.
            let aligned = try sh("$B --model m.safetensors \(flags) --alignment < line.txt", in: dir)
            let links = aligned.out.split(separator: "\n")[0].components(separatedBy: " ||| ")[1].split(separator: " ")
            let sources = links.compactMap { Int($0.split(separator: "-")[0]) }
            #expect(sources.max() ?? 0 >= 5, "\(aligned.out)")
        }
        let whole = try sh("$B --model m.safetensors --no-split < line.txt", in: dir)
        let asOne = try sh("head -n 1 line.txt | $B --model m.safetensors --no-split", in: dir)
        #expect(whole.out.split(separator: "\n").first == asOne.out.split(separator: "\n").first)
        #expect(!whole.out.hasPrefix("  "))
    }

    /// --format html: the document's markup comes back as it was, its text translated.
    @Test func htmlDocumentKeepsItsMarkup() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = "<!DOCTYPE html>\n<html><head><title>Ein Buch</title><style>p { color: red; }</style></head>\n"
            + "<body><p class=\"x\">Ein Mann <b>schläft</b>. Eine Frau liest.</p>\n<pre>Ein Kind.</pre></body></html>\n"
        try html.write(toFile: dir + "/page.html", atomically: true, encoding: .utf8)
        let r = try sh("$B --model m.safetensors --format html < page.html", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for kept in ["<!DOCTYPE html>\n<html><head><title>", "</title><style>p { color: red; }</style></head>\n<body><p class=\"x\">",
                     "<b>", "</b>", "</p>\n<pre>Ein Kind.</pre></body></html>\n"] {
            #expect(r.out.contains(kept), "\(kept): \(r.out)")
        }
        let bad = try sh("echo hi | $B --model m.safetensors --format pdf", in: dir)
        #expect(bad.status != 0 && bad.stderr.contains("unknown --format 'pdf'"), "\(bad.stderr)")
    }

    @Test func nBestLinesPerInput() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/in.txt", contents: Data(Self.mixedInput))
        let r = try sh("$B --model m.safetensors --beam-size 4 --n-best 3 --input in.txt", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 * Self.mixedLineCount)
        for (n, line) in lines.enumerated() {
            let fields = line.components(separatedBy: " ||| ")
            #expect(fields.count == 3, "\(line)")
            #expect(Int(fields[0]) == n / 3)
            #expect(Double(fields[2]) != nil)
        }
        #expect(lines[3] == "1 |||  ||| 0.000000")
    }

    @Test func verboseReportsLinesAndSpeedOnStandardErrorOnly() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = "printf 'Ein Mann liest.\\n\\nZwei Frauen.\\n' | $B --model m.safetensors --beam-size 2"
        let quiet = try sh(input, in: dir)
        let r = try sh(input + " --verbose", in: dir)
        #expect(r.status == 0 && quiet.stderr.isEmpty)
        #expect(r.out == quiet.out)
        let report = r.stderr.split(separator: "\n")
        #expect(report.count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("mt-translate: 3 lines, ") && r.stderr.contains(" target tokens (with </s>) in ")
                && r.stderr.contains(" lines/s, ") && r.stderr.contains("model loaded in "), "\(r.stderr)")
    }

    @Test func attentionFileIsJSONWithRowsSummingToOne() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try sh("printf 'Ein Mann liest.\\n\\n我要去打篮球。\\n' | $B --model m.safetensors --attention att.jsonl", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: dir + "/att.jsonl", encoding: .utf8)
        let records = text.split(separator: "\n")
        #expect(records.count == 3)
        for (i, record) in records.enumerated() {
            let json = try JSONSerialization.jsonObject(with: Data(record.utf8)) as! [String: Any]
            #expect(json["index"] as? Int == i)
            let source = json["source"] as! [String], target = json["target"] as! [String]
            let weights = json["weights"] as! [[Double]]
            #expect(weights.count == target.count)
            for row in weights {
                #expect(row.count == source.count)
                #expect(abs(row.reduce(0, +) - 1) < 1e-4)
            }
        }
    }

    @Test func unusableModelsAndMissingOptionsGiveOneLineErrors() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scripts = [
            "echo hi | $B": "missing --model",
            "echo hi | $B --model nowhere.safetensors": "nowhere.safetensors",
            "head -c 3000 m.safetensors > cut.safetensors; echo hi | $B --model cut.safetensors": "cut.safetensors",
            "printf 'garbage' > g.safetensors; echo hi | $B --model g.safetensors": "g.safetensors",
            "echo hi | $B --model m.safetensors --beam-size 2 --n-best 3": "n-best",
            "echo hi | $B --model m.safetensors --shortlist nowhere": "nowhere",
            "echo hi | $B --model m.safetensors --shortlist m.safetensors": "not a shortlist",
        ]
        for (script, fragment) in scripts {
            let r = try sh(script, in: dir)
            #expect(r.status != 0, "\(script)")
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("mt-translate: error: ") }
            #expect(errors.count == 1 && r.stderr.split(separator: "\n").count == 1, "\(script): \(r.stderr)")
            #expect(errors.first?.contains(fragment) == true, "\(script): \(r.stderr)")
            #expect(r.out.isEmpty)
        }
    }

    /// `mt-preprocess shortlist` from the model's data, then `--shortlist`: one line per
    /// input as always; a shortlist built from other data is refused.
    @Test func shortlistFromTheTrainingDataIsUsedAndAForeignOneRefused() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let preprocess = CLI.binary("mt-preprocess")
        var r = try sh("\(preprocess) shortlist --data data --out s.safetensors --frequent 5 --per-source 3", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        _ = FileManager.default.createFile(atPath: dir + "/in.txt", contents: Data(Self.mixedInput))
        r = try sh("$B --model m.safetensors --shortlist s.safetensors --beam-size 3 < in.txt", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.split(separator: "\n", omittingEmptySubsequences: false).count == Self.mixedLineCount + 1)

        r = try sh("""
            printf 'Ein Hund.\\nZwei Hunde.\\n' > other.de; printf 'A dog.\\nTwo dogs.\\n' > other.en
            \(preprocess) --train-src other.de --train-tgt other.en --out other --vocab-dir other/vocab --bpe-merges 5 2>/dev/null
            \(preprocess) shortlist --data other --out foreign.safetensors 2>/dev/null
            echo hi | $B --model m.safetensors --shortlist foreign.safetensors
            """, in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("mt-translate: error: the shortlist was built with other vocabularies"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.out.isEmpty)
    }

    @Test func outputAppearsWhileInputIsStillOpen() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The first line must come out while the writer still holds stdin open.
        let r = try sh("""
            mkfifo fifo
            ( echo 'Ein Mann schläft.'; i=0; while [ ! -s out.txt ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; \
              if [ -s out.txt ]; then echo early > flag; fi; echo 'Ein Kind.' ) > fifo &
            $B --model m.safetensors < fifo > out.txt
            wait
            cat flag; wc -l < out.txt
            """, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.contains("early"), "\(r.out) \(r.stderr)")
        #expect(r.out.hasSuffix("2\n"))
    }
}
