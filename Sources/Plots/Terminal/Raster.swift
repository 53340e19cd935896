/// The plot area of a terminal chart as a dot grid: in braille each cell
/// holds 2 × 4 dots (Unicode's braille patterns), in ASCII one dot per cell
/// drawn with the series' symbol. Each cell remembers which series drew in
/// it last, for its colour.
struct Raster {
    let columns: Int
    let rows: Int
    let braille: Bool
    private(set) var bits: [UInt8]
    private(set) var symbols: [Character?]
    private(set) var owners: [Int]

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = columns
        self.rows = rows
        self.braille = braille
        bits = Array(repeating: 0, count: columns * rows)
        symbols = Array(repeating: nil, count: columns * rows)
        owners = Array(repeating: -1, count: columns * rows)
    }

    var xResolution: Int { braille ? 2 : 1 }
    var yResolution: Int { braille ? 4 : 1 }
    /// Dots across and down.
    var dotWidth: Int { columns * xResolution }
    var dotHeight: Int { rows * yResolution }

    /// Braille dot bits by (column, row) within a cell: dots 1-2-3-7 down the
    /// left, 4-5-6-8 down the right.
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ x: Int, _ y: Int, owner: Int, symbol: Character) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / yResolution) * columns + x / xResolution
        if braille {
            bits[cell] |= Raster.dotBits[x % 2][y % 4]
        } else {
            symbols[cell] = symbol
        }
        owners[cell] = owner
    }

    /// A straight line between dot positions (Bresenham), clipped to the
    /// grid first so that far-off points cost nothing.
    mutating func line(from start: (Double, Double), to end: (Double, Double), owner: Int, symbol: Character) {
        guard
            let (a, b) = Raster.clip(
                start, end, width: Double(dotWidth - 1), height: Double(dotHeight - 1))
        else { return }
        var x0 = Int(a.0.rounded())
        var y0 = Int(a.1.rounded())
        let x1 = Int(b.0.rounded())
        let y1 = Int(b.1.rounded())
        let dx = abs(x1 - x0)
        let dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x0, y0, owner: owner, symbol: symbol)
            if x0 == x1 && y0 == y1 { break }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x0 += sx
            }
            if doubled <= dx {
                error += dx
                y0 += sy
            }
        }
    }

    mutating func point(_ at: (Double, Double), owner: Int, symbol: Character) {
        guard at.0 >= -0.5, at.1 >= -0.5, at.0 <= Double(dotWidth) - 0.5, at.1 <= Double(dotHeight) - 0.5 else {
            return
        }
        set(Int(at.0.rounded()), Int(at.1.rounded()), owner: owner, symbol: symbol)
    }

    /// Liang–Barsky: the part of a segment inside [0, width] × [0, height].
    static func clip(_ a: (Double, Double), _ b: (Double, Double), width: Double, height: Double)
        -> ((Double, Double), (Double, Double))?
    {
        let dx = b.0 - a.0
        let dy = b.1 - a.1
        var t0 = 0.0
        var t1 = 1.0
        for (p, q) in [(-dx, a.0), (dx, width - a.0), (-dy, a.1), (dy, height - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 {
                    if t > t1 { return nil }
                    t0 = max(t0, t)
                } else {
                    if t < t0 { return nil }
                    t1 = min(t1, t)
                }
            }
        }
        return ((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy))
    }

    /// What a cell shows, and who drew it; nil when empty.
    func cell(column: Int, row: Int) -> (Character, Int)? {
        let index = row * columns + column
        if braille {
            guard bits[index] != 0 else { return nil }
            return (Character(Unicode.Scalar(0x2800 + UInt32(bits[index]))!), owners[index])
        }
        guard let symbol = symbols[index] else { return nil }
        return (symbol, owners[index])
    }
}
