import Testing
@testable import MTTensor

/// Tensor storage: 64-byte aligned, large blocks on 2 MiB boundaries (where huge pages can
/// back them), zero-filled when made or grown, contents kept within the capacity.
@Suite struct HugePageStorageTests {
    @Test func alignmentBySize() {
        let small = Tensor<Float>([3, 5])
        #expect(UInt(bitPattern: small.data) % 64 == 0)
        let large = Tensor<Float>([1 << 20])   // 4 MiB
        #expect(UInt(bitPattern: large.data) % UInt(HugePageStorage.hugePage) == 0 || !isLinux)
        #expect((0..<large.count).allSatisfy { large.data[$0] == 0 })
    }

    @Test func growingZeroFillsAndShrinkingKeepsContents() {
        let t = Tensor<Float>([16])
        for i in 0..<16 { t.data[i] = Float(i + 1) }
        t.resize([4])
        #expect((0..<4).map { t.data[$0] } == [1, 2, 3, 4])
        t.resize([600_000])   // past 2 MiB: new storage, zeros
        #expect(t.capacity == 600_000)
        #expect(UInt(bitPattern: t.data) % 64 == 0)
        #expect((0..<t.count).allSatisfy { t.data[$0] == 0 })
        t.data[599_999] = 7
        t.resize([700_000])
        #expect(t.data[599_999] == 0 && t.data[699_999] == 0)
    }

    private var isLinux: Bool {
        #if os(Linux)
        true
        #else
        false
        #endif
    }
}
