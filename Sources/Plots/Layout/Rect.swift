/// An axis-aligned rectangle, y growing downwards (SVG pixels or terminal
/// cells).
struct Rect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ px: Double, _ py: Double) -> Bool {
        px >= x && px <= maxX && py >= y && py <= maxY
    }

    func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }
}

/// Where a legend goes: matplotlib's `loc="best"` — of the nine standard
/// places, the one whose box covers the fewest drawn things, ties broken in
/// matplotlib's order (upper right first).
enum LegendPlacement {
    enum Location: CaseIterable {
        case upperRight, upperLeft, lowerLeft, lowerRight, centerRight, centerLeft, lowerCenter, upperCenter, center
    }

    static func box(_ location: Location, width: Double, height: Double, in area: Rect, inset: Double) -> Rect {
        let left = area.x + inset
        let right = area.maxX - inset - width
        let centerX = area.x + (area.width - width) / 2
        let top = area.y + inset
        let bottom = area.maxY - inset - height
        let centerY = area.y + (area.height - height) / 2
        switch location {
        case .upperRight: return Rect(x: right, y: top, width: width, height: height)
        case .upperLeft: return Rect(x: left, y: top, width: width, height: height)
        case .lowerLeft: return Rect(x: left, y: bottom, width: width, height: height)
        case .lowerRight: return Rect(x: right, y: bottom, width: width, height: height)
        case .centerRight: return Rect(x: right, y: centerY, width: width, height: height)
        case .centerLeft: return Rect(x: left, y: centerY, width: width, height: height)
        case .lowerCenter: return Rect(x: centerX, y: bottom, width: width, height: height)
        case .upperCenter: return Rect(x: centerX, y: top, width: width, height: height)
        case .center: return Rect(x: centerX, y: centerY, width: width, height: height)
        }
    }

    /// The least-covering box and how much it covers (`cost` counts what a
    /// box would hide).
    static func best(
        width: Double, height: Double, in area: Rect, inset: Double, cost: (Rect) -> Int
    ) -> (box: Rect, cost: Int) {
        var best: (Rect, Int)? = nil
        for location in Location.allCases {
            let candidate = box(location, width: width, height: height, in: area, inset: inset)
            let covered = cost(candidate)
            if best == nil || covered < best!.1 { best = (candidate, covered) }
            if covered == 0 { break }
        }
        return best!
    }
}
