import ArgumentParser
import MTCore

extension ParsableCommand {
    /// The programs' entry point. Errors in the command line, and help, are ArgumentParser's
    /// to print; an error of the work itself ends the program with one
    /// `<program>: error: <line>` and exit status 1 (`exitOnError`).
    public static func mainReportingErrors(program: String) {
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        exitOnError(program: program) {
            // A clean exit thrown by the work (help of a subcommand) is still ArgumentParser's.
            do { try command.run() } catch where exitCode(for: error).isSuccess { exit(withError: error) }
        }
    }
}
