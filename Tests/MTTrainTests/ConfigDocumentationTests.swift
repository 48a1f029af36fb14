import Foundation
import Testing
@testable import MTTrain

/// The documentation of the settings agrees with the field table (`mt-train --list-keys`):
/// the commented YAML files list every key once, each on its own line with its default,
/// and README's table gives each key it names with its default.
@Suite struct ConfigDocumentationTests {
    static func defaults() -> [String: String] {
        Dictionary(uniqueKeysWithValues: TrainingConfig.fields.map { ($0.key, $0.defaultValue) })
    }

    @Test(arguments: ["sample.yaml", "multi30k.yaml", "tatoeba.yaml"])
    func commentedConfigurationListsEveryKeyWithItsDefault(_ name: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/scripts/configs/" + name, encoding: .utf8)
        let defaults = Self.defaults()
        var section = "", seen: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let s = line.wholeMatch(of: #/([a-z]+):\s*/#) { section = String(s.1); continue }
            guard let m = line.wholeMatch(of: #/  ([a-z0-9_]+): +\S+ *# .*\(default ([^)]+)\).*/#) else {
                #expect(line.isEmpty || line.hasPrefix("#"), "\(name): unexpected line '\(line)'")
                continue
            }
            let key = "\(section).\(m.1)"
            seen.append(key)
            #expect(defaults[key] != nil, "\(name) documents an unknown key \(key)")
            if let d = defaults[key] { #expect(String(m.2) == d, "\(name): \(key) says default \(m.2), the default is \(d)") }
        }
        #expect(seen == TrainingConfig.fields.map(\.key), "\(name) lists the keys in the field table's order, once each")
    }

    @Test func readmeTableGivesTheDefaults() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let defaults = Self.defaults()
        var rows = 0
        let table = text.components(separatedBy: "| key | default | meaning |\n")[1].components(separatedBy: "\n\n")[0]
        for line in table.split(separator: "\n") {
            // e.g. | `model.encoder_layers` / `decoder_layers` | 2 / 2 | meaning |
            guard let m = line.wholeMatch(of: #/\| (`[a-z]+\.[a-z0-9_]+`(?: / `[a-z0-9_]+`)*) \| ([^|]+) \|.*/#) else { continue }
            let names = m.1.split(separator: " / ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            let values = m.2.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            let section = names[0].split(separator: ".")[0]
            #expect(names.count == values.count, "README row '\(line)'")
            for (name, value) in zip(names, values) {
                let key = name.contains(".") ? name : "\(section).\(name)"
                rows += 1
                #expect(defaults[key] == value, "README gives \(key) the default \(value), the default is \(defaults[key] ?? "none: unknown key")")
            }
        }
        #expect(rows >= 20)
    }
}
