import Testing
@testable import MTServe

@Suite struct BatchQueueTests {
    func policy(sentences: Int = 4, tokens: Int = 1000, waitMs: Double = 5, window: Int = 4) -> BatchPolicy {
        var p = BatchPolicy()
        p.maxSentences = sentences
        p.maxTokens = tokens
        p.maxWaitMilliseconds = waitMs
        p.window = window
        return p
    }

    func sentences(_ request: Int, _ lengths: [Int], at t: Double) -> [QueuedSentence] {
        lengths.enumerated().map { QueuedSentence(request: request, index: $0.offset, length: $0.element, arrival: t) }
    }

    @Test func waitsUntilFullOrDue() {
        var q = BatchQueue<String>(policy: policy())
        q.append(sentences(1, [3, 5], at: 10), key: "a")
        #expect(q.take(now: 10.001) == nil)            // neither full nor waited 5 ms
        #expect(q.nextDue() == 10.005)
        let batch = q.take(now: 10.005)
        #expect(batch?.key == "a" && batch?.sentences.map(\.index) == [0, 1])
        #expect(q.isEmpty && q.nextDue() == nil)
        // A full batch goes at once.
        q.append(sentences(2, [1, 1, 1, 1, 1], at: 20), key: "a")
        #expect(q.take(now: 20)?.sentences.count == 4)
        #expect(q.count == 1)
    }

    @Test func tokenLimitCutsBatches() {
        var q = BatchQueue<String>(policy: policy(sentences: 10, tokens: 12))
        q.append(sentences(1, [5, 5, 5], at: 0), key: "a")   // 6 tokens each with </s>
        let first = q.take(now: 0)!.sentences             // full by tokens: due at once
        #expect(first.count == 2 && first.reduce(0) { $0 + $1.tokens } <= 12)
        // One sentence over the limit still makes a batch of its own.
        q.append(sentences(2, [40], at: 1), key: "a")
        #expect(q.take(now: 1)?.sentences.count == 1)
    }

    @Test func lengthSortedAroundTheOldest() {
        var q = BatchQueue<String>(policy: policy(sentences: 2, tokens: 1000, window: 4))
        // Arrival order: lengths 9, 1, 8, 2 — the oldest (9) goes with its like (8).
        q.append(sentences(1, [9], at: 0) + sentences(2, [1], at: 0.001) + sentences(3, [8], at: 0.002)
                 + sentences(4, [2], at: 0.003), key: "a")
        let first = q.take(now: 1)!.sentences
        #expect(Set(first.map(\.request)) == [1, 3])
        #expect(first.map(\.length) == [8, 9])             // sorted by length
        let second = q.take(now: 1)!.sentences
        #expect(Set(second.map(\.request)) == [2, 4])
        #expect(q.take(now: 1) == nil)
    }

    @Test func groupsNeverMixAndTheOldestGoesFirst() {
        var q = BatchQueue<String>(policy: policy(sentences: 8))
        q.append(sentences(1, [3], at: 0), key: "beam5")
        q.append(sentences(2, [3], at: 1), key: "beam1")
        q.append(sentences(3, [3], at: 2), key: "beam5")
        let a = q.take(now: 5)!
        #expect(a.key == "beam5" && a.sentences.map(\.request) == [1, 3])
        let b = q.take(now: 5)!
        #expect(b.key == "beam1" && b.sentences.map(\.request) == [2])
    }

    @Test func removingARequestDropsOnlyItsSentences() {
        var q = BatchQueue<String>(policy: policy(sentences: 8))
        q.append(sentences(1, [2, 3, 4], at: 0), key: "a")
        q.append(sentences(2, [2], at: 0), key: "a")
        q.append(sentences(1, [2], at: 0), key: "b")
        #expect(q.remove(request: 1) == 4)
        #expect(q.count == 1)
        #expect(q.take(now: 1)?.sentences.map(\.request) == [2])
        #expect(q.isEmpty)
        #expect(q.remove(request: 7) == 0)
    }

    @Test func everySentenceLeavesExactlyOnce() {
        var q = BatchQueue<Int>(policy: policy(sentences: 5, tokens: 40, window: 3))
        var expected = Set<[Int]>()
        var lcg: UInt64 = 12345
        func next(_ n: Int) -> Int {
            lcg = lcg &* 6364136223846793005 &+ 1442695040888963407
            return Int(lcg >> 33) % n
        }
        for r in 0..<60 {
            let lengths = (0..<(1 + next(4))).map { _ in next(30) }
            q.append(sentences(r, lengths, at: Double(r)), key: r % 3)
            for i in lengths.indices { expected.insert([r, i]) }
        }
        var seen = Set<[Int]>()
        var batches = 0
        while let b = q.take(now: 1000) {
            #expect(b.sentences.count <= 5)
            #expect(b.sentences.count == 1 || b.sentences.reduce(0) { $0 + $1.tokens } <= 40)
            #expect(Set(b.sentences.map { $0.request % 3 }) == [b.key])
            #expect(b.sentences.map(\.length) == b.sentences.map(\.length).sorted())
            for s in b.sentences { #expect(seen.insert([s.request, s.index]).inserted) }
            batches += 1
            if batches > 1000 { break }
        }
        #expect(seen == expected && q.isEmpty)
    }
}

@Suite struct BatchFillTests {
    func policy(sentences: Int = 64, waitMs: Double = 2, fillMs: Double = 50) -> BatchPolicy {
        var p = BatchPolicy()
        p.maxSentences = sentences
        p.maxWaitMilliseconds = waitMs
        p.maxFillMilliseconds = fillMs
        return p
    }

    func one(_ request: Int, at t: Double) -> [QueuedSentence] {
        [QueuedSentence(request: request, index: 0, length: 5, arrival: t)]
    }

    @Test func whileAnotherSearchesABatchWaitsToFill() {
        var q = BatchQueue<String>(policy: policy(sentences: 8, fillMs: 10))
        for r in 0..<4 { q.append(one(r, at: 0.003 * Double(r)), key: "a") }   // 3 ms apart
        #expect(q.nextDue() == 0.002)                        // alone: the oldest's wait
        #expect(q.nextDue(fillTo: 4) == 0.002)               // as big as the other's batch
        #expect(q.nextDue(fillTo: 6) == 0.01)                // smaller: the fill limit
        var alone = q
        #expect(alone.take(now: 0.002)?.sentences.count == 4)
        var early = q
        #expect(early.take(now: 0.0099, fillTo: 6) == nil)
        #expect(q.take(now: 0.01, fillTo: 6)?.sentences.count == 4)
        // A full batch goes at once, whatever the other thread's.
        for r in 0..<8 { q.append(one(r, at: 1 + 0.0001 * Double(r)), key: "a") }
        #expect(q.take(now: 1.0007, fillTo: 20)?.sentences.count == 8)
    }

    @Test func fillingNeverEndsBeforeThePlainWait() {
        var q = BatchQueue<String>(policy: policy(sentences: 3, waitMs: 5, fillMs: 1))
        q.append(one(0, at: 0), key: "a")
        #expect(q.nextDue(fillTo: 3) == 0.005)
        #expect(q.take(now: 0.004, fillTo: 3) == nil)
        #expect(q.take(now: 0.005, fillTo: 3)?.sentences.count == 1)
    }

    /// 64 clients, one sentence each, answered by 2 search threads; the clients are one
    /// process that sends the next sentence `clientMs` after reading each answer, and a
    /// search takes 16 ms plus 20.5 ms a sentence (mt-translate's cost alone and in batches
    /// of 128 on the Multi30k model). Simulated on a virtual clock, with and without
    /// filling: filling gives bigger batches for the same sentences per second. (Waiting
    /// for a full batch instead of the other thread's size lost 7% here.)
    func simulate(fill: Bool, clientMs: Double, fillMs: Double = 100) -> (meanBatch: Double, perSecond: Double) {
        var q = BatchQueue<Int>(policy: policy(fillMs: fillMs))
        var arrivals: [Double] = (0..<64).map { 0.0005 * Double($0 + 1) }   // due times, sorted
        var finish: [Double?] = [nil, nil]            // per thread: when its batch is done
        var size = [0, 0]
        var clientFree = 0.0, now = 0.0
        var batches = 0, searched = 0, request = 0, steps = 0
        while searched < 2000 && steps < 100_000 {
            steps += 1
            // Each free thread takes what is due, knowing whether the other searches.
            for t in 0..<2 where finish[t] == nil {
                let other = fill && finish[1 - t] != nil ? size[1 - t] : 0
                if let b = q.take(now: now, fillTo: other) {
                    finish[t] = now + 0.016 + 0.0205 * Double(b.sentences.count)
                    size[t] = b.sentences.count
                    batches += 1
                }
            }
            let free = finish.firstIndex(of: nil)
            let other = free.map { fill && finish[1 - $0] != nil ? size[1 - $0] : 0 } ?? 0
            guard let next = [arrivals.first, finish.compactMap { $0 }.min(),
                              free != nil ? q.nextDue(fillTo: other) : nil].compactMap({ $0 }).min()
            else { break }
            now = next
            while let a = arrivals.first, a <= now {
                arrivals.removeFirst()
                request += 1
                q.append([QueuedSentence(request: request, index: 0, length: 5, arrival: a)], key: 0)
            }
            for t in 0..<2 {
                guard let f = finish[t], f <= now else { continue }
                finish[t] = nil
                searched += size[t]
                for _ in 0..<size[t] {
                    clientFree = max(clientFree, f) + clientMs / 1000
                    arrivals.append(clientFree)
                }
                arrivals.sort()
            }
        }
        return (Double(searched) / Double(batches), Double(searched) / now)
    }

    @Test func fillingMakesBatchesBiggerUnderLoad() {
        // A fast client, and one slowed down so that its sentences come 3 ms apart.
        for clientMs in [0.5, 3] {
            let plain = simulate(fill: false, clientMs: clientMs), filled = simulate(fill: true, clientMs: clientMs)
            #expect(filled.meanBatch > 1.15 * plain.meanBatch, "\(clientMs) ms: \(plain) \(filled)")
            #expect(filled.perSecond > 0.97 * plain.perSecond, "\(clientMs) ms: \(plain) \(filled)")
        }
    }
}
