import Foundation
import Testing
@testable import MTDecode

/// The reader's queue is bounded: a reader faster than the translator waits instead of
/// reading the whole input into memory, and every line still arrives once, in order.
@Suite struct LineQueueTests {
    @Test func aFastReaderWaitsAtTheCapacityAndLosesNothing() throws {
        let queue = LineQueue(capacity: 8)
        let total = 1000
        let reader = Thread {
            for i in 0..<total { queue.push(TranslationInput(source: "line \(i)")) }
            queue.finish(error: nil)
        }
        reader.start()
        // The reader fills the queue and then waits for room.
        let deadline = Date().addingTimeInterval(10)
        while queue.count < 8, Date() < deadline { usleep(1_000) }
        usleep(50_000)
        #expect(queue.count == 8)
        var got: [String] = []
        for _ in 0..<(2 * total) {
            let (lines, end, error) = queue.take(max: 3, pause: 5)
            #expect(error == nil)
            #expect(lines.count <= 3)
            got += lines.map(\.source)
            #expect(queue.count <= 8)
            if end { break }
        }
        #expect(got == (0..<total).map { "line \($0)" })
    }
}
