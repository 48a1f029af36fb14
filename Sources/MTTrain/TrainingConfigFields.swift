import Foundation

/// One setting of `TrainingConfig`: its dotted key, its meaning, and how to read,
/// check and print it. YAML files and command-line overrides both go through this
/// table, so they accept the same spellings and give the same errors.
public struct ConfigField: Sendable {
    /// `section.name`, e.g. `model.dropout`.
    public let key: String
    /// One line: what it does, its allowed values.
    public let help: String
    let parse: @Sendable (inout TrainingConfig, String) throws -> Void
    let check: @Sendable (TrainingConfig) throws -> Void
    let render: @Sendable (TrainingConfig) -> String

    /// The value in `config` as it would be written in YAML.
    public func value(in config: TrainingConfig) -> String { render(config) }

    /// The default value, as written in YAML.
    public var defaultValue: String { render(TrainingConfig()) }
}

/// Allowed values of a numeric setting.
enum ConfigRange<V: Comparable & Sendable>: Sendable {
    case any
    case atLeast(V)
    case above(V)
    /// [low, high]
    case closed(V, V)
    /// [low, high)
    case halfOpen(V, V)
    /// (low, high)
    case open(V, V)

    func contains(_ v: V) -> Bool {
        switch self {
        case .any: return true
        case .atLeast(let a): return v >= a
        case .above(let a): return v > a
        case .closed(let a, let b): return v >= a && v <= b
        case .halfOpen(let a, let b): return v >= a && v < b
        case .open(let a, let b): return v > a && v < b
        }
    }

    private func text(_ v: V) -> String {
        if let d = v as? Double { return formatNumber(d) }
        return "\(v)"
    }

    var phrase: String {
        switch self {
        case .any: return "be a number"
        case .atLeast(let a): return "be at least \(text(a))"
        case .above(let a): return "be greater than \(text(a))"
        case .closed(let a, let b): return "be in [\(text(a)), \(text(b))]"
        case .halfOpen(let a, let b): return "be in [\(text(a)), \(text(b)))"
        case .open(let a, let b): return "be in (\(text(a)), \(text(b)))"
        }
    }
}

extension ConfigField {
    static func integer<V: FixedWidthInteger & Sendable>(
        _ key: String, _ path: WritableKeyPath<TrainingConfig, V> & Sendable, _ range: ConfigRange<V>, _ help: String
    ) -> ConfigField {
        let check: @Sendable (TrainingConfig) throws -> Void = { c in
            let v = c[keyPath: path]
            guard range.contains(v) else { throw ConfigError("\(key) must \(range.phrase) (got \(v))") }
        }
        return ConfigField(
            key: key, help: help,
            parse: { c, text in
                guard let v = V(text.replacingUnderscores) else {
                    throw ConfigError("\(key) must be an integer (got '\(text)')")
                }
                var copy = c
                copy[keyPath: path] = v
                try check(copy)
                c = copy
            },
            check: check,
            render: { String($0[keyPath: path]) })
    }

    static func real(
        _ key: String, _ path: WritableKeyPath<TrainingConfig, Double> & Sendable, _ range: ConfigRange<Double>,
        _ help: String, parser: @escaping @Sendable (String) -> Double? = { Double($0.replacingUnderscores) }
    ) -> ConfigField {
        let check: @Sendable (TrainingConfig) throws -> Void = { c in
            let v = c[keyPath: path]
            guard v.isFinite, range.contains(v) else {
                throw ConfigError("\(key) must \(range.phrase) (got \(formatNumber(v)))")
            }
        }
        return ConfigField(
            key: key, help: help,
            parse: { c, text in
                guard let v = parser(text) else { throw ConfigError("\(key) must be a number (got '\(text)')") }
                var copy = c
                copy[keyPath: path] = v
                try check(copy)
                c = copy
            },
            check: check,
            render: { formatNumber($0[keyPath: path]) })
    }

    static func boolean(
        _ key: String, _ path: WritableKeyPath<TrainingConfig, Bool> & Sendable, _ help: String
    ) -> ConfigField {
        ConfigField(
            key: key, help: help,
            parse: { c, text in
                switch text.lowercased() {
                case "true", "yes", "on", "1": c[keyPath: path] = true
                case "false", "no", "off", "0": c[keyPath: path] = false
                default: throw ConfigError("\(key) must be true or false (got '\(text)')")
                }
            },
            check: { _ in },
            render: { $0[keyPath: path] ? "true" : "false" })
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<TrainingConfig, E> & Sendable, _ help: String
    ) -> ConfigField where E.RawValue == String {
        ConfigField(
            key: key, help: help,
            parse: { c, text in
                guard let v = E(rawValue: text.lowercased().replacingOccurrences("-", "_")) else {
                    let all = E.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigError("\(key) must be one of \(all) (got '\(text)')")
                }
                c[keyPath: path] = v
            },
            check: { _ in },
            render: { $0[keyPath: path].rawValue })
    }
}

/// Shortest decimal text that reads back as the same Double (1e-3 stays "0.001").
func formatNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    // Swift prints 1e-05; YAML readers and people prefer 1e-5.
    var s = "\(v)"
    for (long, short) in [("e-0", "e-"), ("e+0", "e+")] {
        if let r = s.range(of: long) { s.replaceSubrange(r, with: short) }
    }
    return s
}

/// Seconds from "3600", "90s", "45m", "2h", "1h30m" or "1.5h".
@Sendable func parseDuration(_ text: String) -> Double? {
    if let v = Double(text) { return v }
    var total = 0.0
    var number = ""
    var sawUnit = false
    for ch in text.lowercased() where ch != " " {
        if ch.isNumber || ch == "." {
            number.append(ch)
            continue
        }
        let unit: Double
        switch ch {
        case "s": unit = 1
        case "m": unit = 60
        case "h": unit = 3600
        case "d": unit = 86400
        default: return nil
        }
        guard let v = Double(number) else { return nil }
        total += v * unit
        number = ""
        sawUnit = true
    }
    guard sawUnit, number.isEmpty else { return nil }
    return total
}

extension String {
    var replacingUnderscores: String { replacingOccurrences("_", "") }

    func replacingOccurrences(_ a: Character, _ b: String) -> String {
        var out = ""
        for ch in self { if ch == a { out += b } else { out.append(ch) } }
        return out
    }
}

extension TrainingConfig {
    /// Every setting, in the order the sample configurations list them.
    public static let fields: [ConfigField] = [
        // model
        .integer("model.embedding_size", \.model.embeddingSize, .atLeast(1), "word embedding size (source and target)"),
        .integer("model.hidden_size", \.model.hiddenSize, .atLeast(1), "recurrent state size of encoder and decoder"),
        .integer("model.encoder_layers", \.model.encoderLayers, .atLeast(1), "stacked encoder layers"),
        .integer("model.decoder_layers", \.model.decoderLayers, .atLeast(1), "stacked decoder layers"),
        .boolean("model.bidirectional_encoder", \.model.bidirectionalEncoder, "read the source in both directions"),
        .choice("model.cell", \.model.cell, "recurrent cell: lstm | gru | rnn"),
        .choice("model.attention", \.model.attention, "attention score: dot | general | mlp"),
        .boolean("model.input_feeding", \.model.inputFeeding, "feed the previous attentional state into the decoder input"),
        .choice("model.decoder_init", \.model.decoderInit, "decoder initial state: zero | learned | bridge"),
        .choice("model.learned_init", \.model.learnedInit, "start of learned initial states: zero | uniform (±param_init)"),
        .real("model.param_init", \.model.paramInit, .above(0), "weights start uniform in ±param_init"),
        .real("model.dropout", \.model.dropout, .halfOpen(0, 1), "dropout probability between layers, in [0, 1)"),
        .boolean("model.tie_target_embeddings", \.model.tieTargetEmbeddings, "share target embeddings with the output projection"),
        .real("model.label_smoothing", \.model.labelSmoothing, .halfOpen(0, 1), "label smoothing of the cross-entropy, in [0, 1)"),
        // training
        .integer("training.batch_tokens", \.training.batchTokens, .atLeast(1), "padded target tokens per batch at most"),
        .integer("training.max_batch_sentences", \.training.maxBatchSentences, .atLeast(1), "sentences per batch at most"),
        .integer("training.pool_batches", \.training.poolBatches, .atLeast(1), "length-sorting pool, in batches"),
        .integer("training.max_source_length", \.training.maxSourceLength, .atLeast(0), "skip longer training pairs (tokens; 0 = keep all)"),
        .integer("training.max_target_length", \.training.maxTargetLength, .atLeast(0), "skip longer training pairs (tokens; 0 = keep all)"),
        .choice("training.optimizer", \.training.optimizer, "adam | sgd"),
        .real("training.learning_rate", \.training.learningRate, .above(0), "base learning rate"),
        .real("training.adam_beta1", \.training.adamBeta1, .halfOpen(0, 1), "Adam first-moment decay"),
        .real("training.adam_beta2", \.training.adamBeta2, .halfOpen(0, 1), "Adam second-moment decay"),
        .real("training.adam_epsilon", \.training.adamEpsilon, .above(0), "Adam denominator term"),
        .real("training.weight_decay", \.training.weightDecay, .atLeast(0), "weight decay (0 = none)"),
        .boolean("training.decoupled_weight_decay", \.training.decoupledWeightDecay, "Adam: decay the weights directly (AdamW), not through the gradient"),
        .choice("training.schedule", \.training.schedule, "learning-rate schedule: constant | inverse_sqrt | plateau"),
        .integer("training.warmup_steps", \.training.warmupSteps, .atLeast(0), "linear warm-up steps (0 = none)"),
        .real("training.decay_factor", \.training.decayFactor, .open(0, 1), "plateau: multiply the rate by this"),
        .integer("training.decay_patience", \.training.decayPatience, .atLeast(1), "plateau: validations without improvement before a decay"),
        .real("training.min_learning_rate", \.training.minLearningRate, .atLeast(0), "plateau: never decay below this"),
        .real("training.max_grad_norm", \.training.maxGradNorm, .atLeast(0), "clip the global gradient norm (0 = no clipping)"),
        .integer("training.epochs", \.training.epochs, .atLeast(0), "passes over the data (0 = no limit)"),
        .integer("training.max_steps", \.training.maxSteps, .atLeast(0), "stop after this many updates (0 = no limit)"),
        .real("training.time_budget", \.training.timeBudget, .atLeast(0), "stop after this long: seconds or 90m, 2h, 1h30m (0 = no limit)",
              parser: parseDuration),
        .integer("training.validation_interval", \.training.validationInterval, .atLeast(0), "validate every N updates (0 = after each epoch)"),
        .integer("training.early_stopping_patience", \.training.earlyStoppingPatience, .atLeast(0), "stop after N validations without improvement (0 = never)"),
        .integer("training.seed", \.training.seed, .any, "random seed: same seed, data, threads and workers give the same model"),
        .integer("training.threads", \.training.threads, .atLeast(0), "threads in all (0 = one per core); each worker gets threads / workers BLAS threads"),
        .integer("training.workers", \.training.workers, .atLeast(1), "data-parallel workers, each with a share of every batch; the model depends on it"),
        .integer("training.accumulate_steps", \.training.accumulateSteps, .atLeast(1), "batches per update: their gradients are added up before one optimiser step"),
        .integer("training.log_interval", \.training.logInterval, .atLeast(1), "log every N updates"),
        .integer("training.max_nan_steps", \.training.maxNanSteps, .atLeast(1), "give up after N non-finite losses in a row"),
        .integer("training.checkpoint_interval", \.training.checkpointInterval, .atLeast(0), "also checkpoint every N updates (0 = not by count)"),
        .real("training.checkpoint_time", \.training.checkpointTime, .atLeast(0), "checkpoint at least this often: seconds or 10m, 1h (0 = only at validations and by count)",
              parser: parseDuration),
        .integer("training.keep_checkpoints", \.training.keepCheckpoints, .atLeast(0), "keep the last N checkpoints of validations and checkpoint_interval as MODEL.step-STEP.safetensors (0 = none)"),
    ]

    public static func field(_ key: String) -> ConfigField? { fields.first { $0.key == key } }

    /// Resolves `key` to a field key: `section.name`, or a bare `name` when only one
    /// section has it; dashes count as underscores.
    public static func resolveKey(_ key: String) throws -> String {
        let k = key.replacingOccurrences("-", "_")
        if field(k) != nil { return k }
        let matches = fields.filter { $0.key.split(separator: ".").last.map(String.init) == k }
        if matches.count == 1 { return matches[0].key }
        if matches.count > 1 {
            throw ConfigError("ambiguous key '\(key)': say \(matches.map(\.key).joined(separator: " or "))")
        }
        var message = "unknown key '\(key)'"
        if let near = nearestKey(to: k) { message += " (did you mean '\(near)'?)" }
        throw ConfigError(message)
    }

    static func nearestKey(to key: String) -> String? {
        let candidates = fields.map(\.key) + fields.map { String($0.key.split(separator: ".").last!) }
        let scored = candidates.map { ($0, editDistance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(2, key.count / 4) else { return nil }
        return fields.first { $0.key == best || $0.key.hasSuffix("." + best) }?.key
    }

    /// Sets one field from its text, checking its type and range.
    public mutating func set(_ key: String, to value: String) throws {
        let resolved = try TrainingConfig.resolveKey(key)
        try TrainingConfig.field(resolved)!.parse(&self, value.trimmingSpaces)
    }

    /// Applies `key=value` overrides in order (e.g. from repeated `--set` options).
    public mutating func apply(overrides: [String]) throws {
        for o in overrides {
            guard let eq = o.firstIndex(of: "=") else {
                throw ConfigError("override '\(o)' is not of the form key=value")
            }
            try set(String(o[..<eq]).trimmingSpaces, to: String(o[o.index(after: eq)...]))
        }
    }

    /// Checks every field's range (for configurations built in code or decoded from JSON).
    public func validate() throws {
        for f in TrainingConfig.fields { try f.check(self) }
    }

    /// Every field as `key: value` lines grouped by section, with help comments.
    public func yamlText() -> String {
        var out = ""
        var section = ""
        for f in TrainingConfig.fields {
            let parts = f.key.split(separator: ".")
            if parts[0] != section {
                section = String(parts[0])
                out += (out.isEmpty ? "" : "\n") + section + ":\n"
            }
            out += "  \(parts[1]): \(f.value(in: self))    # \(f.help)\n"
        }
        return out
    }
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
