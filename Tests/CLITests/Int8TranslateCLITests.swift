import Foundation
import Testing

/// mt-translate --int8: one line out per line in, with every int8 kernel the same, and a
/// kernel choice it cannot honour refused.
@Suite struct Int8TranslateCLITests {
    func sh(_ script: String, in directory: String) throws -> CLI.Result {
        try CLI.sh(script, binary: TranslateCLITests.binary, in: directory)
    }

    @Test func translatesTheSameOnEveryKernel() throws {
        let dir = try TranslateCLITests.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = "Ein Mann schläft.\n\nEine Frau liest ein Buch.\nZwei Männer spielen.\n"
        try input.write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        let float = try sh("$B --model m.safetensors --beam-size 3 < in.txt", in: dir)
        let int8 = try sh("$B --model m.safetensors --beam-size 3 --int8 --verbose < in.txt", in: dir)
        #expect(float.status == 0 && int8.status == 0, "\(float.stderr) \(int8.stderr)")
        #expect(int8.out.split(separator: "\n", omittingEmptySubsequences: false).count == 5, "\(int8.out)")
        #expect(int8.stderr.contains("int8 products ("), "\(int8.stderr)")
        for kernel in ["avx512vnni", "avxvnni", "avx2", "portable"] {
            let r = try sh("SWIFTNMT_INT8_KERNEL=\(kernel) $B --model m.safetensors --beam-size 3 --int8 < in.txt", in: dir)
            if r.status == 0 {
                #expect(r.out == int8.out, "\(kernel)")
            } else {
                #expect(r.stderr.contains("this CPU lacks the instructions"), "\(kernel): \(r.stderr)")
            }
        }
        let scored = try sh("printf 'Ein Mann schläft.\\tA man sleeps.\\n' | $B --model m.safetensors --score --int8", in: dir)
        #expect(scored.status == 0 && scored.out.split(separator: "\t").count == 2, "\(scored.out) \(scored.stderr)")
    }

    @Test func refusesAnUnknownKernel() throws {
        let dir = try TranslateCLITests.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try sh("echo 'Ein Mann.' | SWIFTNMT_INT8_KERNEL=sse9 $B --model m.safetensors --int8", in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("SWIFTNMT_INT8_KERNEL=sse9 is none of avx512vnni, avxvnni, avx2, portable"), "\(r.stderr)")
        #expect(r.out.isEmpty)
    }
}
