import CPackedGEMM

/// Subnormal floats (below 1.2e-38) as zero, in and out of every operation: what training
/// and translation lose is nothing they could represent usefully, what they gain is the
/// speed of the hardware's fast path (see subnormals.c).
public enum Subnormals {
    /// Sets the mode for this thread and the threads it starts from now on; returns the
    /// previous one.
    @discardableResult
    public static func flushToZero(_ on: Bool = true) -> Bool {
        subnormals_flush_to_zero(on ? 1 : 0) != 0
    }

    /// The mode for this thread and for OpenBLAS's threads too: its pool, started when the
    /// library loaded, is started again from this thread. For a program's start, before any
    /// BLAS call and before other threads exist.
    public static func flushToZeroWithBLASThreads() {
        flushToZero()
        _ = subnormals_restart_blas_threads()
    }
}
