// Generic bodies of the random requirements of `Real` (see KernelsElementwise.swift).

extension Real {
    @inlinable public static func dropoutMask(
        _ rng: SeededRandom, keep: Double, _ mask: UnsafeMutablePointer<Self>, _ n: Int
    ) {
        let scale = Self(1 / keep)
        // Compare raw 53-bit draws with an integer threshold: no float conversion per element.
        let threshold = UInt64(keep * 0x1.0p53)
        for i in 0..<n { mask[i] = (rng.next() >> 11) < threshold ? scale : 0 }
    }
}
