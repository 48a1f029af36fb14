// swift-tools-version:6.0
import Foundation
import PackageDescription

// Exclusivity checks cost measurable time in the numeric kernels' hot loops; with errno
// semantics, square roots become libm calls and keep the optimiser's loop from vectorising.
var commonSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-Xcc", "-fno-math-errno"])
]

// Release builds are tuned for the CPU that builds them, as Marian builds with -march=native:
// the element-wise loops then use AVX2 or AVX-512 where the CPU has them (translation about
// 6% faster on AVX-512). Results stay bit for bit the same, since no arithmetic is reordered
// or fused. SWIFTNMT_PORTABLE=1 builds binaries that run on any x86-64 (scripts/check-static.sh).
#if arch(x86_64)
if ProcessInfo.processInfo.environment["SWIFTNMT_PORTABLE"] == nil {
    commonSwiftSettings.append(.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)))
}
#endif

// Layering: each library depends only on libraries listed before it.
let package = Package(
    name: "SwiftNMT",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // mt-serve: the HTTP server and its Prometheus metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: shared by every library: the special tokens, settings as JSON, errors that
        // name their location and the programs' one way of reporting them, atomic file writes

        .target(
            name: "MTCore",
            swiftSettings: commonSwiftSettings
        ),

        // MARK: system libraries

        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // The recurrent layers' products with a weight packed once per pass, in C for its
        // vector intrinsics; optimised in debug builds too, or the tests would crawl.
        .target(
            name: "CPackedGEMM",
            cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]
        ),

        // MARK: int8 products for translation (opt-in), in C for their vector intrinsics;
        // each kernel carries its own target attribute, chosen at run time by the CPU.

        .target(
            name: "CInt8GEMM",
            cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]
        ),

        // MARK: text

        // ICU behind a C header of <stdint.h> types only: Foundation on Linux carries its own
        // ICU, whose clang module declares UErrorCode differently from the system headers, so
        // no Swift module may see both.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        .target(
            name: "MTText",
            dependencies: ["MTCore", "CICU"],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: evaluation

        .target(
            name: "MTEval",
            dependencies: ["MTCore"],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: tensors and layers

        .target(
            name: "MTTensor",
            dependencies: ["MTCore", "CBLAS", "CPackedGEMM", "CInt8GEMM"],
            swiftSettings: commonSwiftSettings
        ),
        .target(
            name: "MTModel",
            dependencies: ["MTCore", "MTTensor"],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: the files a translation reads: the model with its text pipeline, the shortlist.
        // Beside the decoder rather than in it: training writes models and mt-preprocess
        // writes shortlists without the search.

        .target(
            name: "MTModelFile",
            dependencies: ["MTCore", "MTText", "MTTensor", "MTModel"],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: decoding and training

        .target(
            name: "MTDecode",
            dependencies: ["MTCore", "MTText", "MTTensor", "MTModel"],
            swiftSettings: commonSwiftSettings
        ),
        .target(
            name: "MTTrain",
            dependencies: [
                "MTCore", "MTText", "MTEval", "MTTensor", "MTModel", "MTModelFile", "MTDecode",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: the translation server: requests, dynamic batching, limits, metrics, routes and
        // the web page, as a library so that its pure parts are tested without a socket

        .target(
            name: "MTServe",
            dependencies: [
                "MTCore", "MTText", "MTTensor", "MTModelFile", "MTDecode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: executables

        // What every program shares: its entry point and error reporting.
        .target(
            name: "MTCommandLine",
            dependencies: ["MTCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),

        .executableTarget(
            name: "mt-preprocess",
            dependencies: ["MTCore", "MTCommandLine", "MTText", "MTModelFile", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),
        .executableTarget(
            name: "mt-bleu",
            dependencies: ["MTCore", "MTEval", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),
        .executableTarget(
            name: "mt-train",
            dependencies: ["MTCore", "MTCommandLine", "MTTensor", "MTTrain", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),
        .executableTarget(
            name: "mt-translate",
            dependencies: [
                "MTCore", "MTCommandLine", "MTText", "MTTensor", "MTModelFile", "MTDecode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: commonSwiftSettings
        ),
        // MARK: checkpoint averaging

        .executableTarget(
            name: "mt-average",
            dependencies: ["MTCore", "MTCommandLine", "MTModelFile", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),

        .executableTarget(
            name: "mt-serve",
            dependencies: [
                "MTCore", "MTCommandLine", "MTServe", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: commonSwiftSettings
        ),
        .executableTarget(
            name: "mt-bench",
            dependencies: ["MTCommandLine", "MTTensor", "MTModel", "MTDecode", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: commonSwiftSettings
        ),

        // MARK: tests

        .testTarget(name: "MTCoreTests", dependencies: ["MTCore"]),
        .testTarget(name: "MTTextTests", dependencies: ["MTCore", "MTText"]),
        .testTarget(name: "MTEvalTests", dependencies: ["MTCore", "MTEval"], exclude: ["Fixtures"]),
        .testTarget(name: "MTTensorTests", dependencies: ["MTCore", "MTTensor", "CPackedGEMM", "CInt8GEMM"]),
        .testTarget(name: "MTModelTests", dependencies: ["MTCore", "MTTensor", "MTModel"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MTDecodeTests", dependencies: ["MTCore", "MTText", "MTTensor", "MTModel", "MTModelFile", "MTDecode"]),
        .testTarget(
            name: "MTTrainTests", dependencies: ["MTCore", "MTText", "MTEval", "MTTensor", "MTModel", "MTModelFile", "MTDecode", "MTTrain"],
            exclude: ["Fixtures"]),
        .testTarget(name: "MTServeTests", dependencies: ["MTCore", "MTText", "MTTensor", "MTModel", "MTModelFile", "MTDecode", "MTServe"]),
        .testTarget(name: "CLITests", dependencies: ["MTCore", "MTText", "MTTensor", "MTModel", "MTModelFile"]),
    ],
    swiftLanguageModes: [.v5]
)

// MARK: training across processes over MPI (opt-in: SWIFTNMT_MPI=1)

// OpenMPI (libopenmpi-dev) behind a C shim, since MPI's handles are macros; mt-train then
// joins a job when started by mpirun or srun. Without the flag nothing here is built, so
// binaries without libmpi (and the static ones) stay as they are.
if ProcessInfo.processInfo.environment["SWIFTNMT_MPI"] == "1" {
    package.targets += [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPIShim", dependencies: ["CMPI"]),
        .target(name: "MTMPI", dependencies: ["MTCore", "MTTrain", "CMPIShim"], swiftSettings: commonSwiftSettings),
    ]
    for target in package.targets where target.name == "mt-train" {
        target.dependencies.append("MTMPI")
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("SWIFTNMT_MPI")]
    }
}

// MARK: fuzz targets (scripts/fuzz.sh): libFuzzer entry points, one per reader of user
// bytes, declared only when SWIFTNMT_FUZZ is set, since they link only with
// -sanitize=fuzzer (which supplies the driver their main calls).

if ProcessInfo.processInfo.environment["SWIFTNMT_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("fuzz-text", ["MTText"]),
        ("fuzz-bpe", ["MTText"]),
        ("fuzz-safetensors", ["MTText", "MTTensor", "MTModelFile"]),
        ("fuzz-corpus", ["MTText"]),
        ("fuzz-config", ["MTTrain"]),
        ("fuzz-bleu", ["MTEval"]),
        ("fuzz-serve-request", ["MTServe"]),
        ("fuzz-html", ["MTText"]),
        ("fuzz-sentences", ["MTText"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Tests/Fuzz/FuzzSupport", swiftSettings: commonSwiftSettings))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["FuzzSupport"] + dependencies, path: "Tests/Fuzz/\(name)",
                swiftSettings: commonSwiftSettings))
    }
}
