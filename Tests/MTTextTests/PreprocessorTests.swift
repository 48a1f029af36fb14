import Foundation
import Testing
@testable import MTText

@Suite struct PreprocessorTests {
    static let de = ["Ein Mann schläft.", "Zwei Frauen lesen ein Buch.", "", "Ein Kind spielt im Garten.", "EINE Frau liest.", "Ein Mann liest ein Buch."]
    static let en = ["A man sleeps.", "Two women read a book.", "Nothing.", "A child plays in the garden.", "A WOMAN reads.", "A man reads a book."]

    func run(joint: Bool, lowercase: Bool) throws -> (PreprocessedData, PreprocessSettings) {
        let dir = try temporaryDirectory()
        try (Self.de.joined(separator: "\n") + "\n").write(toFile: dir + "/t.de", atomically: true, encoding: .utf8)
        try (Self.en.joined(separator: "\n") + "\n").write(toFile: dir + "/t.en", atomically: true, encoding: .utf8)
        var o = PreprocessOptions(trainSource: dir + "/t.de", trainTarget: dir + "/t.en", outputDirectory: dir + "/data")
        o.validSource = dir + "/t.de"
        o.validTarget = dir + "/t.en"
        o.vocabularyDirectory = dir + "/vocab"
        o.bpeMerges = 30
        o.jointBPE = joint
        o.lowercase = lowercase
        let settings = try Preprocessor.run(o)
        return (try PreprocessedData(directory: dir + "/data"), settings)
    }

    @Test(arguments: [(false, false), (true, false), (true, true)])
    func encodedCorpusDecodesToTheNormalisedLines(joint: Bool, lowercase: Bool) throws {
        let (data, settings) = try run(joint: joint, lowercase: lowercase)
        #expect(data.settings == settings)
        #expect(settings.trainPairs == 5 && settings.trainPairsDropped == 1 && settings.validPairs == 6)
        #expect((data.sourceCodes == data.targetCodes) == joint)
        let pipeline = try data.makePipeline()
        let train = try data.loadTrain()
        let kept = Self.en.filter { !$0.isEmpty }.indices.filter { !Self.de[$0].isEmpty }
        for (i, line) in kept.map({ Self.en[$0] }).enumerated() {
            #expect(pipeline.decodeTarget(Array(train.target(i))) == pipeline.normalize(line, side: .target))
        }
        // The training pairs are encoded exactly as the loaded pipeline encodes a line.
        #expect(train.count == kept.count)
        for (i, k) in kept.enumerated() {
            #expect(Array(train.source(i)) == pipeline.encodeSource(Self.de[k]))
            #expect(Array(train.target(i)) == pipeline.encodeTarget(Self.en[k]))
        }
        let valid = try #require(try data.loadValid())
        #expect(valid.count == 6)
        #expect(valid.sourceLength(2) == 0)
        #expect(try data.validReferences() == Self.en)
        #expect(pipeline.encodeSource(Self.de[0]) == Array(valid.source(0)))
    }

    @Test func vocabularyOfAnotherRunIsRejected() throws {
        let (data, _) = try run(joint: true, lowercase: false)
        try "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nx\t1\n".write(toFile: data.vocabularyDirectory + "/target.vocab", atomically: true, encoding: .utf8)
        #expect(throws: TextError.self) { try PreprocessedData(directory: data.directory) }
    }

    @Test func mismatchedLengthsWriteNothing() throws {
        let dir = try temporaryDirectory()
        try "a\nb\n".write(toFile: dir + "/s", atomically: true, encoding: .utf8)
        try "a\n".write(toFile: dir + "/t", atomically: true, encoding: .utf8)
        let o = PreprocessOptions(trainSource: dir + "/s", trainTarget: dir + "/t", outputDirectory: dir + "/out/data")
        #expect(throws: TextError("parallel files differ in length: 2 and 1 lines", at: "\(dir)/s, \(dir)/t")) { try Preprocessor.run(o) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }
}
