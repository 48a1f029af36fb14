/// Where ICU's sentence rules cut inside a sentence or run over the end of one, and the
/// joins and cuts that mend it. A join is made only across spaces, never across a line
/// break (when line breaks count).
struct SentenceBreakCorrections {
    /// Words ending in a full stop that do not end a sentence: CLDR's list for the language
    /// (as ICU's "@ss=standard" has it), matched as whole words, with ours ("Dr." and "e.g."
    /// are missing from English's), less words of CLDR's that mostly end sentences as plain
    /// words (French "mer." and "jeu.", English "Hat." and "Joe.").
    let abbreviations: Set<String>
    /// Words that follow an ordinal number written with a full stop ("am 3. Mai").
    let afterOrdinals: Set<String>

    init(language: String) {
        let code = language.split(separator: "-").first.map { $0.lowercased() } ?? ""
        abbreviations = Set(ICU.sentenceExceptions(language: language)).union(Self.abbreviations[code] ?? [])
            .subtracting(Self.plainWords[code] ?? [])
        afterOrdinals = Self.afterOrdinals[code] ?? []
    }

    /// Joins pieces (ICU's segments, each with its trailing white space) that the rules say
    /// belong together.
    func apply(_ pieces: [[UInt16]], lineBreaks: Bool) -> [[UInt16]] {
        var out: [[UInt16]] = []
        for var piece in pieces.flatMap(splitBeforeNumbers) {
            guard var previous = out.last else { out.append(piece); continue }
            if lineBreaks && previous.contains(where: SentenceSplitter.isLineBreak) {
                out.append(piece)
                continue
            }
            // Closing quotes or brackets after a space (French « … ! » or a stray one) close
            // the sentence before: they move to it.
            let moved = Self.leadingClosers(piece)
            if moved > 0 {
                previous += piece[..<moved]
                piece.removeFirst(moved)
            }
            if piece.allSatisfy(Normalizer.isWhiteSpace) || joins(previous, piece) {
                out[out.count - 1] = previous + piece
            } else {
                out[out.count - 1] = previous
                out.append(piece)
            }
        }
        return out
    }

    /// `piece` cut where a sentence ends in a full stop and the next begins with a number:
    /// ICU goes on over "Dschungellandschaft. 2 blonde Mädchen" (as over "e.g. 3 apples").
    /// Not after an abbreviation, an ordinal or a number ("bis zum 5. 6 Tage").
    func splitBeforeNumbers(_ piece: [UInt16]) -> [[UInt16]] {
        var out: [[UInt16]] = [], start = 0, wordStart = 0, i = 0
        while i < piece.count {
            guard Normalizer.isWhiteSpace(piece[i]) else { i += 1; continue }
            var j = i
            while j < piece.count && Normalizer.isWhiteSpace(piece[j]) && !SentenceSplitter.isLineBreak(piece[j]) { j += 1 }
            if j > i, j < piece.count, (0x30...0x39).contains(piece[j]), i > wordStart, piece[i - 1] == 0x2E {
                let word = String(decoding: piece[wordStart..<i], as: UTF16.self)
                let letters = word.unicodeScalars.filter(\.properties.isAlphabetic).count
                if letters >= 2 && !word.dropLast().contains(".") && !isAbbreviation(word, before: piece[start..<wordStart]) {
                    out.append(Array(piece[start..<j]))
                    start = j
                }
            }
            i = Swift.max(j, i + 1)
            wordStart = i
        }
        out.append(Array(piece[start...]))
        return out.filter { !$0.isEmpty }
    }

    /// Whether `word` (ending in a full stop) is an abbreviation, alone or with the words
    /// before it ("v. Chr.").
    func isAbbreviation(_ word: String, before: ArraySlice<UInt16>) -> Bool {
        if abbreviations.contains(word) { return true }
        let previous = Self.lastWord(String(decoding: before, as: UTF16.self))
        return !previous.isEmpty && abbreviations.contains(previous + " " + word)
    }

    /// Whether `next` goes on the sentence of `previous`.
    func joins(_ previous: [UInt16], _ next: [UInt16]) -> Bool {
        let text = String(decoding: previous, as: UTF16.self)
        let start = String(decoding: next, as: UTF16.self).unicodeScalars
        // A sentence does not start in lowercase: "Stop!" he said; ICU joins this only
        // after a full stop.
        if let first = start.first(where: { !SentenceSegments.isQuoteOrBracket($0) }), first.properties.isLowercase {
            return true
        }
        let lastWord = Self.lastWord(text)
        guard lastWord.hasSuffix(".") else { return false }
        let before = String(text.unicodeScalars.dropLast(text.unicodeScalars.count - Self.lastWordStart(text)))
        if isAbbreviation(lastWord, before: ArraySlice(before.utf16)) { return true }
        // "am 3. Mai": one or two digits and a full stop before a word of the list.
        let digits = lastWord.dropLast()
        if !digits.isEmpty && digits.count <= 2 && digits.allSatisfy { $0.isASCII && $0.isNumber } {
            let word = String(start.prefix { $0.properties.isAlphabetic })
            return afterOrdinals.contains(word)
        }
        return false
    }

    /// Where the last white-space-separated word of `text` starts, in scalars.
    static func lastWordStart(_ text: String) -> Int {
        let scalars = Array(text.unicodeScalars)
        var end = scalars.count
        while end > 0 && Normalizer.isWhiteSpace(scalars[end - 1]) { end -= 1 }
        var start = end
        while start > 0 && !Normalizer.isWhiteSpace(scalars[start - 1]) { start -= 1 }
        return start
    }

    /// The last white-space-separated word of `text`.
    static func lastWord(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, Normalizer.isWhiteSpace(scalars[scalars.index(before: end)]) {
            end = scalars.index(before: end)
        }
        var start = end
        while start > scalars.startIndex, !Normalizer.isWhiteSpace(scalars[scalars.index(before: start)]) {
            start = scalars.index(before: start)
        }
        return String(scalars[start..<end])
    }

    /// The length of the closing quotes and brackets (with spaces between and after them,
    /// not line breaks) that `piece` starts with; 0 unless it starts with one.
    static func leadingClosers(_ piece: [UInt16]) -> Int {
        var end = 0, i = 0
        let scalars = Array(String(decoding: piece, as: UTF16.self).unicodeScalars)
        var units = 0
        while i < scalars.count {
            let s = scalars[i]
            let category = s.properties.generalCategory
            if category == .finalPunctuation || category == .closePunctuation {
                units += s.utf16.count
                end = units
            } else if s == " " || s == "\u{A0}" || s == "\u{202F}" {
                units += s.utf16.count
                if end > 0 { end = units }
            } else {
                break
            }
            i += 1
        }
        return end
    }

    static let abbreviations: [String: Set<String>] = [
        "en": ["Dr.", "Prof.", "Mr.", "Mrs.", "Ms.", "Mt.", "St.", "Jr.", "Sr.", "Gen.", "Gov.", "Sen.", "Rep.",
               "Capt.", "Lt.", "Col.", "Sgt.", "Rev.", "Fig.", "Figs.", "No.", "Nos.", "Vol.", "vs.", "e.g.", "i.e.",
               "cf.", "approx.", "ca.", "Eq.", "Sec.", "Ch.", "pp.", "p."],
        "de": ["z.", "d.", "u.", "o.", "s.", "v.", "ca.", "Nr.", "bzw.", "vgl.", "Dr.", "Prof.", "Hr.", "St.",
               "ggf.", "evtl.", "inkl.", "sog.", "Abb.", "Bd.", "Jh.", "Jhd.", "geb.", "gest.", "Tel.", "Str.", "bspw.",
               "usf.", "zzgl.", "Dipl.", "Ing.", "Hrsg.", "Kap.", "Anm.", "allg.", "insb.", "max.", "min."],
        "fr": ["M.", "MM.", "Mlle.", "Dr.", "Pr.", "p.", "ex.", "cf.", "env.", "av.", "apr.", "St.", "Ste.",
               "vol.", "éd.", "chap.", "fig.", "n°.", "no.", "art.", "boul.", "bd."],
    ]

    static let plainWords: [String: Set<String>] = [
        "en": ["Hat.", "Job.", "Up.", "On.", "Is.", "In.", "All.", "Go.", "To.", "By.", "Ok.", "OK.", "Or.", "Do.", "As.",
               "Joe.", "Link.", "Long.", "Act.", "Id."],
        "fr": ["mer.", "jeu.", "sept.", "mar.", "ven.", "lun.", "sam.", "dim.", "ann.", "quart.", "All."],
    ]

    static let afterOrdinals: [String: Set<String>] = [
        "de": ["Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
               "Oktober", "November", "Dezember", "Jahrhundert", "Jahrhunderts", "Jahrestag", "Geburtstag",
               "Lebensjahr", "Platz", "Stock", "Stockwerk", "Klasse", "Mal", "Kapitel", "Auflage", "Runde",
               "Spieltag", "Etage", "Bundesliga", "Liga", "Satz", "Absatz", "Symphonie", "Sinfonie"],
    ]
}
