import MTTensor
import MTModel
import Testing

/// Finite-difference gradient checks, run in Double on the same generic layer code
/// that trains in Float.
///
/// Central differences with h = 1e-5 have truncation error ~h²·|f'''| ≈ 1e-10 and
/// rounding error ~1e-16·|L|/h ≈ 1e-10 for the O(1)–O(10) losses used here, so an
/// analytic gradient within 1e-7 + 1e-5·|g| of the numeric one is right; a real bug
/// is off by orders of magnitude more.
enum GradientCheck {
    static let h = 1e-5
    static let absoluteTolerance = 1e-7
    static let relativeTolerance = 1e-5

    /// Compares `analytic` (a copy taken after backward) with central differences of
    /// `loss` for each element of `values` (or an evenly spread sample of `maxChecks`).
    static func expectClose(
        _ label: String, values: UnsafeMutablePointer<Double>, count: Int, analytic: [Double],
        maxChecks: Int = 200, loss: () -> Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(analytic.count == count, "\(label): gradient size", sourceLocation: sourceLocation)
        let step = max(1, count / maxChecks)
        var worst = 0.0, worstIndex = -1, failures = 0
        for i in stride(from: 0, to: count, by: step) {
            let saved = values[i]
            values[i] = saved + h
            let plus = loss()
            values[i] = saved - h
            let minus = loss()
            values[i] = saved
            let numeric = (plus - minus) / (2 * h)
            let err = abs(numeric - analytic[i])
            let allowed = absoluteTolerance + relativeTolerance * max(abs(numeric), abs(analytic[i]))
            if err > allowed { failures += 1 }
            if err / allowed > worst { worst = err / allowed; worstIndex = i }
        }
        #expect(
            failures == 0,
            "\(label): \(failures) elements off; worst at \(worstIndex) is \(worst)× the tolerance",
            sourceLocation: sourceLocation)
    }

    static func expectClose(
        _ label: String, _ tensor: Tensor<Double>, analytic: [Double], maxChecks: Int = 200,
        loss: () -> Double, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectClose(
            label, values: tensor.data, count: tensor.count, analytic: analytic,
            maxChecks: maxChecks, loss: loss, sourceLocation: sourceLocation)
    }

    /// Checks every parameter of a store against `loss`; gradients must already hold
    /// the analytic values from one forward/backward.
    static func expectParametersClose(
        _ store: ParameterStore<Double>, maxChecks: Int = 200, loss: () -> Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for p in store.parameters {
            expectClose(
                p.name, p.value, analytic: p.grad.values, maxChecks: maxChecks, loss: loss,
                sourceLocation: sourceLocation)
        }
    }

    /// Random tensor in [-1, 1].
    static func random(_ shape: [Int], _ rng: SeededRandom) -> Tensor<Double> {
        let t = Tensor<Double>(shape)
        rng.fillUniform(t, -1, 1)
        return t
    }

    /// Σ y·r: a scalar loss whose gradient with respect to y is r.
    static func project(_ y: UnsafePointer<Double>, _ r: Tensor<Double>) -> Double {
        dot(y, r.data, r.count)
    }

    /// Σ x·y over n elements.
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> Double {
        (0..<n).reduce(0) { $0 + x[$1] * y[$1] }
    }
}
