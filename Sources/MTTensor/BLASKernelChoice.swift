import CPackedGEMM
import Foundation

/// OpenBLAS picks its kernels by CPU model, and the OpenBLAS of Debian 12 (0.3.21) knows
/// no model newer than its release: on an Emerald Rapids Xeon it runs its Prescott (SSE3)
/// kernel, at a tenth of the speed (34 against 292 GFLOP/s on 2 cores). It reads
/// OPENBLAS_CORETYPE only as it loads, before any of our code, so a program that finds
/// itself on a kernel without AVX2 on a CPU with AVX2 runs itself again, at once, with
/// OPENBLAS_CORETYPE naming the kernel of the CPU's instruction set.
public enum BLASKernelChoice {
    /// OpenBLAS kernel families with AVX2 or better.
    static let vectorKernels: Set<String> = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"]

    /// The kernel OPENBLAS_CORETYPE should name, or nil when OpenBLAS's own choice stands:
    /// the variable is set (the user's choice), or the kernel has AVX2 already, or the
    /// CPU has not.
    public static func better(than kernel: String, environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, !vectorKernels.contains(kernel),
              let best = blas_coretype_for_cpu() else { return nil }
        return String(cString: best)
    }

    /// Call first thing in `main`: returns at once when OpenBLAS's kernel stands; otherwise
    /// the process image is replaced and does not return (if that fails, the program goes on
    /// with OpenBLAS's kernel).
    public static func runWithBestKernel() {
        guard let best = better(than: BLASThreads.kernel, environment: ProcessInfo.processInfo.environment) else { return }
        #if os(Linux)
        // The program's own path rather than /proc/self/exe, which would name the process
        // "exe" for ps and pkill.
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        setenv("OPENBLAS_CORETYPE", best, 1)
        execv(path, CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
