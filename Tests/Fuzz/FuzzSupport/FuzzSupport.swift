import Foundation

/// What every fuzz target shares: libFuzzer's driver, called from the target's own entry
/// point (SwiftPM supplies `main`), and a check that names what failed in an optimised
/// build too, where `precondition` drops its message.

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// Runs libFuzzer with the command line, calling `body` with each input; never returns.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, body))
}

/// The input as bytes (libFuzzer passes a null pointer for the empty input).
public func inputBytes(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: count > 0 ? pointer : nil, count: count)
}

/// Stops the run as a finding, with `message`, when `condition` is false.
public func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    FileHandle.standardError.write(Data(("fuzz finding: " + message() + "\n").utf8))
    abort()
}
