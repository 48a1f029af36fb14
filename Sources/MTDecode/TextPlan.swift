import MTText

/// How texts become the sentences a search translates, and the sentences' translations the
/// texts' translations: each text (a line, a request's text, an HTML document) is split into
/// sentences by the model's pipeline (HTML first into its blocks' text), a sentence longer
/// than `maxSourceLength` subwords into pieces that fit, and the translations are joined
/// back with everything that lay between them. Nothing of a text is dropped: white space,
/// line breaks and markup come back as they were, and a sentence without a word to
/// translate comes back unchanged.
///
/// Building a plan runs the pipeline, which is not thread-safe: one thread at a time.
public struct TextPlan {
    /// The sentences to translate, in the order of the texts.
    public private(set) var sentences: [TranslationInput] = []
    private var texts: [Text] = []

    private struct Text {
        /// One per HTML unit, or one for plain text; with the range of `sentences` of each.
        var blocks: [(segments: SentenceSegments, range: Range<Int>)]
        var html: HTMLDocument?
    }

    /// - Parameters:
    ///   - split: split texts into sentences (as the model's settings say); when false each
    ///     text is one sentence, as read, and only a sentence that is too long is cut up.
    ///   - warn: gets a message and the index (in `inputs`) of the text it concerns.
    public init(_ inputs: [TranslationInput], pipeline: TextPipeline, format: TextFormat = .text, split: Bool = true,
                maxSourceLength: Int, warn: (String, Int) -> Void = { _, _ in }) {
        for (n, input) in inputs.enumerated() {
            var text = Text(blocks: [], html: nil)
            let blocks: [SentenceSegments]
            switch format {
            case .text:
                blocks = [split ? pipeline.sentences(input.source)
                                : SentenceSegments(sentences: [input.source], separators: ["", ""])]
            case .html:
                let document = HTMLDocument(input.source)
                text.html = document
                blocks = document.units.map { split ? pipeline.sentences($0, lineBreaks: false) : SentenceSegments(whole: $0) }
            }
            var prefix = input.target
            for block in blocks {
                let fitted = Self.fitted(block, pipeline: pipeline, maxSourceLength: maxSourceLength) { warn($0, n) }
                let start = sentences.count
                for sentence in fitted.sentences {
                    // A prefix begins the text: its first sentence.
                    sentences.append(TranslationInput(source: sentence, target: prefix))
                    prefix = nil
                }
                text.blocks.append((fitted, start..<sentences.count))
            }
            texts.append(text)
        }
    }

    /// The segments with every sentence longer than the limit replaced by its pieces.
    static func fitted(_ segments: SentenceSegments, pipeline: TextPipeline, maxSourceLength: Int,
                       warn: (String) -> Void) -> SentenceSegments {
        var sentences: [String] = [], separators = [segments.separators[0]]
        for (i, sentence) in segments.sentences.enumerated() {
            if let pieces = pipeline.pieces(of: sentence, maxSubwords: maxSourceLength) {
                let length = pipeline.subwords(sentence).count
                warn("source of \(length) subwords translated in \(pieces.sentences.count) pieces of at most \(maxSourceLength)")
                sentences += pieces.sentences
                separators += pieces.separators.dropFirst().dropLast()
            } else {
                sentences.append(sentence)
            }
            separators.append(segments.separators[i + 1])
        }
        return SentenceSegments(sentences: sentences, separators: separators)
    }

    /// The number of texts planned.
    public var count: Int { texts.count }

    /// Each text's translation from its sentences' (`translations[i]` of `sentences[i]`);
    /// indices start at `firstIndex`. An HTML text's outputs are documents, without
    /// alignments (their words are the text's, not the markup's).
    public func assemble(_ translations: [Translation], firstIndex: Int = 0) -> [Translation] {
        precondition(translations.count == sentences.count, "one translation per planned sentence")
        return texts.enumerated().map { n, text in
            let units = text.blocks.map { Translation.joining(Array(translations[$0.range]), segments: $0.segments, index: firstIndex + n) }
            guard let document = text.html else { return units[0] }
            let ranks = Swift.max(1, units.map(\.outputs.count).max() ?? 0)
            var outputs: [Translation.Output] = []
            for rank in 0..<ranks {
                let chosen = units.map { $0.outputs.isEmpty ? nil : $0.outputs[Swift.min(rank, $0.outputs.count - 1)] }
                let rendered = document.rendered(zip(units, chosen).map { unit, o in
                    HTMLUnitTranslation(text: o?.text ?? "", links: (o?.alignment?.links ?? []).map {
                        HTMLUnitTranslation.Link(source: $0.source, target: $0.target)
                    })
                })
                var output = Translation.Output(text: rendered, targetTokens: chosen.flatMap { $0?.targetTokens ?? [] },
                                                score: chosen.reduce(0) { $0 + ($1?.score ?? 0) }, attention: nil)
                output.logProbability = chosen.reduce(0) { $0 + ($1?.logProbability ?? 0) }
                output.length = chosen.reduce(0) { $0 + ($1?.length ?? 0) }
                outputs.append(output)
            }
            return Translation(index: firstIndex + n, sourceTokens: units.flatMap(\.sourceTokens), outputs: outputs)
        }
    }
}
