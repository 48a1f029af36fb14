/// Where the markup of a unit goes in its translation, through the word alignment.
///
/// The rendered unit is a row of characters: the unit's leading white space from the source,
/// the translation, the unit's trailing white space from the source. A target word equal to a
/// source word it is linked to is spelled as in the source (`&amp;` stays `&amp;`), and so is a
/// white-space gap equal to the source gap between the two source words its neighbours are
/// linked to; everything else is escaped. Each tag gets a position in that row:
///
/// - An inline element spans the target words linked to the source words it covered, from the
///   first to the last. Its start tag keeps its distance before its first word, within the gap
///   there (`Hello<b> big</b>`); its end tag its distance after its last word. A tag inside a
///   word keeps its offset when the target word is spelled as that source word; in another
///   word it moves out to the word's edge, so the whole word is wrapped. Of a word covered in
///   part, when the covered part holds letters or digits and the rest does not, or the other
///   way round, only the linked target words of the same kind count (`ein <b>Haus</b>.` with
///   "Haus." linked to "house" and "." wraps "house").
/// - A marker (`<br>`, a comment, an opaque `<code>`), an element none of whose words is linked,
///   and one that covered no word (`<a></a>`, `<b> </b>`) go right after the target word linked
///   to the nearest linked source word before them, at the same distance into the following
///   gap; with no such word, at the same distance into the unit's leading white space.
/// - Each element's span is then clipped to its parent's, so the tree stays the source's tree.
///   Siblings that would overlap are given their place in source order, each keeping the part
///   of its span with the most word characters that no earlier sibling took; one left with no
///   word becomes empty, and an empty one that falls inside a sibling moves to its nearer edge.
///
/// When every word is linked to an identical word in the same order, every position is the
/// source's, so the unit comes back byte for byte. Known limits: an element whose linked words
/// are far apart in the translation spans everything between them, which pushes its overlapping
/// siblings out, wholly or in part; a marker between two spaces of the source keeps only the
/// space before it when the translation has one there (`Use <code>ls</code> here`); and an
/// element's words are found only through the alignment, so a poor alignment places markup
/// poorly (but never drops or duplicates a tag).
struct HTMLPlacement {
    let unit: HTMLUnit
    /// The rendered row: characters, and for each the source character whose spelling it
    /// reuses, or -1 to escape it.
    private(set) var characters: [Unicode.Scalar] = []
    private(set) var spelledAs: [Int] = []
    /// Each node's span in the row (equal bounds for a marker or an empty element).
    private(set) var lower: [Int]
    private(set) var upper: [Int]
    /// Each node's children in output order.
    private(set) var order: [[Int]]

    private var wordStart: [Int] = []
    private var wordEnd: [Int] = []
    /// For each target word, the linked source word it is spelled as, or -1.
    private var sameAs: [Int] = []
    /// For each source word, its linked target words, and the first and last of them (or -1).
    private var targets: [[Int]] = []
    private var firstTarget: [Int] = []
    private var lastTarget: [Int] = []
    /// Level k: the first and last linked target word of source words i..<i + 2^k (Int.max and -1: none).
    private var firstTargets: [[Int]] = []
    private var lastTargets: [[Int]] = []
    /// For each source word, the nearest linked source word at or before it, or -1.
    private var linkedAtOrBefore: [Int] = []
    /// Non-white-space characters of the row before each position.
    private var wordCharacters: [Int] = []

    init(unit: HTMLUnit, translation: HTMLUnitTranslation) {
        self.unit = unit
        lower = [Int](repeating: 0, count: unit.nodes.count)
        upper = lower
        order = [[Int]](repeating: [], count: unit.nodes.count)
        layOutRow(translation)
        placeNodes()
    }

    private var length: Int { characters.count }

    // MARK: the row

    private mutating func layOutRow(_ translation: HTMLUnitTranslation) {
        let words = unit.words
        let n = words.count
        let target = Array(translation.text.unicodeScalars)
        let targetWords = HTMLWords.ranges(target)
        let m = targetWords.count
        var sources = [[Int]](repeating: [], count: m)
        targets = [[Int]](repeating: [], count: n)
        firstTarget = [Int](repeating: -1, count: n)
        lastTarget = firstTarget
        for link in translation.links where (0..<n).contains(link.source) && (0..<m).contains(link.target) {
            sources[link.target].append(link.source)
            targets[link.source].append(link.target)
            let (s, t) = (link.source, link.target)
            firstTarget[s] = firstTarget[s] < 0 ? t : min(firstTarget[s], t)
            lastTarget[s] = max(lastTarget[s], t)
        }
        firstTargets = [firstTarget.map { $0 < 0 ? Int.max : $0 }]
        lastTargets = [lastTarget]
        var span = 1
        while 2 * span <= n {
            let (f, l) = (firstTargets.last!, lastTargets.last!)
            firstTargets.append((0...(n - 2 * span)).map { min(f[$0], f[$0 + span]) })
            lastTargets.append((0...(n - 2 * span)).map { max(l[$0], l[$0 + span]) })
            span *= 2
        }
        var previous = -1
        linkedAtOrBefore = firstTarget.indices.map { w in
            if firstTarget[w] >= 0 { previous = w }
            return previous
        }

        let lead = words[0].lowerBound
        let trail = words[n - 1].upperBound
        characters = Array(unit.scalars[..<lead]) + target + unit.scalars[trail...]
        spelledAs = Array(0..<lead) + [Int](repeating: -1, count: target.count) + Array(trail..<unit.scalars.count)
        wordStart = targetWords.map { lead + $0.lowerBound }
        wordEnd = targetWords.map { lead + $0.upperBound }

        sameAs = [Int](repeating: -1, count: m)
        for t in 0..<m {
            sources[t].sort()
            guard let s = sources[t].first(where: { unit.scalars[words[$0]].elementsEqual(target[targetWords[t]]) }) else { continue }
            sameAs[t] = s
            spell(lead + targetWords[t].lowerBound, as: words[s])
        }
        // A gap between target words linked to adjacent source words, equal to the gap between those.
        for t in 1..<max(m, 1) {
            let gap = targetWords[t - 1].upperBound..<targetWords[t].lowerBound
            for s in sources[t - 1] where s + 1 < n && sources[t].contains(s + 1) {
                let sourceGap = words[s].upperBound..<words[s + 1].lowerBound
                if unit.scalars[sourceGap].elementsEqual(target[gap]) {
                    spell(lead + gap.lowerBound, as: sourceGap)
                    break
                }
            }
        }

        wordCharacters = [0]
        wordCharacters.reserveCapacity(characters.count + 1)
        for c in characters { wordCharacters.append(wordCharacters.last! + (HTMLWords.isWhiteSpace(c) ? 0 : 1)) }
    }

    private mutating func spell(_ position: Int, as source: Range<Int>) {
        for k in source.indices { spelledAs[position + k - source.lowerBound] = k }
    }

    /// The gap before target word `t` (t = word count: after the last word), as row positions.
    private func gapStart(_ t: Int) -> Int { t == 0 ? 0 : wordEnd[t - 1] }
    private func gapEnd(_ t: Int) -> Int { t == wordStart.count ? length : wordStart[t] }

    // MARK: desired positions

    private enum Location {
        case word(Int, offset: Int)
        case gap(Int, offset: Int)
    }

    /// A source position: inside a word, or in the gap before word g (g = count: after the last).
    private func locate(_ p: Int) -> Location {
        let words = unit.words
        var (lo, hi) = (0, words.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if words[mid].upperBound > p { hi = mid } else { lo = mid + 1 }
        }
        if lo < words.count && words[lo].lowerBound < p { return .word(lo, offset: p - words[lo].lowerBound) }
        return .gap(lo, offset: p - (lo == 0 ? 0 : words[lo - 1].upperBound))
    }

    /// Where a tag at source position `p` goes when no word of its own places it, and how far
    /// the gap it lands in reaches (for an element that covered only white space).
    private func anchor(_ p: Int) -> (position: Int, limit: Int) {
        switch locate(p) {
        case .word(let w, let k):
            if lastTarget[w] >= 0 {
                let t = lastTarget[w]
                let position = sameAs[t] == w ? wordStart[t] + k : wordEnd[t]
                return (position, position)
            }
            return after(w == 0 ? -1 : linkedAtOrBefore[w - 1])
        case .gap(let g, let d):
            if g == 0 { return (min(d, gapEnd(0)), gapEnd(0)) }
            if lastTarget[g - 1] >= 0 {
                let t = lastTarget[g - 1]
                return (min(wordEnd[t] + d, gapEnd(t + 1)), gapEnd(t + 1))
            }
            return after(linkedAtOrBefore[g - 1])
        }
    }

    /// Right after the last target word linked to source word `w`; before the translation's
    /// first word when w is -1.
    private func after(_ w: Int) -> (position: Int, limit: Int) {
        let position = w >= 0 ? wordEnd[lastTarget[w]] : gapEnd(0)
        return (position, position)
    }

    /// The span node `k` would take were it alone.
    private func desired(_ k: Int) -> (Int, Int) {
        let node = unit.nodes[k]
        let words = unit.words
        let (s, e) = (node.start, node.end)
        guard s < e else { let p = anchor(s).position; return (p, p) }
        // The words it covers: a...b.
        var (lo, hi) = (0, words.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if words[mid].upperBound > s { hi = mid } else { lo = mid + 1 }
        }
        let a = lo
        (lo, hi) = (a, words.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if words[mid].lowerBound < e { lo = mid + 1 } else { hi = mid }
        }
        let b = lo - 1
        var (first, last) = (Int.max, -1)
        for w in a == b ? [a] : [a, b] where a <= b {
            let covered = max(s, words[w].lowerBound)..<min(e, words[w].upperBound)
            if let linked = linkedTargets(of: w, covered: covered) { first = min(first, linked.first); last = max(last, linked.last) }
        }
        if b - a > 1, let inner = linkedRange(a + 1, b - 1) { first = min(first, inner.first); last = max(last, inner.last) }
        guard b >= a else {
            // White space only: the same stretch of the gap it lands in.
            let (p, limit) = anchor(s)
            return (p, min(p + (e - s), max(p, limit)))
        }
        guard last >= 0 else { let p = anchor(s).position; return (p, p) }
        let start: Int
        if s <= words[a].lowerBound {
            start = wordStart[first] - min(words[a].lowerBound - s, wordStart[first] - gapStart(first))
        } else {
            start = sameAs[first] == a ? wordStart[first] + s - words[a].lowerBound : wordStart[first]
        }
        let end: Int
        if e >= words[b].upperBound {
            end = wordEnd[last] + min(e - words[b].upperBound, gapEnd(last + 1) - wordEnd[last])
        } else {
            end = sameAs[last] == b ? wordStart[last] + e - words[b].lowerBound : wordEnd[last]
        }
        return (start, max(start, end))
    }

    /// The first and last target words linked to source words `a...b`, from sparse tables of
    /// powers of two, so that deeply nested elements over many words cost no more than a lookup.
    private func linkedRange(_ a: Int, _ b: Int) -> (first: Int, last: Int)? {
        var k = 0
        while 2 << k <= b - a + 1 { k += 1 }
        let first = min(firstTargets[k][a], firstTargets[k][b + 1 - (1 << k)])
        let last = max(lastTargets[k][a], lastTargets[k][b + 1 - (1 << k)])
        return last >= 0 ? (first, last) : nil
    }

    /// The first and last target words linked to source word `w`, of which an element covers
    /// `covered`. When the covered part and the rest of the word differ in holding letters or
    /// digits (`Das ist <b>ein Haus</b>.`: "Haus" against "."), only the linked target words
    /// like the covered part count, if there are any: the element wraps "house", not ".".
    private func linkedTargets(of w: Int, covered: Range<Int>) -> (first: Int, last: Int)? {
        guard firstTarget[w] >= 0 else { return nil }
        let whole = (first: firstTarget[w], last: lastTarget[w])
        let word = unit.words[w]
        guard covered != word, targets[w].count > 1 else { return whole }
        let coveredIsWordy = Self.hasLetterOrDigit(unit.scalars[covered])
        let restIsWordy = Self.hasLetterOrDigit(unit.scalars[word.lowerBound..<covered.lowerBound])
            || Self.hasLetterOrDigit(unit.scalars[covered.upperBound..<word.upperBound])
        guard coveredIsWordy != restIsWordy else { return whole }
        let alike = targets[w].filter { Self.hasLetterOrDigit(characters[wordStart[$0]..<wordEnd[$0]]) == coveredIsWordy }
        guard let first = alike.min(), let last = alike.max() else { return whole }
        return (first, last)
    }

    private static func hasLetterOrDigit(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        scalars.contains { s in
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return false
            }
        }
    }

    // MARK: resolving

    /// Places every node within its parent, parents first.
    private mutating func placeNodes() {
        lower[0] = 0
        upper[0] = length
        var pending = [0]
        while let node = pending.popLast() {
            let children = unit.nodes[node].children
            for c in children {
                let (s, e) = desired(c)
                lower[c] = min(max(s, lower[node]), upper[node])
                upper[c] = min(max(e, lower[c]), upper[node])
            }
            separate(children)
            order[node] = children.sorted { (lower[$0], upper[$0], $0) < (lower[$1], upper[$1], $1) }
            pending += children.filter { unit.nodes[$0].close != nil && !unit.nodes[$0].children.isEmpty }
        }
    }

    /// Makes siblings' spans disjoint (touching is fine): see the type's comment.
    private mutating func separate(_ siblings: [Int]) {
        let sorted = siblings.sorted { (lower[$0], upper[$0], $0) < (lower[$1], upper[$1], $1) }
        var reach = Int.min
        var overlap = false
        for c in sorted {
            if lower[c] < reach { overlap = true; break }
            reach = max(reach, upper[c])
        }
        guard overlap else { return }

        // Spans given out so far: disjoint, ordered.
        var taken: [(lower: Int, upper: Int)] = []
        for c in siblings where lower[c] < upper[c] {
            let (s, e) = (lower[c], upper[c])
            var best: (lower: Int, upper: Int, words: Int) = (s, s, -1)
            var cursor = s
            var k = firstEnding(after: s, in: taken)
            func consider(_ a: Int, _ b: Int) {
                let words = wordCharacters[b] - wordCharacters[a]
                if (words, b - a) > (best.words, best.upper - best.lower) { best = (a, b, words) }
            }
            while k < taken.count && taken[k].lower < e {
                if taken[k].lower > cursor { consider(cursor, taken[k].lower) }
                cursor = max(cursor, taken[k].upper)
                k += 1
            }
            if cursor < e { consider(cursor, e) }
            let hadWords = wordCharacters[e] > wordCharacters[s]
            if best.upper > best.lower && (best.words > 0 || !hadWords) {
                (lower[c], upper[c]) = (best.lower, best.upper)
                let at = firstEnding(after: best.lower, in: taken)
                taken.insert((best.lower, best.upper), at: at)
            } else {
                upper[c] = lower[c]
            }
        }
        for c in siblings where lower[c] == upper[c] {
            let p = lower[c]
            let k = firstEnding(after: p, in: taken)
            if k < taken.count && taken[k].lower < p {
                let (a, b) = taken[k]
                lower[c] = p - a < b - p ? a : b
                upper[c] = lower[c]
            }
        }
    }

    /// The first of `taken` that ends after `p`.
    private func firstEnding(after p: Int, in taken: [(lower: Int, upper: Int)]) -> Int {
        var (lo, hi) = (0, taken.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if taken[mid].upper > p { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
