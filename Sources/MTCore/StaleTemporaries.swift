import Foundation

extension StagedFile {
    /// Removes the temporaries (files or staged directories) that killed processes left
    /// in `directory` for names starting with `prefix`: `.PREFIX….tmp-PID-…` whose PID no
    /// longer runs. A live writer's temporaries stay; a recycled PID only delays a cleanup.
    public static func removeStaleTemporaries(in directory: String, namesStartingWith prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        for name in names where name.hasPrefix("." + prefix) {
            guard let marker = name.range(of: ".tmp-", options: .backwards),
                  let pid = Int32(name[marker.upperBound...].prefix { $0 != "-" }), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: (directory.isEmpty ? "." : directory) + "/" + name)
        }
    }
}
