import Foundation
import MTCore
import Yams

extension ServeConfig {
    /// Reads a YAML configuration (README, "Serving translations"): `host`, `port`,
    /// `threads`, `models` (a mapping id: file, relative paths from the file's directory)
    /// and the sections `batch`, `limits` and `defaults`, each a mapping of scalar settings.
    /// Settings not given keep their defaults; unknown keys and wrong types are errors that
    /// name the key and the file.
    public static func load(yaml: String, location: String) throws -> ServeConfig {
        let root: Any?
        do {
            root = try Yams.load(yaml: yaml)
        } catch {
            throw ProgramError("invalid YAML: \(oneLineDescription(of: error))", at: location)
        }
        var c = ServeConfig()
        guard let root else { return c }
        guard let top = root as? [String: Any] else { throw ProgramError("the top level must be a mapping", at: location) }
        let base = URL(fileURLWithPath: location).deletingLastPathComponent()
        let r = Reader(location: location)
        for (key, value) in top.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "host": c.host = try r.string(value, key)
            case "port": c.port = try r.int(value, key)
            case "threads": c.threads = try r.int(value, key)
            case "models":
                guard let m = value as? [String: Any] else { throw r.fail(key, "a mapping of model id to file") }
                // In the file's order (the first is the default), which a dictionary loses.
                let order = (try? Yams.compose(yaml: yaml))?["models"]?.mapping?.compactMap { $0.key.string } ?? []
                c.models = try m.sorted { (order.firstIndex(of: $0.key) ?? 0, $0.key) < (order.firstIndex(of: $1.key) ?? 0, $1.key) }.map { id, path in
                    let p = try r.string(path, "models.\(id)")
                    return ModelSpec(id: id, path: p.hasPrefix("/") ? p : base.appendingPathComponent(p).path)
                }
            case "batch":
                try r.section(value, key) { k, v in
                    switch k {
                    case "max_sentences": c.batch.maxSentences = try r.int(v, "batch.\(k)")
                    case "max_tokens": c.batch.maxTokens = try r.int(v, "batch.\(k)")
                    case "max_wait_ms": c.batch.maxWaitMilliseconds = try r.double(v, "batch.\(k)")
                    case "max_fill_ms": c.batch.maxFillMilliseconds = try r.double(v, "batch.\(k)")
                    case "window": c.batch.window = try r.int(v, "batch.\(k)")
                    default: return false
                    }
                    return true
                }
            case "limits":
                try r.section(value, key) { k, v in
                    switch k {
                    case "max_body_bytes": c.limits.maxBodyBytes = try r.int(v, "limits.\(k)")
                    case "max_sentences": c.limits.maxSentences = try r.int(v, "limits.\(k)")
                    case "max_characters": c.limits.maxCharacters = try r.int(v, "limits.\(k)")
                    case "max_queue_sentences": c.limits.maxQueueSentences = try r.int(v, "limits.\(k)")
                    case "timeout_seconds": c.limits.timeoutSeconds = try r.double(v, "limits.\(k)")
                    case "max_beam_size": c.limits.maxBeamSize = try r.int(v, "limits.\(k)")
                    default: return false
                    }
                    return true
                }
            case "defaults":
                try r.section(value, key) { k, v in
                    switch k {
                    case "beam_size": c.defaults.beamSize = try r.int(v, "defaults.\(k)")
                    case "length_penalty": c.defaults.lengthPenalty = try r.double(v, "defaults.\(k)")
                    case "max_length_ratio": c.defaults.maxLengthRatio = try r.double(v, "defaults.\(k)")
                    case "early_stop": c.defaults.earlyStop = try r.bool(v, "defaults.\(k)")
                    case "replace_unk": c.defaults.replaceUnknown = try r.bool(v, "defaults.\(k)")
                    case "max_source_length": c.defaults.maxSourceLength = try r.int(v, "defaults.\(k)")
                    default: return false
                    }
                    return true
                }
            default:
                throw ProgramError("unknown setting '\(key)' (known: host, port, threads, models, batch, limits, defaults)", at: location)
            }
        }
        return c
    }

    /// Typed reads of YAML values (Yams gives Int, Double, Bool and String for scalars).
    private struct Reader {
        let location: String

        func fail(_ key: String, _ what: String) -> ProgramError { ProgramError("\(key) must be \(what)", at: location) }

        func string(_ v: Any, _ key: String) throws -> String {
            if let s = v as? String { return s }
            if let n = v as? Int { return String(n) }
            throw fail(key, "a string")
        }

        func int(_ v: Any, _ key: String) throws -> Int {
            guard let n = v as? Int else { throw fail(key, "an integer") }
            return n
        }

        func double(_ v: Any, _ key: String) throws -> Double {
            if let n = v as? Int { return Double(n) }
            guard let x = v as? Double else { throw fail(key, "a number") }
            return x
        }

        func bool(_ v: Any, _ key: String) throws -> Bool {
            guard let b = v as? Bool else { throw fail(key, "true or false") }
            return b
        }

        /// Calls `body` for each entry of a section; `body` returns false for an unknown key.
        func section(_ v: Any, _ name: String, _ body: (String, Any) throws -> Bool) throws {
            if v is NSNull { return }
            guard let m = v as? [String: Any] else { throw fail(name, "a mapping of settings") }
            for (k, value) in m.sorted(by: { $0.key < $1.key }) where try !body(k, value) {
                throw ProgramError("unknown setting '\(name).\(k)'", at: location)
            }
        }
    }
}
