import Foundation
import Testing
@testable import MTTensor

@Suite struct FastMathTests {
    @Test func expMatchesLibmToSinglePrecision() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let want = Foundation.exp(Double(x))
            let got = Double(FastMath.exp(x))
            worst = max(worst, Float(abs(got - want) / want))
            x += 0.0137
        }
        // A couple of ulps: the polynomial's error plus rounding.
        #expect(worst < 3e-7, "worst relative error \(worst)")
    }

    @Test func tanhAndSigmoidAreCloseToLibmAndSaturate() {
        var worst = 0.0
        var x: Float = -20
        while x < 20 {
            worst = max(worst, abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
            worst = max(worst, abs(Double(FastMath.sigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
            x += 0.0071
        }
        #expect(worst < 2e-7, "worst absolute error \(worst)")
        #expect(FastMath.tanh(1000) == 1 && FastMath.tanh(-1000) == -1)
        #expect(FastMath.sigmoid(-1000) >= 0 && FastMath.sigmoid(1000) == 1)
        #expect(FastMath.exp(-1000) >= 0 && FastMath.exp(1000).isFinite)
    }
}
