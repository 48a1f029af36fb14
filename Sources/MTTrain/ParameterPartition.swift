/// The element slices (parameter index, first element, count) of `parts` workers: the
/// parameters taken as one vector of `counts` elements, cut at multiples of 16, worker w
/// taking the w-th range. Every element belongs to exactly one slice; a reducer that sums
/// partial norms slice by slice in this order gets the same norm for the same `parts`.
func balancedParameterSlices(counts: [Int], parts: Int) -> [[(parameter: Int, offset: Int, count: Int)]] {
    let total = counts.reduce(0, +)
    let bounds = (0...parts).map { w in w == parts ? total : min(total, (total * w / parts) / 16 * 16) }
    var slices: [[(parameter: Int, offset: Int, count: Int)]] = []
    for w in 0..<parts {
        var mine: [(parameter: Int, offset: Int, count: Int)] = []
        var start = 0
        for (i, n) in counts.enumerated() {
            let lo = max(start, bounds[w]), hi = min(start + n, bounds[w + 1])
            if lo < hi { mine.append((i, lo - start, hi - lo)) }
            start += n
        }
        slices.append(mine)
    }
    return slices
}
