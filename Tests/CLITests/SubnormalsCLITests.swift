import Foundation
import Testing

/// Every BLAS thread of a program computes with subnormal floats flushed to zero, OpenBLAS's
/// pool (started when the library loads, before main sets the mode) too: `mt-bench
/// subnormals` shares a product of subnormal inputs out over 2 threads and checks every result.
@Suite struct SubnormalsCLITests {
    @Test func blasThreadsFlushSubnormals() throws {
        #if arch(x86_64)
        let r = try CLI.sh("$B subnormals --threads 2", binary: CLI.binary("mt-bench"), in: NSTemporaryDirectory())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.contains("2 threads: all 262144 results flushed to zero"), "\(r.out)")
        #endif
    }
}
