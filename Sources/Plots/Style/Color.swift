/// A colour as 8-bit sRGB channels.
public struct RGB: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    public var hexValue: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    /// "#rrggbb", as SVG writes it.
    public var hexString: String {
        let digits = String(hexValue, radix: 16)
        return "#" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Relative luminance (ITU-R BT.709 weights on the 8-bit values), enough
    /// to choose dark or light text over a colour.
    var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    func mixed(with other: RGB, _ weight: Double) -> RGB {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) * (1 - weight) + Double(b) * weight).rounded())
        }
        return RGB(channel(red, other.red), channel(green, other.green), channel(blue, other.blue))
    }

    public static let black = RGB(0, 0, 0)
    public static let white = RGB(255, 255, 255)
    /// matplotlib's grey for rules and secondary ink (tab:gray).
    public static let gray = RGB(hex: 0x7F7F7F)
}

/// The colour cycle for series: matplotlib's default, "tab10" (Tableau's
/// ten categorical colours), in its order.
public enum Palette {
    public static let tab10: [RGB] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { RGB(hex: $0) }

    /// The colour for the `index`-th series (the cycle repeats after ten).
    public static func color(_ index: Int) -> RGB { tab10[index % tab10.count] }
}

/// A continuous colour scale from 0 to 1, linear between evenly spaced stops.
public struct Colormap: Equatable, Sendable {
    public let name: String
    public let stops: [RGB]

    public init(name: String, stops: [RGB]) {
        precondition(stops.count >= 2, "a colormap needs two stops")
        self.name = name
        self.stops = stops
    }

    /// The colour at t in [0, 1] (clamped).
    public func color(at t: Double) -> RGB {
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }

    /// matplotlib's default sequential map, sampled at 17 even points
    /// (matplotlib's `viridis`, CC0); perceptually uniform, readable in grey.
    public static let viridis = Colormap(
        name: "viridis",
        stops: [
            0x440154, 0x48186A, 0x472D7B, 0x424086, 0x3B528B, 0x33638D, 0x2C728E, 0x26828E, 0x21918C, 0x1FA088,
            0x28AE80, 0x3FBC73, 0x5EC962, 0x84D44B, 0xADDC30, 0xD8E219, 0xFDE725,
        ].map { RGB(hex: $0) })

    /// A diverging map, blue for low, white in the middle, red for high
    /// (matplotlib's `RdBu_r`, from ColorBrewer), for values around a
    /// boundary such as a classifier's probability 1/2.
    public static let blueRed = Colormap(
        name: "blue-red",
        stops: [
            0x053061, 0x175290, 0x2A71B2, 0x3F8EC0, 0x6BACD1, 0x9BC9E0, 0xC2DDEC, 0xE0ECF3, 0xF7F6F6, 0xFBE5D8,
            0xFBCCB4, 0xF5AA89, 0xE48066, 0xD05548, 0xBA2832, 0x930E26, 0x67001F,
        ].map { RGB(hex: $0) })
}
