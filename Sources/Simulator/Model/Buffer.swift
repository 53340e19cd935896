/// A fixed-size array of floats owned by one layer or workspace, handed to the
/// kernels as buffer pointers without copies.
public final class Buffer<T: BinaryFloatingPoint>: @unchecked Sendable {
    public let count: Int
    @usableFromInline let base: UnsafeMutablePointer<T>

    public init(count: Int, repeating value: T = 0) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
    }

    public convenience init(_ values: [T]) {
        self.init(count: values.count)
        for i in 0..<values.count { base[i] = values[i] }
    }

    deinit { base.deallocate() }

    @inlinable public var ro: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: base, count: count) }
    @inlinable public var rw: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: base, count: count) }

    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        set { base[i] = newValue }
    }

    public var array: [T] { Array(ro) }

    public func copy() -> Buffer<T> {
        let b = Buffer(count: count)
        b.base.update(from: base, count: count)
        return b
    }

    public func assign(from other: Buffer<T>) {
        precondition(other.count == count)
        base.update(from: other.base, count: count)
    }

    public func fill(_ value: T) { base.update(repeating: value, count: count) }

    /// Σ x² in Double (never overflows for Float data), in index order.
    public func sumOfSquares() -> Double {
        var s = 0.0
        for i in 0..<count {
            let x = Double(base[i])
            s += x * x
        }
        return s
    }

    /// Whether every value is finite.
    public func allFinite(count limit: Int? = nil) -> Bool {
        let n = limit ?? count
        var probe: T = 0
        for i in 0..<n { probe += base[i] * 0 }
        return probe == 0
    }
}
