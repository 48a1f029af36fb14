import CPackedGEMM
import MTTensor
import Testing

@Suite struct BLASKernelChoiceTests {
    let cpu = blas_coretype_for_cpu().map { String(cString: $0) }

    @Test func aKernelWithoutAVX2IsReplacedWhereTheCPUHasIt() {
        for fallback in ["Prescott", "Core2", "Nehalem", "Sandybridge"] {
            #expect(BLASKernelChoice.better(than: fallback, environment: [:]) == cpu)
        }
    }

    @Test func theUsersChoiceAndVectorKernelsStand() {
        #expect(BLASKernelChoice.better(than: "Prescott", environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
        for kernel in ["Haswell", "Zen", "SkylakeX", "Cooperlake"] {
            #expect(BLASKernelChoice.better(than: kernel, environment: [:]) == nil)
        }
    }

    @Test func theChoiceIsAKernelOpenBLASKnows() {
        if let cpu { #expect(["Haswell", "SkylakeX"].contains(cpu)) }
    }
}
