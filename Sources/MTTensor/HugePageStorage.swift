#if canImport(Glibc)
import Glibc
#endif

/// Storage of tensors and packed weights: 64-byte aligned for vector loads; a large block
/// also starts on a 2 MiB boundary with transparent huge pages asked for (Linux), so that
/// its first touch costs a page fault per 2 MiB instead of per 4 KiB. A search's buffers
/// grow with its batches: in int8 beam search on Multi30k the faults' page clearing took 4%
/// of the time, and asking for huge pages cut the faults threefold.
enum HugePageStorage {
    static let hugePage = 2 << 20

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        #if os(Linux)
        let alignment = bytes >= hugePage ? hugePage : 64
        var block: UnsafeMutableRawPointer?
        guard posix_memalign(&block, alignment, Swift.max(bytes, 1)) == 0, let block else {
            fatalError("out of memory: \(bytes) bytes")
        }
        // Advice only: where the kernel gives no huge pages, the block works as it is.
        if alignment == hugePage { _ = madvise(block, bytes, MADV_HUGEPAGE) }
        return block
        #else
        return UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 1), alignment: 64)
        #endif
    }

    static func deallocate(_ block: UnsafeMutableRawPointer) {
        #if os(Linux)
        free(block)
        #else
        block.deallocate()
        #endif
    }

    /// Room for `count` values of `type`.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(bytes: count * MemoryLayout<T>.stride).bindMemory(to: type, capacity: count)
    }

    static func deallocate<T>(_ values: UnsafeMutablePointer<T>) { deallocate(UnsafeMutableRawPointer(values)) }
}
