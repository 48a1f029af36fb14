/// What every program that computes does first, before its command line: OpenBLAS on the
/// kernel of the CPU's instruction set (which may run the program again), and subnormal
/// floats flushed to zero for it, the threads it starts and OpenBLAS's threads.
public enum ProcessArithmetic {
    public static func prepare() {
        BLASKernelChoice.runWithBestKernel()
        Subnormals.flushToZeroWithBLASThreads()
    }
}
