import Testing
@testable import MTText

/// detokenize(tokenize(line)) gives back the normalised line, for arbitrary input.
@Suite struct RoundTripPropertyTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomLinesRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let tokenizer = try WordTokenizer()
        var lines: [String] = []
        var words = WordCounts()
        for _ in 0..<600 {
            let line = String(decoding: RandomText.line(&rng), as: UTF8.self)
            lines.append(line)
            let normalized = tokenizer.normalize(line)
            #expect(tokenizer.normalize(normalized) == normalized)
            let tokens = tokenizer.tokenize(line)
            words.add(tokens)
            #expect(tokens.detokenized == normalized, "line: \(line.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect([Token](textForm: tokens.textForm) == tokens)
            #expect([Token](textForm: tokens.textForm).detokenized == normalized)
            #expect(tokens.allSatisfy { t in
                !t.text.isEmpty && !t.text.unicodeScalars.contains { $0 == " " || $0 == "\u{FFED}" || $0.value < 0x20 }
            })
        }
        // BPE learned on the same text keeps the round trip.
        let codes = BPELearner.learn(words, merges: 300)
        #expect(try BPECodes(text: codes.text) == codes)
        let bpe = BPE(codes: codes)
        for line in lines {
            let subwords = bpe.apply(tokenizer.tokenize(line))
            #expect(subwords.detokenized == tokenizer.normalize(line))
            #expect(TextPipeline.detokenize(subwords.map(\.textForm)) == tokenizer.normalize(line))
        }
    }

    @Test func lowercasedRandomLinesRoundTrip() throws {
        var rng = SplitMix64(seed: 99)
        let tokenizer = try WordTokenizer(lowercase: true, locale: "tr")
        for _ in 0..<500 {
            let line = String(decoding: RandomText.line(&rng), as: UTF8.self)
            #expect(tokenizer.tokenize(line).detokenized == tokenizer.normalize(line))
        }
    }
}
