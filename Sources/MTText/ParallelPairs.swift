import Foundation

/// The two sides of a parallel corpus at one stage of preprocessing (lines,
/// word tokens, subwords): `source[i]` and `target[i]` are one pair.
struct ParallelPairs<Element> {
    var source: [Element]
    var target: [Element]

    var count: Int { source.count }

    /// Both sides transformed, each on its own thread: give each side its own
    /// pipeline, since a pipeline is not thread-safe.
    func map<Result>(source s: (Element) -> Result, target t: (Element) -> Result) -> ParallelPairs<Result> {
        let (source, target) = inParallel({ self.source.map(s) }, { self.target.map(t) })
        return ParallelPairs<Result>(source: source, target: target)
    }

    /// Removes the pairs for which `drop` holds, keeping the order; returns how many went.
    mutating func removeAll(where drop: (Element, Element) -> Bool) -> Int {
        let kept = (0..<count).filter { !drop(source[$0], target[$0]) }
        let dropped = count - kept.count
        if dropped > 0 {
            source = kept.map { source[$0] }
            target = kept.map { target[$0] }
        }
        return dropped
    }
}

/// Runs two independent jobs on two threads (the machine has two cores).
func inParallel<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    var ra: A? = nil, rb: B? = nil
    withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 { ra = a() } else { rb = b() }
            }
        }
    }
    return (ra!, rb!)
}
