import Testing
@testable import MTEval

struct FormattingTests {
    // Python: f"{x:.2f}", f"{x:.1f}", f"{x:.0f}"
    @Test(arguments: [
        (0.125, "0.12", "0.1", "0"), (0.375, "0.38", "0.4", "0"), (2.675, "2.67", "2.7", "3"),
        (1.005, "1.00", "1.0", "1"), (99.995, "100.00", "100.0", "100"), (2.5, "2.50", "2.5", "2"),
        (34.125, "34.12", "34.1", "34"), (1.5, "1.50", "1.5", "2"),
    ])
    func fixedMatchesPython(x: Double, two: String, one: String, zero: String) {
        #expect(PythonFormat.fixed(x, digits: 2) == two)
        #expect(PythonFormat.fixed(x, digits: 1) == one)
        #expect(PythonFormat.fixed(x, digits: 0) == zero)
    }

    @Test func repr() {
        #expect(PythonFormat.repr(40.15) == "40.15")
        #expect(PythonFormat.repr(100.0) == "100.0")
        #expect(PythonFormat.repr(0) == "0.0")
    }

    @Test func alignsLikeSacreBLEU() {
        let report = ScoreReport.render(["BLEU|x = 1.00", "chrF2|x = 2.00"], json: false)
        #expect(report == " BLEU|x = 1.00\nchrF2|x = 2.00")
        #expect(ScoreReport.render(["1.00", "2.00"], json: true) == "[\n1.00,\n2.00\n]")
    }
}
