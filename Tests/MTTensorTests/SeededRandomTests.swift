import Testing
@testable import MTTensor

@Suite struct SeededRandomTests {
    @Test func sameSeedSameSequenceAndStateRestores() {
        let a = SeededRandom(seed: 42), b = SeededRandom(seed: 42)
        let xs = (0..<10).map { _ in a.next() }
        #expect(xs == (0..<10).map { _ in b.next() })
        let saved = a.state
        let next = (0..<5).map { _ in a.next() }
        let c = SeededRandom(state: saved)!
        #expect((0..<5).map { _ in c.next() } == next)
        #expect(SeededRandom(seed: 43).next() != SeededRandom(seed: 42).next())
        #expect(SeededRandom(state: [0, 0, 0, 0]) == nil)
    }

    @Test func uniformIntAndNormalHaveTheRightMoments() {
        let r = SeededRandom(seed: 3)
        let n = 200_000
        var sum = 0.0, sq = 0.0
        for _ in 0..<n { let v = r.normal(); sum += v; sq += v * v }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(sq / Double(n) - 1) < 0.02)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[r.int(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        var a = Array(0..<50)
        r.shuffle(&a)
        #expect(a.sorted() == Array(0..<50) && a != Array(0..<50))
    }
}
