import Foundation
import FuzzSupport
import MTTrain

/// The YAML configuration loader on any text: an error, or a valid configuration that
/// survives printing as YAML and as JSON and reading back.
func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    let text = String(decoding: input, as: UTF8.self)
    guard let config = try? TrainingConfig.load(yaml: text, location: "fuzz.yaml") else { return 0 }
    expect((try? config.validate()) != nil, "a loaded configuration is out of range")
    expect((try? TrainingConfig.load(yaml: config.yamlText())) == config, "the YAML text does not read back")
    expect((try? TrainingConfig.fromJSON(config.jsonString())) == config, "the JSON does not read back")
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
