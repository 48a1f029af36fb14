import Foundation
import Testing
@testable import MTTrain

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

@Suite struct TrainingConfigTests {
    private func error(_ yaml: String) -> String {
        do {
            _ = try TrainingConfig.load(yaml: yaml, location: "c.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsAreTheRecommendedModel() throws {
        let c = TrainingConfig()
        #expect(c.model.embeddingSize == 256 && c.model.hiddenSize == 512)
        #expect(c.model.encoderLayers == 2 && c.model.decoderLayers == 2 && c.model.bidirectionalEncoder)
        #expect(c.model.attention == .general && c.model.inputFeeding && c.model.decoderInit == .bridge)
        #expect(c.model.dropout == 0.3 && c.model.labelSmoothing == 0.1)
        #expect(c.training.optimizer == .adam && c.training.learningRate == 1e-3)
        try c.validate()
        #expect(try TrainingConfig.load(yaml: "") == c)
        #expect(try TrainingConfig.load(yaml: "model:\ntraining:\n") == c)
    }

    @Test func parsesEverySettingKind() throws {
        let c = try TrainingConfig.load(yaml: """
            model:
              hidden_size: 64
              bidirectional_encoder: no
              cell: GRU
              attention: mlp
              decoder_init: learned
              learned_init: uniform
              dropout: 0.5
            training:
              learning_rate: 5e-4
              schedule: inverse_sqrt
              time_budget: 1h30m
              seed: 18446744073709551615
              batch_tokens: 4_096
            """)
        #expect(c.model.hiddenSize == 64 && !c.model.bidirectionalEncoder && c.model.cell == .gru)
        #expect(c.model.attention == .mlp && c.model.decoderInit == .learned && c.model.learnedInit == .uniform)
        #expect(c.model.dropout == 0.5 && c.training.learningRate == 5e-4 && c.training.schedule == .inverseSqrt)
        #expect(c.training.timeBudget == 5400 && c.training.seed == .max && c.training.batchTokens == 4096)
        #expect(c.model.embeddingSize == 256)  // untouched default
    }

    @Test func errorsNameTheKeyAndTheLine() {
        #expect(error("model:\n  dropout: 1.5\n") == "config error: model.dropout must be in [0, 1) (got 1.5) (c.yaml:2)")
        #expect(error("model:\n  dropuot: 0.1\n") == "config error: unknown key 'model.dropuot' (did you mean 'model.dropout'?) (c.yaml:2)")
        #expect(error("model:\n  hidden_size: -3\n").contains("model.hidden_size must be at least 1 (got -3)"))
        #expect(error("model:\n  hidden_size: 1.5\n").contains("model.hidden_size must be an integer (got '1.5')"))
        #expect(error("model:\n  cell: elman\n").contains("model.cell must be one of lstm, gru, rnn (got 'elman')"))
        #expect(error("model:\n  input_feeding: maybe\n").contains("model.input_feeding must be true or false"))
        #expect(error("training:\n  learning_rate: .nan\n").contains("training.learning_rate must"))
        #expect(error("training:\n  learning_rate: 0\n").contains("training.learning_rate must be greater than 0 (got 0)"))
        #expect(error("training:\n  time_budget: soon\n").contains("training.time_budget must be a number"))
        #expect(error("training:\n  epochs:\n").contains("training.epochs has no value"))
        #expect(error("training:\n  epochs: [1, 2]\n").contains("single value"))
        #expect(error("training:\n  epochs: 1\n  epochs: 2\n").contains("duplicated key"))
        #expect(error("optim:\n  x: 1\n").contains("unknown section 'optim'"))
        #expect(error("- 1\n").contains("top level must be a mapping"))
        #expect(error("model: [\n").hasPrefix("config error: invalid YAML: "))
        #expect(error("model:\n  a: b: c\n") == "config error: invalid YAML: scanner: mapping values are not allowed in this context (c.yaml:2)")
        #expect(!error("model: [\n").contains("\n"))
    }

    @Test func overridesUseTheSameRules() throws {
        var c = TrainingConfig()
        try c.apply(overrides: ["model.dropout=0.1", "learning-rate=2e-3", "training.epochs = 3", "cell=gru"])
        #expect(c.model.dropout == 0.1 && c.training.learningRate == 2e-3 && c.training.epochs == 3 && c.model.cell == .gru)
        #expect(throws: ConfigError("model.dropout must be in [0, 1) (got 1.5)")) { try c.set("dropout", to: "1.5") }
        #expect(c.model.dropout == 0.1)  // a rejected value changes nothing
        #expect(throws: ConfigError.self) { try c.apply(overrides: ["dropout"]) }
        #expect(throws: ConfigError("unknown key 'nope'")) { try c.set("nope", to: "1") }
    }

    @Test func jsonRoundTripAndMissingKeysTakeDefaults() throws {
        var c = TrainingConfig()
        try c.apply(overrides: ["hidden_size=100", "schedule=inverse_sqrt", "time_budget=2h", "seed=18446744073709551615"])
        let json = try c.jsonString()
        #expect(json.contains("\"hidden_size\":100") && json.contains("\"inverse_sqrt\""))
        #expect(try TrainingConfig.fromJSON(json) == c)
        let partial = try TrainingConfig.fromJSON(#"{"model":{"hidden_size":32}}"#)
        #expect(partial.model.hiddenSize == 32 && partial.model.embeddingSize == 256 && partial.training == TrainingOptions())
        #expect(throws: ConfigError.self) { _ = try TrainingConfig.fromJSON(#"{"model":{"dropout":2}}"#) }
        #expect(throws: ConfigError.self) { _ = try TrainingConfig.fromJSON("not json") }
    }

    @Test func printedYAMLReadsBackTheSame() throws {
        var c = TrainingConfig()
        try c.apply(overrides: ["adam_epsilon=1e-9", "min_learning_rate=0.00001", "tie_target_embeddings=true", "time_budget=90m"])
        #expect(try TrainingConfig.load(yaml: c.yamlText()) == c)
    }

    @Test func shippedConfigurationsParse() throws {
        let sample = try TrainingConfig.load(contentsOf: repositoryRoot + "/scripts/configs/sample.yaml")
        #expect(sample.model.embeddingSize == 128 && sample.model.hiddenSize == 256)
        #expect(sample.model.encoderLayers == 1 && sample.model.decoderLayers == 1)
        let multi30k = try TrainingConfig.load(contentsOf: repositoryRoot + "/scripts/configs/multi30k.yaml")
        #expect(multi30k == TrainingConfig())
        #expect(throws: ConfigError.self) { _ = try TrainingConfig.load(contentsOf: "/nonexistent.yaml") }
    }

    @Test func derivedBatchingAndSchedule() {
        let t = TrainingOptions()
        #expect(t.batching == BatchingOptions(maxTokens: 2048, maxSentences: 128, poolBatches: 100, maxSourceLength: 100, maxTargetLength: 100))
        let s = t.makeSchedule()
        #expect(s.kind == .plateau && s.baseLearningRate == 1e-3 && s.minLearningRate == 1e-5)
    }
}
