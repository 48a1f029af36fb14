/// Line-by-line transforms for inspection and round trips (mt-preprocess
/// tokenize / detokenize): one output line per input line, in order.
public enum TextStream {
    /// Writes each line's tokens in text form. With a pipeline, its case and BPE
    /// settings for `side` apply; without, plain word tokens.
    public static func tokenize(_ input: LineReader, to output: LineWriter, pipeline: TextPipeline? = nil, side: Side = .source) throws {
        let tokenizer = pipeline == nil ? try WordTokenizer() : nil
        while let line = try input.nextLine() {
            let tokens = pipeline.map { $0.subwords(line, side: side) } ?? tokenizer!.tokenize(line)
            try output.write(line: tokens.textForm)
        }
        try output.flush()
    }

    /// Joins text-form tokens (or subwords) back into lines.
    public static func detokenize(_ input: LineReader, to output: LineWriter) throws {
        while let line = try input.nextLine() {
            try output.write(line: [Token](textForm: line).detokenized)
        }
        try output.flush()
    }
}

extension TextStream {
    /// Writes each line normalised (and lowercased when the pipeline says so):
    /// exactly what `tokenize | detokenize` must give back.
    public static func normalize(_ input: LineReader, to output: LineWriter, pipeline: TextPipeline? = nil, side: Side = .source) throws {
        while let line = try input.nextLine() {
            try output.write(line: pipeline?.normalize(line, side: side) ?? Normalizer.normalize(line))
        }
        try output.flush()
    }
}
