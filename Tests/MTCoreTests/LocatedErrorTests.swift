import MTCore
import Testing

@Suite struct LocatedErrorTests {
    struct Categorised: LocatedError {
        let message: String
        let location: String?
        var category: String? { "config error" }
    }

    @Test func printsMessageThenLocationAfterTheCategory() {
        #expect("\(ProgramError("missing --model", at: "command line"))" == "missing --model (command line)")
        #expect("\(ProgramError("no hypotheses"))" == "no hypotheses")
        #expect("\(FileError("cannot open", path: "a/b"))" == "cannot open (a/b)")
        #expect("\(Categorised(message: "unknown key 'x'", location: "c.yaml:3"))" == "config error: unknown key 'x' (c.yaml:3)")
        #expect("\(Categorised(message: "unknown key 'x'", location: nil))" == "config error: unknown key 'x'")
    }

    @Test func oneLineDescriptionKeepsTheFirstNonEmptyLine() {
        struct Multiline: Error, CustomStringConvertible { var description: String { "\nfirst line\nsecond line" } }
        #expect(oneLineDescription(of: Multiline()) == "first line")
        #expect(oneLineDescription(of: ProgramError("one", at: "here")) == "one (here)")
    }

    @Test func systemErrorsSayWhyFromErrno() {
        #expect(FileError.system("cannot open", path: "p", errno: 2) == FileError("cannot open: No such file or directory", path: "p"))
    }
}
