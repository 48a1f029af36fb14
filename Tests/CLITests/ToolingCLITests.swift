import Foundation
import MTModelFile
import MTText
import Testing

/// End-to-end tests of ensembles, scoring, alignments and prefixes in mt-translate, and of
/// mt-average, on the random-weight model of `TranslateCLITests`.
@Suite struct ToolingCLITests {
    func sh(_ script: String, in directory: String) throws -> CLI.Result {
        try CLI.sh(script, binary: TranslateCLITests.binary, in: directory)
    }

    static let input = "Ein Mann schläft.\n\nZwei Frauen lesen ein Buch.\n我要去打篮球。\nEin Kind liest ein Buch.\n"

    func withModel(_ body: (String) throws -> Void) throws {
        let dir = try TranslateCLITests.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.input.write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        try body(dir)
    }

    @Test func anEnsembleOfOneOrTwoEqualModelsTranslatesAsTheModel() throws {
        try withModel { dir in
            _ = try sh("cp m.safetensors m2.safetensors", in: dir)
            for flags in ["--beam-size 1", "--beam-size 3 --n-best 2 --threads 2 --batch-size 2", "--beam-size 2 --alignment"] {
                let one = try sh("$B --model m.safetensors \(flags) < in.txt", in: dir)
                let two = try sh("$B --model m.safetensors --model m2.safetensors \(flags) < in.txt", in: dir)
                #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
                #expect(two.out == one.out, "\(flags)")
                #expect(one.out.split(separator: "\n", omittingEmptySubsequences: false).count
                        == (flags.contains("n-best") ? 10 : 5) + 1)
            }
        }
    }

    @Test func anEnsembleNeedsOneTargetVocabulary() throws {
        try withModel { dir in
            let loaded = try ModelFile.load(dir + "/m.safetensors")
            let p = loaded.pipeline
            var words = p.targetVocabulary.fileText.split(separator: "\n").map(String.init)
            words[words.count - 1] = "zzzz\t1"
            let other = try Vocabulary(fileText: words.joined(separator: "\n") + "\n")
            var settings = p.settings
            settings.targetVocabularyHash = other.hash
            let pipeline = try TextPipeline(
                settings: settings, sourceCodes: p.sourceCodes, targetCodes: p.targetCodes,
                sourceVocabulary: p.sourceVocabulary, targetVocabulary: other)
            try ModelFile.save(loaded.model, pipeline: pipeline, to: dir + "/other.safetensors")
            let r = try sh("$B --model m.safetensors --model other.safetensors < in.txt", in: dir)
            #expect(r.status != 0 && r.out.isEmpty)
            #expect(r.stderr == "mt-translate: error: its target vocabulary differs from that of m.safetensors; "
                    + "an ensemble needs one (other.safetensors)\n", "\(r.stderr)")
        }
    }

    @Test func scoresFromTabColumnsOrATargetFileAgreeAndKeepTheLines() throws {
        try withModel { dir in
            let targets = "A man sleeps.\n\nTwo women read a book.\nI play.\nA child reads.\n"
            try targets.write(toFile: dir + "/tgt.txt", atomically: true, encoding: .utf8)
            let file = try sh("$B --model m.safetensors --score --target tgt.txt --token-scores < in.txt", in: dir)
            let tab = try sh("paste in.txt tgt.txt | $B --model m.safetensors --score --token-scores", in: dir)
            #expect(file.status == 0 && tab.status == 0, "\(file.stderr) \(tab.stderr)")
            // An empty pair gives an empty line; `paste` writes a lone tab for it.
            #expect(file.out == tab.out)
            let lines = file.out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 6 && lines[1] == "" && lines[5] == "", "\(file.out)")
            for line in lines where !line.isEmpty {
                let columns = line.split(separator: "\t")
                #expect(columns.count == 3, "\(line)")
                let total = Double(columns[0])!, perToken = Double(columns[1])!
                let tokens = columns[2].split(separator: " ").map { Double($0)! }
                #expect(total < 0 && abs(tokens.reduce(0, +) - total) < 1e-4 && abs(total / Double(tokens.count) - perToken) < 1e-5)
            }
        }
    }

    @Test func scoringInputErrorsAreOneLineAndNameTheLine() throws {
        try withModel { dir in
            let scripts = [
                "$B --model m.safetensors --score < in.txt": "no target to score (expected SOURCE<TAB>TARGET) (<stdin>:1)",
                "printf 'a\\n' > short.txt; $B --model m.safetensors --score --target short.txt < in.txt": "short.txt has fewer lines than the input (<stdin>:2)",
                "printf 'a\\n\\n\\n\\n\\nb\\n' > long.txt; $B --model m.safetensors --score --target long.txt < in.txt": "long.txt has more lines than the input (long.txt:6)",
                "$B --model m.safetensors --target in.txt < in.txt": "--target needs --score",
                "$B --model m.safetensors --score --n-best 2 < in.txt": "--score takes no --n-best",
                "$B --model m.safetensors --prefix in.txt --prefix-column < in.txt": "not both",
            ]
            for (script, fragment) in scripts {
                let r = try sh(script, in: dir)
                #expect(r.status != 0, "\(script)")
                let errors = r.stderr.split(separator: "\n")
                #expect(errors.count == 1 && errors[0].hasPrefix("mt-translate: error: ") && errors[0].contains(fragment),
                        "\(script): \(r.stderr)")
            }
        }
    }

    @Test func alignmentsFollowEachOutputWithinBounds() throws {
        try withModel { dir in
            let r = try sh("$B --model m.safetensors --alignment --beam-size 3 < in.txt", in: dir)
            let n = try sh("$B --model m.safetensors --alignment --beam-size 3 --n-best 2 < in.txt", in: dir)
            let plain = try sh("$B --model m.safetensors --beam-size 3 < in.txt", in: dir)
            #expect(r.status == 0 && n.status == 0, "\(r.stderr) \(n.stderr)")
            let sources = Self.input.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in r.out.split(separator: "\n").enumerated() {
                let fields = line.components(separatedBy: " ||| ")
                #expect(fields.count == 2, "\(line)")
                #expect(fields[0] == plain.out.split(separator: "\n", omittingEmptySubsequences: false)[i].description)
                let links = fields[1].split(separator: " ").map { $0.split(separator: "-").map { Int($0)! } }
                let targetWords = fields[0].split(separator: " ").count, sourceWords = sources[i].split(separator: " ").count
                #expect(Set(links.map { $0[1] }) == Set(0..<targetWords), "\(line)")
                #expect(links.allSatisfy { $0[0] >= 0 && $0[0] < sourceWords }, "\(line)")
            }
            for line in n.out.split(separator: "\n") { #expect(line.components(separatedBy: " ||| ").count == 4, "\(line)") }
        }
    }

    @Test func prefixesFromAColumnOrAFileStartTheOutputs() throws {
        try withModel { dir in
            try "A man\n\nTwo women\n\nA child reads a book\n".write(toFile: dir + "/prefix.txt", atomically: true, encoding: .utf8)
            let file = try sh("$B --model m.safetensors --prefix prefix.txt --beam-size 3 < in.txt", in: dir)
            let column = try sh("paste in.txt prefix.txt | $B --model m.safetensors --prefix-column --beam-size 3", in: dir)
            #expect(file.status == 0 && column.status == 0, "\(file.stderr) \(column.stderr)")
            #expect(file.out == column.out)
            let lines = file.out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 6 && lines[1] == "")
            for (i, prefix) in ["A man", "", "Two women", "", "A child reads a book"].enumerated() {
                #expect(lines[i].hasPrefix(prefix), "\(lines[i])")
            }
        }
    }

    @Test func averagingTwoCopiesGivesTheModelAndOtherShapesAreRefused() throws {
        try withModel { dir in
            let average = CLI.binary("mt-average")
            var r = try sh("cp m.safetensors m2.safetensors; \(average) m.safetensors m2.safetensors --output avg.safetensors", in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(FileManager.default.contents(atPath: dir + "/avg.safetensors") == FileManager.default.contents(atPath: dir + "/m.safetensors"))
            r = try sh("\(average) m.safetensors --output avg.safetensors; \(average) m.safetensors data/nothing --output x; echo $?", in: dir)
            #expect(r.out.hasSuffix("1\n"), "\(r.out)")
            #expect(r.stderr.contains("mt-average: error: cannot read model file"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x"))
            r = try sh("\(average) m.safetensors", in: dir)
            #expect(r.status != 0 && r.stderr.contains("missing --output"), "\(r.stderr)")
        }
    }
}
