// Generic bodies of the optimiser requirements of `Real`, specialised per conformance.

extension Real {
    @inlinable public static func adamUpdate(
        _ w: UnsafeMutablePointer<Self>, _ g: UnsafePointer<Self>,
        _ m: UnsafeMutablePointer<Self>, _ v: UnsafeMutablePointer<Self>, _ n: Int,
        lr: Self, beta1: Self, beta2: Self, epsilon: Self,
        biasCorrection1: Self, biasCorrection2: Self, l2: Self, decoupledDecay: Self
    ) {
        let stepSize = lr / biasCorrection1
        let invSqrtBC2 = 1 / Self.sqrt(biasCorrection2)
        let keep = 1 - lr * decoupledDecay
        let oneMinusBeta1 = 1 - beta1
        let oneMinusBeta2 = 1 - beta2
        for i in 0..<n {
            let gi = g[i] + l2 * w[i]
            let mi = beta1 * m[i] + oneMinusBeta1 * gi
            let vi = beta2 * v[i] + oneMinusBeta2 * gi * gi
            m[i] = mi
            v[i] = vi
            w[i] = keep * w[i] - stepSize * mi / (Self.sqrt(vi) * invSqrtBC2 + epsilon)
        }
    }

    @inlinable public static func sgdUpdate(
        _ w: UnsafeMutablePointer<Self>, _ g: UnsafePointer<Self>, _ n: Int, lr: Self, l2: Self
    ) {
        for i in 0..<n { w[i] -= lr * (g[i] + l2 * w[i]) }
    }
}
