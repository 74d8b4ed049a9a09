public import Foundation

/// Where the repository's files are, for tests that read scenarios or run the built binary.
/// Found from this file's location, so it does not depend on the working directory.
public enum Repository {
    /// The folder holding Package.swift.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The scenario catalog (`Scenarios/`).
    public static var scenarios: String { root.appendingPathComponent("Scenarios").path }

    /// The debug `rover-bench` that `swift build --build-tests` produces, if it exists.
    public static var debugBinary: String? {
        let path = root.appendingPathComponent(".build/debug/rover-bench").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
