/// Where ICU's sentence rules, even with CLDR's abbreviation suppressions, cut inside a
/// sentence, and the joins that mend it. Each rule joins a segment to the one before it
/// only across spaces, never across a line break (when line breaks count).
struct SentenceBreakCorrections {
    /// Words ending in a full stop that do not end a sentence, beyond CLDR's suppressions
    /// ("Dr." and "e.g." are missing from English's, "z." of "z. B." from German's). Only
    /// words that rarely end a sentence: "etc." and "usw." often do and are left out.
    let abbreviations: Set<String>
    /// Words that follow an ordinal number written with a full stop ("am 3. Mai").
    let afterOrdinals: Set<String>
    /// Words CLDR lists as abbreviations that often end a sentence all the same ("Er fährt
    /// um 8 Uhr ab. Sie …"): a sentence ends after them before a capital letter.
    let endingAbbreviations: Set<String>

    init(language: String) {
        let code = language.split(separator: "-").first.map { $0.lowercased() } ?? ""
        abbreviations = Self.abbreviations[code] ?? []
        afterOrdinals = Self.afterOrdinals[code] ?? []
        endingAbbreviations = Self.endingAbbreviations[code] ?? []
    }

    /// Joins pieces (ICU's segments, each with its trailing white space) that the rules say
    /// belong together.
    func apply(_ pieces: [[UInt16]], lineBreaks: Bool) -> [[UInt16]] {
        var out: [[UInt16]] = []
        for var piece in pieces.flatMap(splitAfterEndingAbbreviations) {
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

    /// `piece` cut after each word of `endingAbbreviations` followed by spaces (no line break)
    /// and a capital letter.
    func splitAfterEndingAbbreviations(_ piece: [UInt16]) -> [[UInt16]] {
        guard !endingAbbreviations.isEmpty else { return [piece] }
        var out: [[UInt16]] = [], start = 0, wordStart = 0, i = 0
        while i < piece.count {
            if Normalizer.isWhiteSpace(piece[i]) {
                let word = String(decoding: piece[wordStart..<i], as: UTF16.self)
                var j = i
                while j < piece.count && Normalizer.isWhiteSpace(piece[j]) && !SentenceSplitter.isLineBreak(piece[j]) { j += 1 }
                if j == i {
                    // A line break: never split before it here.
                    i += 1
                    wordStart = i
                    continue
                }
                if endingAbbreviations.contains(word), j < piece.count,
                   let next = String(decoding: piece[j...].prefix(2), as: UTF16.self).unicodeScalars.first,
                   next.properties.isUppercase {
                    out.append(Array(piece[start..<j]))
                    start = j
                }
                i = j
                wordStart = j
            } else {
                i += 1
            }
        }
        out.append(Array(piece[start...]))
        return out.filter { !$0.isEmpty }
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
        if abbreviations.contains(lastWord) { return true }
        // "am 3. Mai": one or two digits and a full stop before a word of the list.
        let digits = lastWord.dropLast()
        if !digits.isEmpty && digits.count <= 2 && digits.allSatisfy { $0.isASCII && $0.isNumber } {
            let word = String(start.prefix { $0.properties.isAlphabetic })
            return afterOrdinals.contains(word)
        }
        return false
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

    static let endingAbbreviations: [String: Set<String>] = ["de": ["ab.", "her.", "vor.", "mehr.", "Uhr.", "Jahr."]]

    static let afterOrdinals: [String: Set<String>] = [
        "de": ["Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
               "Oktober", "November", "Dezember", "Jahrhundert", "Jahrhunderts", "Jahrestag", "Geburtstag",
               "Lebensjahr", "Platz", "Stock", "Stockwerk", "Klasse", "Mal", "Kapitel", "Auflage", "Runde",
               "Spieltag", "Etage", "Bundesliga", "Liga", "Satz", "Absatz", "Symphonie", "Sinfonie"],
    ]
}
