/// The 8×8 handwritten digits shipped with NormLab (`DigitsData.swift` holds the
/// pixels, their source and licence): 1,797 images, 10 classes, features pixel/16
/// in [0, 1].
public enum Digits {
    public static let imageCount = 1797
    public static let pixelCount = 64

    /// Credit and licence, as the README and `simulate` print them.
    public static let credit =
        "8x8 handwritten digits (1,797 images) from E. Alpaydin and C. Kaynak, Optical Recognition of Handwritten Digits, UCI Machine Learning Repository, 1998, doi:10.24432/C50P49, CC BY 4.0; copied from scikit-learn's digits.csv.gz"

    /// SHA-256 of the decompressed source file, sklearn/datasets/data/digits.csv.gz.
    public static let sourceSHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"

    /// Pixels (0…16, 64 per image) and labels, decoded once.
    public static let pixelsAndLabels: (pixels: [UInt8], labels: [Int]) = {
        var pixels: [UInt8] = []
        var labels: [Int] = []
        pixels.reserveCapacity(imageCount * pixelCount)
        for line in encoded.split(separator: "\n") {
            let bytes = Array(line.utf8)
            for byte in bytes.prefix(pixelCount) {
                pixels.append(byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10)
            }
            labels.append(Int(bytes[pixelCount] - UInt8(ascii: "0")))
        }
        return (pixels, labels)
    }()

    /// The source text rebuilt: per image the 64 pixels and the label as integers,
    /// comma-separated, one line each, each line ending in a newline.
    public static var sourceCSV: String {
        let (pixels, labels) = pixelsAndLabels
        var text = ""
        for i in 0..<labels.count {
            let row = pixels[(i * pixelCount)..<((i + 1) * pixelCount)].map { String($0) } + [String(labels[i])]
            text += row.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Every image as features pixel/16 and its label.
    public static var examples: Examples {
        let (pixels, labels) = pixelsAndLabels
        return Examples(dimension: pixelCount, features: pixels.map { Double($0) / 16 }, labels: labels)
    }
}
