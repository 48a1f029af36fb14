import Foundation
import MTModel
import MTModelFile

extension Seq2SeqConfig {
    /// Why a model of this configuration cannot be trained in `memory` bytes, or nil.
    /// Training holds every parameter at least `1 + workers` times in Float (the weights
    /// and one gradient per worker), twice more with Adam's moments; a configuration whose
    /// floor of parameters (`parameterFloor`) needs more than that is refused before
    /// anything is allocated, so a typo such as `hidden_size: 1000000` is one clear error,
    /// not an allocation that fails or a machine that swaps.
    func trainingMemoryProblem(workers: Int, adam: Bool, memory: Int) -> String? {
        let sizes = "model.hidden_size \(model.hiddenSize), model.embedding_size \(model.embeddingSize)"
            + " and vocabularies of \(sourceVocabularySize) / \(targetVocabularySize)"
        let copies = Double(1 + max(1, workers) + (adam ? 2 : 0))
        guard let floor = parameterFloor else { return "\(sizes) make more parameters than a model can have" }
        let needed = Double(floor) * Double(MemoryLayout<Float>.size) * copies
        guard needed > Double(memory) else { return nil }
        return "\(sizes) make at least \(floor) parameters: training needs at least \(formatBytes(needed))"
            + ", more than this machine's \(formatBytes(Double(memory))) of memory"
    }
}

/// Physical memory in bytes, or Int.max where the system does not say.
func physicalMemoryBytes() -> Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, size > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
    return overflow ? Int.max : bytes
}

private func formatBytes(_ bytes: Double) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = bytes, unit = 0
    while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f ", value) + units[unit]
}
