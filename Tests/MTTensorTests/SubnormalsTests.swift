import MTTensor
import Testing

@Suite struct SubnormalsTests {
    /// Kept from the optimiser's folding: the operands come through a function it cannot see into.
    @inline(never) static func product(_ a: Float, _ b: Float) -> Float { a * b }

    @Test func subnormalsBecomeZeroOnlyWhileFlushing() {
        let tiny = Float.leastNormalMagnitude / 4   // subnormal
        #expect(tiny.isSubnormal)
        let before = Subnormals.flushToZero(true)
        let flushedIn = Self.product(tiny, 1)            // denormals-are-zero: the input reads as 0
        let flushedOut = Self.product(Float.leastNormalMagnitude, 0.25)   // flush-to-zero: the result
        Subnormals.flushToZero(before)   // this thread runs other tests after
        #if arch(x86_64)
        #expect(flushedIn == 0)
        #expect(flushedOut == 0)
        #endif
        #expect(Self.product(tiny, 1) == (before ? 0 : tiny))
    }
}
