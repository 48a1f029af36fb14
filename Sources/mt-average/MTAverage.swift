import ArgumentParser
import MTCommandLine
import MTCore
import MTModelFile

@main
struct MTAverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-average",
        abstract: "Average the parameters of model files (checkpoints of one training) into one model file.",
        discussion: """
            The output has the first model's configuration, text pipeline and metadata, and each \
            parameter's mean over the models (summed in double precision). Models of other shapes, \
            parameter names, vocabularies or pipelines are refused. The output is written \
            atomically; it may be one of the inputs.
            """)

    @Argument(help: "The model files (from mt-train or mt-average).") var models: [String] = []
    @Option(help: "Where to write the averaged model.") var output: String?

    static func main() { mainReportingErrors(program: "mt-average") }

    func run() throws {
        guard !models.isEmpty else { throw ProgramError("no model files to average", at: "command line") }
        guard let output else { throw ProgramError("missing --output", at: "command line") }
        let averaged = try ModelFile.average(models)
        try ModelFile.save(averaged.model, pipeline: averaged.pipeline, extraMetadata: averaged.metadata, to: output)
        StandardError.write("mt-average: \(models.count) model(s) averaged into \(output)\n")
    }
}
