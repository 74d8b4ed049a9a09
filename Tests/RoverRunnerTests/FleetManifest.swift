import Foundation
import RoverTestSupport

/// deploy/kubernetes/load-job.yaml read the way the Job controller and kubelet read it, for what
/// the tests need: the Job's completions and parallelism, the load container's literal env
/// values, its command and args, and each pod's command line with `$(VAR)` expanded as
/// Kubernetes expands it (defined variables replaced, others left as written).
///
/// Test support for FleetManifestTests and FleetNamespaceTests. Reads the file's own layout (a
/// block list per field), not YAML in general; the manifest test checks the layout holds.
struct FleetManifest {
    static let directory = Repository.root.appendingPathComponent("deploy/kubernetes")
    static var loadJob: URL { directory.appendingPathComponent("load-job.yaml") }
    static var barrierJob: URL { directory.appendingPathComponent("barrier.yaml") }

    var completions: Int?
    var parallelism: Int?
    /// `env` entries with a literal `value`, in order.
    var values: [(name: String, value: String)] = []
    /// `env` entries whose value comes from elsewhere (downward API, ConfigMap).
    var external: [String] = []
    var command: [String] = []
    var args: [String] = []

    init(contentsOf url: URL = loadJob) throws {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var section = ""
        var sectionIndent = 0
        var pendingName: String?
        for line in lines {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let indent = line.prefix(while: { $0 == " " }).count
            if !section.isEmpty && indent <= sectionIndent && !(text.hasPrefix("- ") && indent == sectionIndent) {
                if let name = pendingName { external.append(name); pendingName = nil }
                section = ""
            }
            if let n = Self.value(text, "completions:") { completions = Int(n) }
            if let n = Self.value(text, "parallelism:") { parallelism = Int(n) }
            if let c = Self.value(text, "command:"), section.isEmpty {
                command = try JSONDecoder().decode([String].self, from: Data(c.utf8))
            }
            if section.isEmpty, text == "env:" || text == "args:" {
                section = String(text.dropLast()); sectionIndent = indent; continue
            }
            if section == "args", text.hasPrefix("- ") { args.append(Self.unquote(String(text.dropFirst(2)))) }
            if section == "env" {
                if let name = Self.value(text, "- name:") {
                    if let previous = pendingName { external.append(previous) }
                    pendingName = Self.unquote(name)
                } else if let v = Self.value(text, "value:"), let name = pendingName {
                    values.append((name, Self.unquote(v))); pendingName = nil
                }
            }
        }
        if let name = pendingName { external.append(name) }
    }

    /// Pod `index`'s argv after the command (`load …`), with `$(VAR)` expanded from the literal
    /// values, then `overrides` (what the cluster supplies: JOB_COMPLETION_INDEX, the ConfigMap's
    /// TARGET_URL and START_AT, and where RESULTS_DIR is mounted).
    func arguments(index: Int, overrides: [String: String]) -> [String] {
        var env: [String: String] = ["JOB_COMPLETION_INDEX": String(index)]
        for (name, value) in values { env[name] = value }
        for (name, value) in overrides { env[name] = value }
        return args.map { arg in
            var out = arg
            for (name, value) in env { out = out.replacingOccurrences(of: "$(\(name))", with: value) }
            return out
        }
    }

    func value(_ name: String) -> String? { values.first { $0.name == name }?.value }

    private static func value(_ text: String, _ key: String) -> String? {
        text.hasPrefix(key) ? text.dropFirst(key.count).trimmingCharacters(in: .whitespaces) : nil
    }

    private static func unquote(_ s: String) -> String {
        s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") ? String(s.dropFirst().dropLast()) : s
    }
}
