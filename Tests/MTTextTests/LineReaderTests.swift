import Foundation
import Testing
@testable import MTText

@Suite struct LineReaderTests {
    @Test func splitsOnNewlineAndDropsCarriageReturn() throws {
        let path = try temporaryFile(Array("a\r\nb\n\nc".utf8))
        #expect(try LineReader.lines(of: path) == ["a", "b", "", "c"])
        #expect(try LineReader.lines(of: try temporaryFile([])) == [])
        #expect(try LineReader.lines(of: try temporaryFile(Array("x\n".utf8))) == ["x"])
    }

    @Test func invalidUTF8BecomesReplacementWithWarning() throws {
        let path = try temporaryFile(Array("ok\n".utf8) + [0x61, 0xFF, 0x62, 0x0A] + [0xED, 0xA0, 0x80, 0x0A])
        var warnings: [String] = []
        let lines = try LineReader.lines(of: path) { warnings.append("\($0):\($1)") }
        #expect(lines[0] == "ok")
        #expect(lines[1] == "a\u{FFFD}b")
        #expect(lines[2].unicodeScalars.allSatisfy { $0 == "\u{FFFD}" })
        #expect(warnings == ["\(path):2", "\(path):3"])
    }

    @Test func longLinesAcrossReadChunks() throws {
        let long = String(repeating: "wörter ", count: 30_000)
        let path = try temporaryFile(Array((long + "\nshort\n").utf8))
        #expect(try LineReader.lines(of: path) == [long, "short"])
    }

    @Test func missingFileIsAnError() {
        #expect(throws: TextError("no such file", at: "/nonexistent/x")) { try LineReader(path: "/nonexistent/x") }
    }
}

func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let dir = try temporaryDirectory()
    let path = dir + "/file.txt"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "mttext-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
