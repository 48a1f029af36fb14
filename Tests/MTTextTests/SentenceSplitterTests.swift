import Testing
@testable import MTText

/// Sentence ends and abbreviations in English, German, French and Chinese, in sentences of
/// the kind found in news, encyclopaedias and dialogue: each case is a line and the
/// sentences it must split into.
@Suite struct SentenceSplitterTests {
    static let cases: [(language: String, text: String, sentences: [String])] = [
        // English
        ("en", "Dr. Smith flew to Washington on Monday. He met Mr. Jones at 3 p.m. and left.",
         ["Dr. Smith flew to Washington on Monday.", "He met Mr. Jones at 3 p.m. and left."]),
        ("en", "The trail is 3.5 km long. It climbs 400 m.", ["The trail is 3.5 km long.", "It climbs 400 m."]),
        ("en", "Wait... what did you say? I said nothing.", ["Wait... what did you say?", "I said nothing."]),
        ("en", "He said, \"Stop.\" Then he left.", ["He said, \"Stop.\"", "Then he left."]),
        ("en", "\"Stop!\" he shouted. Nobody stopped.", ["\"Stop!\" he shouted.", "Nobody stopped."]),
        ("en", "She works for a bank, e.g. Barclays. It pays well.", ["She works for a bank, e.g. Barclays.", "It pays well."]),
        ("en", "Is it true?! Yes, it is.", ["Is it true?!", "Yes, it is."]),
        ("en", "See Fig. 3 for the details. The figure shows the result.",
         ["See Fig. 3 for the details.", "The figure shows the result."]),
        ("en", "Prof. Li teaches physics. St. Louis is her home town.", ["Prof. Li teaches physics.", "St. Louis is her home town."]),
        ("en", "The U.S. economy grew by 2.1% in 2019. Exports rose.", ["The U.S. economy grew by 2.1% in 2019.", "Exports rose."]),
        ("en", "Mrs. Brown (the teacher) arrived. (She was late.) We began.",
         ["Mrs. Brown (the teacher) arrived.", "(She was late.)", "We began."]),
        ("en", "A man in a blue shirt is standing on a ladder. A dog runs through the grass.",
         ["A man in a blue shirt is standing on a ladder.", "A dog runs through the grass."]),
        ("en", "Two children play in the snow", ["Two children play in the snow"]),
        ("en", "She lost her hat. The wind took it. 3 boys found it.", ["She lost her hat.", "The wind took it.", "3 boys found it."]),
        ("en", "It costs $4.99. That is cheap!", ["It costs $4.99.", "That is cheap!"]),
        // German
        ("de", "Das ist z. B. ein Beispiel. Es geht weiter.", ["Das ist z. B. ein Beispiel.", "Es geht weiter."]),
        ("de", "Herr Dr. Müller kommt am 3. Mai. Er bleibt bis zum 5. Juni.",
         ["Herr Dr. Müller kommt am 3. Mai.", "Er bleibt bis zum 5. Juni."]),
        ("de", "Das kostet ca. 5 Euro. Das ist billig.", ["Das kostet ca. 5 Euro.", "Das ist billig."]),
        ("de", "Er sagte: „Komm her!“ Dann ging er.", ["Er sagte: „Komm her!“", "Dann ging er."]),
        ("de", "Die Linie Nr. 5 fährt um 8.30 Uhr ab. Sie ist pünktlich.",
         ["Die Linie Nr. 5 fährt um 8.30 Uhr ab.", "Sie ist pünktlich."]),
        ("de", "Er kommt um 8 Uhr. Sie wartet schon. Es gibt nicht mehr. Das war vor einem Jahr.",
         ["Er kommt um 8 Uhr.", "Sie wartet schon.", "Es gibt nicht mehr.", "Das war vor einem Jahr."]),
        ("de", "Ein Mädchen in einer Rettungsweste treibt im Wasser. Ein Mann in Uniform steht vor einem Wagen.",
         ["Ein Mädchen in einer Rettungsweste treibt im Wasser.", "Ein Mann in Uniform steht vor einem Wagen."]),
        ("de", "Sechs Leute fahren durch eine Dschungellandschaft. 2 blonde Mädchen sitzen auf einem Absatz.",
         ["Sechs Leute fahren durch eine Dschungellandschaft.", "2 blonde Mädchen sitzen auf einem Absatz."]),
        ("de", "Im 19. Jahrhundert wuchs die Stadt stark. Heute leben dort 2,5 Mio. Menschen.",
         ["Im 19. Jahrhundert wuchs die Stadt stark.", "Heute leben dort 2,5 Mio. Menschen."]),
        ("de", "Ein Mann fährt Fahrrad. Eine Frau geht mit ihrem Hund spazieren.",
         ["Ein Mann fährt Fahrrad.", "Eine Frau geht mit ihrem Hund spazieren."]),
        ("de", "Das gilt u. a. für Kinder, d. h. für alle unter 14 Jahren. Erwachsene zahlen mehr.",
         ["Das gilt u. a. für Kinder, d. h. für alle unter 14 Jahren.", "Erwachsene zahlen mehr."]),
        ("de", "Wie bitte? Das habe ich nicht verstanden.", ["Wie bitte?", "Das habe ich nicht verstanden."]),
        ("de", "Vgl. hierzu Abb. 4 im Anhang. Dort steht mehr.", ["Vgl. hierzu Abb. 4 im Anhang.", "Dort steht mehr."]),
        ("de", "Die Firma wurde 1998 gegründet. Sie hat 40 Mitarbeiter.",
         ["Die Firma wurde 1998 gegründet.", "Sie hat 40 Mitarbeiter."]),
        ("de", "Prof. Dr. Weber hält den Vortrag bzw. die Einführung. Danach gibt es Kaffee.",
         ["Prof. Dr. Weber hält den Vortrag bzw. die Einführung.", "Danach gibt es Kaffee."]),
        // French
        ("fr", "M. Dupont est arrivé hier. Il est content.", ["M. Dupont est arrivé hier.", "Il est content."]),
        ("fr", "« Viens ! » dit-il. Elle vient.", ["« Viens ! » dit-il.", "Elle vient."]),
        ("fr", "Il a 3,5 km à faire. Puis il rentre.", ["Il a 3,5 km à faire.", "Puis il rentre."]),
        ("fr", "Mme Durand habite au 3e étage. C'est loin.", ["Mme Durand habite au 3e étage.", "C'est loin."]),
        ("fr", "Il aime les fruits, p. ex. les pommes. Elle préfère les poires.",
         ["Il aime les fruits, p. ex. les pommes.", "Elle préfère les poires."]),
        ("fr", "Qui est là ? C'est moi !", ["Qui est là ?", "C'est moi !"]),
        ("fr", "Un homme fait du vélo. Une femme promène son chien.",
         ["Un homme fait du vélo.", "Une femme promène son chien."]),
        ("fr", "Voir le chap. 2, cf. la fig. 5. La suite arrive.", ["Voir le chap. 2, cf. la fig. 5.", "La suite arrive."]),
        ("fr", "Le Dr. Martin consulte le lundi. Prenez rendez-vous.", ["Le Dr. Martin consulte le lundi.", "Prenez rendez-vous."]),
        ("fr", "Le chat joue au bord de la mer. Le chien dort.", ["Le chat joue au bord de la mer.", "Le chien dort."]),
        ("fr", "Elle a dit : « Je pars. » Puis elle est partie.", ["Elle a dit : « Je pars. »", "Puis elle est partie."]),
        // Chinese
        ("zh", "我很好。你呢？我也很好！", ["我很好。", "你呢？", "我也很好！"]),
        ("zh", "他说：“你好。”然后走了。", ["他说：“你好。”", "然后走了。"]),
        ("zh", "今天天气很好，我们去公园吧。", ["今天天气很好，我们去公园吧。"]),
        ("zh", "这本书多少钱？三十五块。太贵了！", ["这本书多少钱？", "三十五块。", "太贵了！"]),
        ("zh", "他在1998年出生。他今年25岁。", ["他在1998年出生。", "他今年25岁。"]),
        ("zh", "我喜欢读书。 我每天都读。", ["我喜欢读书。", "我每天都读。"]),
        ("zh", "价格是3.5元。很便宜。", ["价格是3.5元。", "很便宜。"]),
        ("zh", "你叫什么名字？我叫汤姆。", ["你叫什么名字？", "我叫汤姆。"]),
    ]

    @Test func realSentenceEndsAndAbbreviations() throws {
        var splitters: [String: SentenceSplitter] = [:]
        var wrong: [String] = []
        for c in Self.cases {
            let splitter = try splitters[c.language] ?? SentenceSplitter(language: c.language)
            splitters[c.language] = splitter
            let segments = splitter.split(c.text)
            if segments.sentences != c.sentences { wrong.append("\(c.language): \(c.text) → \(segments.sentences)") }
            #expect(segments.text == c.text)
        }
        #expect(Self.cases.count >= 40)
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test func separatorsKeepWhiteSpaceAndLines() throws {
        let splitter = try SentenceSplitter(language: "en")
        let text = "  One sentence.  Two sentences.\n\nA new paragraph!\r\n\tIndented. "
        let s = splitter.split(text)
        #expect(s.sentences == ["One sentence.", "Two sentences.", "A new paragraph!", "Indented."])
        #expect(s.separators == ["  ", "  ", "\n\n", "\r\n\t", " "])
        #expect(s.text == text)
    }

    @Test func lineBreaksAreNeverJoinedOver() throws {
        let splitter = try SentenceSplitter(language: "en")
        #expect(splitter.split("Dr.\nsmith is here").sentences == ["Dr.", "smith is here"])
        #expect(splitter.split("a line\nand another").sentences == ["a line", "and another"])
        // HTML: a line break is a space.
        #expect(splitter.split("a line\nand another. Two.", lineBreaks: false).sentences == ["a line\nand another.", "Two."])
    }

    @Test func emptyAndBlankText() throws {
        let splitter = try SentenceSplitter(language: "de")
        #expect(splitter.split("") == SentenceSegments(sentences: [], separators: [""]))
        #expect(splitter.split(" \n ") == SentenceSegments(sentences: [], separators: [" \n "]))
    }

    @Test func joiningFollowsTheTargetScript() {
        let en = SentenceSegments(sentences: ["I am fine.", "And you?"], separators: ["", " ", "\n"])
        #expect(en.joined(["我很好。", "你呢？"]) == "我很好。你呢？\n")
        #expect(en.joined(["Mir geht es gut.", "Und dir?"]) == "Mir geht es gut. Und dir?\n")
        let zh = SentenceSegments(sentences: ["我很好。", "你呢？"], separators: ["", "", ""])
        #expect(zh.joined(["I am fine.", "And you?"]) == "I am fine. And you?")
        #expect(zh.joined(["我很好。", "你呢？"]) == "我很好。你呢？")
        let spaced = SentenceSegments(sentences: ["我很好。", "你呢？"], separators: ["", " ", ""])
        #expect(spaced.joined(["我很好。", "你呢？"]) == "我很好。 你呢？")
        let lines = SentenceSegments(sentences: ["One.", "Two."], separators: ["", "\n", ""])
        #expect(lines.joined(["一。", "二。"]) == "一。\n二。")
    }

    @Test func wholeAndLines() {
        #expect(SentenceSegments(whole: "  a b  ") == SentenceSegments(sentences: ["a b"], separators: ["  ", "  "]))
        let lines = SentenceSegments(lines: " a. b.\n\n c \n")
        #expect(lines.sentences == ["a. b.", "c"])
        #expect(lines.text == " a. b.\n\n c \n")
    }

    /// Nothing is lost: any text comes back byte for byte from its sentences and separators.
    @Test func splitThenJoinGivesTheTextBack() throws {
        let splitters = try ["en", "de", "fr", "zh", "th", ""].map { try SentenceSplitter(language: $0) }
        var rng = SplitMix64(seed: 7)
        let joins = ["\n", ". ", "? ", "。", "\n\n", "! ", " Mr. ", "» ", " z. B. "]
        for i in 0..<2000 {
            let text = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                String(decoding: RandomText.line(&rng), as: UTF8.self)
            }.joined(separator: joins.randomElement(using: &rng)!)
            let splitter = splitters[i % splitters.count]
            for lineBreaks in [true, false] {
                let s = splitter.split(text, lineBreaks: lineBreaks)
                #expect(s.text == text)
                #expect(s.joined(s.sentences) == text)
                #expect(s.sentences.allSatisfy { !$0.isEmpty && !Normalizer.isWhiteSpace($0.unicodeScalars.first!)
                    && !Normalizer.isWhiteSpace($0.unicodeScalars.last!) })
            }
        }
    }
}
