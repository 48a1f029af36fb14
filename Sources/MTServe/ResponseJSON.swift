import Foundation
import MTCore
import MTDecode

/// The JSON bodies of translation responses, in each API's own shape.
enum ResponseJSON {
    static func encode(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value is made here from finite numbers and strings: encoding cannot fail.
        return Array(try! encoder.encode(value))
    }

    static func error(_ message: String) -> [UInt8] { encode(.object(["error": .string(message)])) }

    static func number(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }

    /// Exactly `n` outputs, the last repeated when the search found fewer (an empty input),
    /// as mt-translate's n-best lines do.
    static func outputs(_ t: Translation, _ n: Int) -> [Translation.Output?] {
        (0..<n).map { t.outputs.isEmpty ? nil : t.outputs[Swift.min($0, t.outputs.count - 1)] }
    }

    /// Our per-sentence details (options.scores or options.attention): source subwords and,
    /// per output, its text, score and subwords (and the best one's attention).
    static func details(_ t: Translation, nBest: Int, attention: Bool) -> JSONValue {
        .object([
            "source_tokens": .array(t.sourceTokens.map { .string($0) }),
            "outputs": .array(outputs(t, nBest).enumerated().map { j, o in
                var fields: [String: JSONValue] = [
                    "text": .string(o?.text ?? ""), "score": number(o?.score ?? 0),
                    "tokens": .array((o?.targetTokens ?? []).map { .string($0) }),
                ]
                if attention && j == 0 {
                    fields["attention"] = .array((o?.attention ?? []).map { .array($0.map(number)) })
                }
                return .object(fields)
            }),
        ])
    }

    /// LibreTranslate: `translatedText` (a string, or an array for an array `q`), with
    /// `alternatives` when asked for, `detectedLanguage` for source `auto`, and our `details`.
    static func libreTranslate(_ ts: [Translation], single: Bool, request: TranslateRequest,
                               settings: SearchSettings, model: ServedModel) -> JSONValue {
        // One detection for the whole request, as LibreTranslate repeats it for each item.
        let detected = request.source == nil || request.source == "auto" ? LanguageDetection.detected(request.words, by: model) : nil
        func one(_ t: Translation) -> [String: JSONValue] {
            var o: [String: JSONValue] = ["translatedText": .string(t.outputs.first?.text ?? "")]
            if request.alternatives > 0 {
                o["alternatives"] = .array(outputs(t, request.alternatives + 1).dropFirst().map { .string($0?.text ?? "") })
            }
            if let detected { o["detectedLanguage"] = detected.json }
            if request.options.scores || request.options.attention {
                o["details"] = details(t, nBest: settings.nBest, attention: request.options.attention)
            }
            return o
        }
        let each = ts.map(one)
        if single { return .object(each[0]) }
        var merged: [String: JSONValue] = [:]
        for key in Set(each.flatMap(\.keys)) { merged[key] = .array(each.map { $0[key] ?? .null }) }
        return .object(merged)
    }

    /// OpenNMT-py: `[[{"src", "tgt", "n_best", "pred_score"}, ...]]`, n_best entries per
    /// input in input order (with our `tokens` and `attention` when asked for).
    static func openNMT(_ ts: [Translation], lines: [String], settings: SearchSettings, request: TranslateRequest) -> JSONValue {
        var results: [JSONValue] = []
        for (t, src) in zip(ts, lines) {
            for (j, o) in outputs(t, settings.nBest).enumerated() {
                var fields: [String: JSONValue] = [
                    "src": .string(src), "tgt": .string(o?.text ?? ""),
                    "n_best": .integer(Int64(settings.nBest)), "pred_score": number(o?.score ?? 0),
                ]
                if request.options.scores || request.options.attention {
                    fields["tokens"] = .array((o?.targetTokens ?? []).map { .string($0) })
                }
                if request.options.attention && j == 0 {
                    fields["attention"] = .array((o?.attention ?? []).map { .array($0.map(number)) })
                }
                results.append(.object(fields))
            }
        }
        return .array([.array(results)])
    }
}
