import Foundation
import Testing
@testable import MTEval

/// Replays every case recorded from sacreBLEU (Fixtures/expected.json, written by
/// scripts/sacrebleu_fixtures.py) through the library and compares the printed text.
struct AgreementTests {
    struct Case: Decodable {
        let `case`: String
        let fixture: String
        let args: [String]
        let expected: String
    }

    struct Recording: Decodable {
        let version_placeholder: String
        let cases: [Case]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let recording: Recording = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode(Recording.self, from: data)
    }()

    static var fixtureNames: [String] { Array(Set(recording.cases.map(\.fixture))).sorted() }

    @Test func recordingCoversEnoughSets() {
        #expect(Self.fixtureNames.count >= 20)
        #expect(Self.recording.cases.count >= 500)
    }

    @Test(arguments: fixtureNames)
    func matchesSacreBLEU(fixture: String) throws {
        let dir = Self.fixtures.appendingPathComponent(fixture)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        // Hypotheses were fed to sacreBLEU on standard input (universal newlines).
        let hypotheses = try Self.lines(dir.appendingPathComponent("hyp.txt"), .universal)
        let references = try files.filter { $0.hasPrefix("ref") }.map { try Self.lines(dir.appendingPathComponent($0), .lineFeed) }
        for c in Self.recording.cases where c.fixture == fixture {
            let evaluation = try CommandLineOptions.parse(c.args)
            let expected = c.expected.replacingOccurrences(of: Self.recording.version_placeholder,
                                                           with: MTEvalVersion.signature)
            let actual = evaluation.report(hypotheses: hypotheses, references: references) + "\n"
            #expect(actual == expected, "\(c.case): \(c.args.joined(separator: " "))")
        }
    }

    static func lines(_ url: URL, _ newlines: TextLines.Newlines) throws -> [String] {
        TextLines.decode([UInt8](try Data(contentsOf: url)), newlines: newlines).lines
    }
}

/// The subset of mt-bleu's (and sacreBLEU's) options that the recorded cases use.
enum CommandLineOptions {
    struct Unknown: Error { let option: String }

    static func parse(_ args: [String]) throws -> Evaluation {
        var e = Evaluation()
        var i = 0
        func value() -> String { i += 1; return args[i] }
        while i < args.count {
            switch args[i] {
            case "-m":
                e.metrics = []
                while i + 1 < args.count, !args[i + 1].hasPrefix("-") { e.metrics.append(Evaluation.Metric(rawValue: value())!) }
            case "-tok": e.bleu.tokenizer = BLEUTokenizer(rawValue: value())!
            case "-s": e.bleu.smoothing = BLEU.Smoothing(rawValue: value())!
            case "-sv": e.bleu.smoothValue = Double(value())!
            case "-lc": e.bleu.lowercase = true
            case "-cw": e.chrf.wordOrder = Int(value())!
            case "-cc": e.chrf.charOrder = Int(value())!
            case "--chrf-beta": e.chrf.beta = Int(value())!
            case "--chrf-lowercase": e.chrf.lowercase = true
            case "--chrf-whitespace": e.chrf.whitespace = true
            case "--chrf-eps-smoothing": e.chrf.epsSmoothing = true
            case "-w": e.width = Int(value())!
            case "-b": e.scoreOnly = true
            case "-f": e.format = Evaluation.Format(rawValue: value())!
            case "-sh": e.shortSignature = true
            default: throw Unknown(option: args[i])
            }
            i += 1
        }
        return e
    }
}
