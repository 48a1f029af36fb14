import Foundation
import Testing
@testable import MTTensor

/// The fused cell kernels against the textbook formulas, one active and one padded row.
@Suite struct RecurrentKernelTests {
    func sig(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    @Test func lstmForwardMatchesTheFormulasAndCarriesPaddedRows() {
        let n = 3
        let pre: [Double] = (0..<(8 * n)).map { sin(Double($0)) * 2 }
        let cPrev: [Double] = (0..<(2 * n)).map { cos(Double($0)) }
        let hPrev: [Double] = (0..<(2 * n)).map { 0.5 - Double($0) * 0.1 }
        var gates = pre, c = [Double](repeating: 9, count: 2 * n), tc = c, h = c, y = c
        let lengths: [Int32] = [2, 1]
        Double.lstmForward(
            gates: &gates, cPrev: cPrev, hPrev: hPrev, c: &c, tanhC: &tc, h: &h, y: &y, ldy: n,
            rows: 2, hidden: n, lengths: lengths, step: 1)
        for j in 0..<n {
            let i = sig(pre[j]), f = sig(pre[n + j]), g = tanh(pre[2 * n + j]), o = sig(pre[3 * n + j])
            let cc = f * cPrev[j] + i * g
            #expect(abs(c[j] - cc) < 1e-12)
            #expect(abs(h[j] - o * tanh(cc)) < 1e-12 && y[j] == h[j])
            #expect(abs(gates[j] - i) < 1e-12 && abs(gates[3 * n + j] - o) < 1e-12)
            // Row 1 is padding at step 1: state carried, output 0.
            #expect(c[n + j] == cPrev[n + j] && h[n + j] == hPrev[n + j] && y[n + j] == 0)
        }
    }

    @Test func gruForwardMatchesTheFormulas() {
        let n = 2
        let x: [Double] = (0..<(3 * n)).map { sin(Double($0) + 1) }
        let rec: [Double] = (0..<(3 * n)).map { cos(Double($0) * 0.7) }
        let hPrev: [Double] = [0.3, -0.4]
        var gates = x, hn = [Double](repeating: 9, count: n), h = hn, y = hn
        Double.gruForward(
            gates: &gates, recurrent: rec, hn: &hn, hPrev: hPrev, h: &h, y: &y, ldy: n,
            rows: 1, hidden: n, lengths: [1], step: 0)
        for j in 0..<n {
            let r = sig(x[j] + rec[j]), z = sig(x[n + j] + rec[n + j])
            let g = tanh(x[2 * n + j] + r * rec[2 * n + j])
            #expect(abs(h[j] - ((1 - z) * g + z * hPrev[j])) < 1e-12 && y[j] == h[j])
            #expect(hn[j] == rec[2 * n + j])
        }
    }

    @Test func floatKernelsTrackDouble() {
        let n = 37  // not a multiple of the vector width: the loop remainders run too
        let pre: [Double] = (0..<(4 * n)).map { sin(Double($0) * 0.37) * 4 }
        let cPrev: [Double] = (0..<n).map { cos(Double($0)) * 2 }
        var gd = pre, cd = [Double](repeating: 0, count: n), td = cd, hd = cd, yd = cd
        var gf = pre.map { Float($0) }, cf = [Float](repeating: 0, count: n), tf = cf, hf = cf, yf = cf
        Double.lstmForward(gates: &gd, cPrev: cPrev, hPrev: cPrev, c: &cd, tanhC: &td, h: &hd, y: &yd,
                           ldy: n, rows: 1, hidden: n, lengths: [1], step: 0)
        Float.lstmForward(gates: &gf, cPrev: cPrev.map { Float($0) }, hPrev: cPrev.map { Float($0) },
                          c: &cf, tanhC: &tf, h: &hf, y: &yf, ldy: n, rows: 1, hidden: n, lengths: [1], step: 0)
        for j in 0..<n {
            #expect(abs(hd[j] - Double(hf[j])) < 1e-6)
            #expect(abs(cd[j] - Double(cf[j])) < 1e-6)
        }
    }
}
