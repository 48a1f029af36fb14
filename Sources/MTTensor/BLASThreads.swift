import CBLAS

/// OpenBLAS's thread pool. Set it once, before the first GEMM: changing it later
/// was unreliable with the OpenBLAS shipped by Debian.
public enum BLASThreads {
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    public static var current: Int { Int(openblas_get_num_threads()) }
}
