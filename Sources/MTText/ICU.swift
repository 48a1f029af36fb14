import CICU

/// Swift wrappers over the CICU calls, on UTF-16 arrays (ICU's own encoding).
enum ICU {
    /// Runs an ICU "preflighting" call: first into a buffer of a guessed size,
    /// then again with the exact size if that was too small.
    static func transform(_ source: [UInt16], location: String,
                          _ call: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32, UnsafeMutablePointer<Int32>) -> Int32) throws -> [UInt16] {
        var capacity = source.count + source.count / 2 + 16
        while true {
            var status: Int32 = 0
            var needed: Int32 = 0
            let result = [UInt16](unsafeUninitializedCapacity: capacity) { dest, count in
                needed = source.withUnsafeBufferPointer { src in
                    call(src.baseAddress, Int32(src.count), dest.baseAddress, Int32(capacity), &status)
                }
                count = status > 0 ? 0 : Int(needed)
            }
            if status == CICU_BUFFER_OVERFLOW { capacity = Int(needed) + 1; continue }
            if status > 0 { throw TextError("ICU \(location) failed: \(String(cString: cicu_error_name(status)))", at: "ICU") }
            return result
        }
    }

    static func nfkc(_ source: [UInt16]) throws -> [UInt16] {
        try transform(source, location: "NFKC normalisation") { cicu_nfkc($0, $1, $2, $3, $4) }
    }

    /// CLDR's words that end in a full stop without ending a sentence, for `language`.
    static func sentenceExceptions(language: String) -> [String] {
        guard !language.isEmpty,
              let units = try? transform([], location: "sentence exceptions", { _, _, dest, capacity, status in
                  cicu_sentence_exceptions(language, dest, capacity, status)
              }) else { return [] }
        return String(decoding: units, as: UTF16.self).split(separator: "\n").map(String.init)
    }

    static func lowercase(_ source: [UInt16], locale: String) throws -> [UInt16] {
        try locale.withCString { loc in
            try transform(source, location: "lowercasing") { cicu_to_lower(loc, $0, $1, $2, $3, $4) }
        }
    }
}

/// A reusable ICU break iterator: words (dictionary segmentation for Chinese, Japanese and
/// Thai) or sentences. Sentences are broken without ICU's own abbreviation filter
/// ("@ss=standard"): that filter matches the locale's abbreviations as word endings, so
/// German's "r." keeps "im Wasser. Ein Mann" together; `SentenceBreakCorrections` applies
/// the same CLDR list (`ICU.sentenceExceptions`) to whole words instead.
/// Not thread-safe: one per thread.
final class BreakIterator {
    enum Kind { case words, sentences }

    private let handle: OpaquePointer
    private var ends: [Int32] = []

    init(_ kind: Kind, locale: String = "") throws {
        var status: Int32 = 0
        let code = kind == .words ? CICU_BREAK_WORDS : CICU_BREAK_SENTENCES
        guard let h = cicu_breaker_open(Int32(code), locale, &status), status <= 0 else {
            throw TextError("cannot open the ICU \(kind) break iterator: \(String(cString: cicu_error_name(status)))", at: "locale '\(locale)'")
        }
        handle = h
    }

    deinit { cicu_breaker_close(handle) }

    /// End offsets (in UTF-16 units) of the segments of `text`; a sentence's segment holds
    /// the spaces and line break that follow it.
    func segmentEnds(_ text: [UInt16]) throws -> ArraySlice<Int32> {
        if ends.count < text.count { ends = [Int32](repeating: 0, count: text.count) }
        var status: Int32 = 0
        let n = text.withUnsafeBufferPointer { src in
            ends.withUnsafeMutableBufferPointer { dst in
                cicu_breaker_split(handle, src.baseAddress, Int32(src.count), dst.baseAddress, Int32(dst.count), &status)
            }
        }
        if status > 0 { throw TextError("ICU segmentation failed: \(String(cString: cicu_error_name(status)))", at: "ICU") }
        return ends[0..<Int(n)]
    }
}
