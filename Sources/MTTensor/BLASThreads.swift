import CBLAS

/// OpenBLAS's thread pool. Set it once, before the first GEMM: changing it later
/// was unreliable with the OpenBLAS shipped by Debian.
public enum BLASThreads {
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    public static var current: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS chose for this CPU (e.g. "Haswell", "Cooperlake"), or
    /// the one forced by OPENBLAS_CORETYPE: speed figures depend on it.
    public static var kernel: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// "OpenBLAS Cooperlake kernel, 2 threads", for progress lines and benchmarks.
    public static var summary: String {
        "OpenBLAS \(kernel) kernel, \(current) thread\(current == 1 ? "" : "s")"
    }
}
