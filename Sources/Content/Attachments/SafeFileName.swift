import Foundation

/// A file name that is safe to store, show and send back in `Content-Disposition`.
enum SafeFileName {
    static let maxLength = 120

    /// Keeps the last path component; drops control and bidi-override characters (which can
    /// make `invoice‮fdp.exe` read as `invoice.exe.pdf`); replaces characters Windows forbids;
    /// trims spaces and dots; shortens to 120 characters, keeping the extension.
    static func clean(_ raw: String) -> String {
        let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in lastComponent.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .control || isBidiControl(scalar) { continue }
            scalars.append("<>:\"|?*".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        var name = String(scalars).trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".")))
        // Device names Windows will not open whatever the extension.
        let stem = name.split(separator: ".").first.map { $0.uppercased() } ?? ""
        if ["CON", "PRN", "AUX", "NUL"].contains(stem) || (stem.count == 4 && ["COM", "LPT"].contains(stem.prefix(3)) && stem.last!.isNumber) {
            name = "_" + name
        }
        return shortened(name)
    }

    static func shortened(_ name: String) -> String {
        guard name.count > maxLength else { return name }
        let ext = fileExtension(name).map { "." + $0 } ?? ""
        guard ext.count < 16 else { return String(name.prefix(maxLength)) }
        return String(name.dropLast(ext.count).prefix(maxLength - ext.count)) + ext
    }

    /// The lower-cased extension, or nil when the name has none.
    static func fileExtension(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }

    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }
}
