import Foundation
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing
@testable import MTServe

/// Language detection from the models' own source vocabularies: scripts, then coverage,
/// on small pipelines built here (word-level and BPE), and through the registry that
/// chooses a model for source `auto`.
@Suite struct LanguageDetectionTests {
    static let english = [
        "The house is big.", "The car is small.", "A man reads a book in the house.", "The woman is in the garden.",
        "The children play in the garden.", "A dog sleeps in the big house.", "The book is on the table.",
        "We drink water and eat bread.", "The sister knows the teacher.", "Where is the train station?",
    ]
    static let german = [
        "Das Haus ist groß.", "Das Auto ist klein.", "Ein Mann liest ein Buch im Haus.", "Die Frau ist im Garten.",
        "Die Kinder spielen im Garten.", "Ein Hund schläft im großen Haus.", "Das Buch liegt auf dem Tisch.",
        "Wir trinken Wasser und essen Brot.", "Die Schwester kennt den Lehrer.", "Wo ist der Bahnhof?",
    ]
    static let chinese = ["我要去打篮球。", "这个房子很大。", "我们喝水吃面包。", "孩子们在花园里玩。", "火车站在哪里？"]

    /// A pipeline whose vocabularies are those of `lines` (word-level without merges).
    static func pipeline(_ lines: [String], language: String, merges: Int = 0) throws -> TextPipeline {
        let tokenizer = try WordTokenizer(locale: language)
        var words = WordCounts()
        for line in lines { words.add(tokenizer.tokenize(line)) }
        let codes = merges > 0 ? BPELearner.learn(words, merges: merges) : BPECodes()
        let bpe = BPE(codes: codes)
        var subwords = WordCounts()
        for line in lines { for t in bpe.apply(tokenizer.tokenize(line)) { subwords.add(t.textForm) } }
        var settings = PreprocessSettings()
        settings.sourceLanguage = language
        settings.bpeMerges = merges
        let vocabulary = Vocabulary(counts: subwords)
        return try TextPipeline(settings: settings, sourceCodes: codes, targetCodes: codes,
                                sourceVocabulary: vocabulary, targetVocabulary: vocabulary)
    }

    static func candidates(merges: Int = 0) throws -> [(language: String, profile: SourceProfile)] {
        [("en", SourceProfile(pipeline: try pipeline(english, language: "en", merges: merges))),
         ("de", SourceProfile(pipeline: try pipeline(german, language: "de", merges: merges))),
         ("zh", SourceProfile(pipeline: try pipeline(chinese, language: "zh")))]
    }

    static func error(_ body: () throws -> Any) -> ServeError? {
        do { _ = try body() } catch let e as ServeError { return e } catch { return nil }
        return nil
    }

    @Test(arguments: [0, 60])
    func englishAndGermanAreToldApart(merges: Int) throws {
        let c = try Self.candidates(merges: merges)
        let en = try LanguageDetection.rank(["the house is big"], c)
        #expect(en.map(\.language) == ["en", "de", "zh"], "\(en)")
        #expect(en[0].confidence > en[1].confidence && en[2].confidence == 0, "\(en)")
        let de = try LanguageDetection.rank(["Das Haus ist groß"], c)
        #expect(de.map(\.language) == ["de", "en", "zh"], "\(de)")
        #expect(de[0].confidence > de[1].confidence, "\(de)")
        if merges == 0 {
            // Word-level: every word known to one vocabulary and none to the other.
            #expect(en[0].confidence == 100 && en[1].confidence == 0 && de[0].confidence == 100 && de[1].confidence == 0)
        }
    }

    @Test func hanTextGoesToTheChineseVocabulary() throws {
        let c = try Self.candidates()
        #expect(c.map(\.profile.scripts) == [[.latin], [.latin], [.han]])
        let ranked = try LanguageDetection.rank(["我要去打篮球"], c)
        #expect(ranked[0].language == "zh" && ranked[0].confidence == 100 && ranked.dropFirst().allSatisfy { $0.confidence == 0 })
    }

    @Test func textNoModelReadsIs400() throws {
        let c = try Self.candidates()
        let cyrillic = Self.error { try LanguageDetection.rank(["Привет, мир!"], c) }
        #expect(cyrillic?.status == 400 && cyrillic?.message.contains("reads text in Cyrl") == true
                && cyrillic?.message.contains("Hani, Latn") == true, "\(String(describing: cyrillic))")
        for letterless in ["123 + 4 = 127 !", "😀🎉", "  "] {
            let e = Self.error { try LanguageDetection.rank([letterless], c) }
            #expect(e?.status == 400 && e?.message.contains("no letters") == true, "\(letterless): \(String(describing: e))")
        }
        // Partly readable text is judged on what can be read, and loses the rest.
        let mixed = try LanguageDetection.rank(["the house Привет"], c)
        #expect(mixed[0].language == "en" && mixed[0].confidence > 0 && mixed[0].confidence < 100)
    }

    @Test func coverageCountsKnownCharactersLessSplits() throws {
        let words = try Self.pipeline(Self.english, language: "en")
        #expect(SourceProfile.coverage("the house", pipeline: words, scripts: [.latin]) == 1)
        // "mouse" is unknown: 3 of 8 characters covered.
        #expect(SourceProfile.coverage("the mouse", pipeline: words, scripts: [.latin]) == 3.0 / 8)
        #expect(SourceProfile.coverage("the 42 !", pipeline: words, scripts: [.latin]) == 1)
        // Under BPE a training word the merges did not make whole is known in n pieces: it
        // loses n − 1 of its characters.
        let bpe = try Self.pipeline(Self.english, language: "en", merges: 60)
        let split = ["station", "teacher", "children", "garden", "sister", "bread", "water"].map {
            ($0, bpe.subwords(of: [Token($0)], side: .source).count)
        }.first { $0.1 > 1 }
        #expect(split != nil)
        if let (word, pieces) = split {
            #expect(SourceProfile.coverage(word, pipeline: bpe, scripts: [.latin]) == Double(word.count - pieces + 1) / Double(word.count))
        }
        #expect(SourceProfile.coverage("house", pipeline: bpe, scripts: [.latin]) == 1)
    }

    @Test func strayLettersDoNotMakeAScriptRead() throws {
        var counts = WordCounts()
        counts.add("house", count: 500)
        counts.add("Москва", count: 1)
        #expect(SourceProfile.scripts(of: Vocabulary(counts: counts)) == [.latin])
        counts.add("Киев", count: 100)
        #expect(SourceProfile.scripts(of: Vocabulary(counts: counts)) == [.latin, .cyrillic])
    }

    @Test func arrayItemsAreWeightedByTheirLetters() throws {
        let c = try Self.candidates()
        let items = ["the house is big and the car is small", "Das Haus"]
        let together = try LanguageDetection.rank(items, c)
        let each = try items.map { try LanguageDetection.rank([$0], c) }
        #expect(together.map(\.language) == ["en", "de", "zh"])
        for entry in together {
            let weights = items.map { Double(LanguageDetection.letters($0).values.reduce(0, +)) }
            let scores = each.map { $0.first { $0.language == entry.language }!.confidence }
            let mean = zip(weights, scores).map(*).reduce(0, +) / weights.reduce(0, +)
            #expect(abs(entry.confidence - mean) <= 0.1, "\(entry) \(mean)")
        }
        // An empty item weighs nothing.
        #expect(try LanguageDetection.rank(["", "Das Haus ist groß"], c) == LanguageDetection.rank(["Das Haus ist groß"], c))
    }

    @Test func aLanguageServedTwiceIsListedOnceWithItsBestModel() throws {
        let strong = SourceProfile(pipeline: try Self.pipeline(Self.english, language: "en"))
        let weak = SourceProfile(pipeline: try Self.pipeline(Array(Self.english.prefix(2)), language: "en"))
        let ranked = try LanguageDetection.rank(["a man reads a book"], [("en", weak), ("EN", strong)])
        #expect(ranked == [DetectedLanguage(language: "en", confidence: 100)])
    }

    @Test func detectBodiesAreReadLikeTranslateBodies() throws {
        func detect(_ body: String, _ type: String? = "application/json") throws -> [String] {
            try RequestParsing.detect(body: Array(body.utf8), contentType: type)
        }
        #expect(try detect(#"{"q": "the house", "api_key": "k"}"#) == ["the house"])
        #expect(try detect(#"{"q": ["a", "b"]}"#, nil) == ["a", "b"])
        #expect(try detect("q=das+Haus%21&api_key=k", "application/x-www-form-urlencoded; charset=utf-8") == ["das Haus!"])
        for (body, type, status, fragment) in [
            (#"{"q": ""}"#, "application/json", 400, "q is empty"),
            (#"{"q": " \n\t"}"#, "application/json", 400, "q is empty"),
            (#"{"q": ["", "  "]}"#, "application/json", 400, "q is empty"),
            ("q=&api_key=k", "application/x-www-form-urlencoded", 400, "q is empty"),
            (#"{"q": []}"#, "application/json", 400, "q is an empty array"),
            (#"{"text": "a"}"#, "application/json", 400, "missing q: the text to detect the language of"),
            (#"{"q": 3}"#, "application/json", 400, "q must be a string or an array"),
            ("q=a", "text/plain", 415, "unsupported content type 'text/plain'"),
        ] {
            let e = Self.error { try detect(body, type) }
            #expect(e?.status == status && e?.message.contains(fragment) == true, "\(body): \(String(describing: e))")
        }
    }

    // MARK: through served models

    static let modelDirectory: String = {
        let dir = NSTemporaryDirectory() + "mt-serve-detect-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// A random-weight model with the pipeline of `lines` (the target side is the same
    /// vocabulary under `target`'s code: only the source side matters here).
    static func model(_ id: String, _ lines: [String], source: String, target: String) throws -> ServedModel {
        let p = try pipeline(lines, language: source)
        var settings = p.settings
        settings.targetLanguage = target
        let named = try TextPipeline(settings: settings, sourceCodes: p.sourceCodes, targetCodes: p.targetCodes,
                                     sourceVocabulary: p.sourceVocabulary, targetVocabulary: p.targetVocabulary)
        var config = Seq2SeqConfig(sourceVocabularySize: p.sourceVocabulary.count, targetVocabularySize: p.targetVocabulary.count)
        config.embeddingSize = 4
        config.hiddenSize = 4
        config.encoderLayers = 1
        config.decoderLayers = 1
        let path = "\(modelDirectory)/\(id).safetensors"
        try ModelFile.save(Seq2Seq<Float>(config, rng: SeededRandom(seed: 1)), pipeline: named, to: path)
        return try ServedModel.load(id: id, path: path)
    }

    @Test func sourceAutoChoosesTheModelOfTheDetectedLanguage() throws {
        let enDe = try Self.model("en-de", Self.english, source: "en", target: "de")
        let deEn = try Self.model("de-en", Self.german, source: "de", target: "en")
        let zhEn = try Self.model("zh-en", Self.chinese, source: "zh", target: "en")
        let registry = ModelRegistry([enDe, deEn, zhEn])
        for source in [nil, "auto"] {
            #expect(try registry.resolve(model: nil, source: source, target: "en", text: ["Das Haus ist groß."]) === deEn)
            #expect(try registry.resolve(model: nil, source: source, target: "en", text: ["我要去打篮球。"]) === zhEn)
        }
        #expect(try registry.resolve(model: nil, source: "auto", target: nil, text: ["The house is big."]) === enDe)
        // One model fits: it is chosen whatever the text, and reports its own confidence.
        #expect(try registry.resolve(model: nil, source: "auto", target: "de", text: ["Das Haus ist groß."]) === enDe)
        #expect(LanguageDetection.detected(["Das Haus ist groß."], by: enDe) == DetectedLanguage(language: "en", confidence: 0))
        #expect(LanguageDetection.detected(["The house is big.", ""], by: enDe) == DetectedLanguage(language: "en", confidence: 100))
        #expect(LanguageDetection.detected([""], by: enDe).confidence == 0)
        // Nothing named: the default model, as before.
        #expect(try registry.resolve(model: nil, source: nil, target: nil, text: ["Das Haus ist groß."]) === enDe)

        let cyrillic = Self.error { try registry.resolve(model: nil, source: "auto", target: "en", text: ["Привет, мир!"]) }
        #expect(cyrillic?.status == 400 && cyrillic?.message.contains("no model that fits (de-en, zh-en) reads text in Cyrl") == true,
                "\(String(describing: cyrillic))")
        let empty = Self.error { try registry.resolve(model: nil, source: "auto", target: "en", text: [""]) }
        #expect(empty?.status == 400 && empty?.message.contains("no letters") == true
                && empty?.message.hasSuffix("give source or options.model") == true, "\(String(describing: empty))")
        let unknown = Self.error { try registry.resolve(model: nil, source: "auto", target: "en", text: ["xyzzy"]) }
        #expect(unknown?.status == 400 && unknown?.message.contains("give source or options.model") == true,
                "\(String(describing: unknown))")

        let detected = try LanguageDetection.detect(["The house is big."], among: registry.all)
        #expect(detected.map(\.language) == ["en", "de", "zh"] && detected[0].confidence == 100)
        #expect(detected[0] == LanguageDetection.detected(["The house is big."], by: enDe))
    }

    @Test func modelsWithoutASourceLanguageAreNotNamed() throws {
        let unnamed = try Self.model("any", Self.german, source: "", target: "")
        let e = Self.error { try LanguageDetection.detect(["Das Haus"], among: [unnamed]) }
        #expect(e?.status == 400 && e?.message.contains("no served model names its source language") == true)
        let enDe = try Self.model("en-de2", Self.english, source: "en", target: "de")
        #expect(try LanguageDetection.detect(["Das Haus"], among: [unnamed, enDe]) == [DetectedLanguage(language: "en", confidence: 0)])
        // It still reads text when /translate chooses among the models that fit.
        #expect(try ModelRegistry([enDe, unnamed]).resolve(model: nil, source: "auto", target: "de", text: ["Das Haus"]) === unnamed)
    }
}
