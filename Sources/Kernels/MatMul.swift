// Dense matrix product C = op(A)·op(B) (+ a bias row) for row-major buffers: the
// fast path of the simulator's linear layers (forward Y = X·W, weight gradient
// Xᵀ·∂Y, input gradient ∂Y·Wᵀ).
//
// Determinism. Every c_ij is Σ_p a_ip·b_pj accumulated in p order, starting from 0,
// with one rounding per product and one per addition (no fused multiply–add), then
// + bias_j. That is exactly the naive loop `for p in 0..<k { s = s + a[i][p]·b[p][j] }`,
// so the result does not depend on the blocking, the thread count or the machine
// (IEEE-754 binary32/binary64 arithmetic is the same everywhere). Workers own disjoint
// blocks of rows of C; none shares a partial sum.
//
// The functions are emitted into each client (`@_alwaysEmitIntoClient`), so a
// caller's build settings and concrete type decide the code: the simulator, built
// optimized in every configuration, runs a specialized kernel even in a debug build.
//
// Speed. A and B are packed into panels the micro-kernel streams through: B in
// panels of `2·Lane.scalarCount` columns, A in blocks of 6 rows with each value
// stored already broadcast over a lane (a plain aligned load, no shuffle in the inner
// loop). The 6 × 2-lane tile keeps 12 accumulators in the 16 vector registers of
// baseline x86-64 (SSE2) or AArch64 (NEON), the instruction sets the kernels are built
// for (see KERNELS.md).

/// A scalar the matmul kernel runs on, with its 128-bit lane type.
public protocol MatMulScalar: KernelScalar {
    /// A 128-bit vector of this scalar: `SIMD4<Float>`, `SIMD2<Double>`.
    associatedtype Lane: SIMD where Lane.Scalar == Self
}

extension Float: MatMulScalar { public typealias Lane = SIMD4<Float> }
extension Double: MatMulScalar { public typealias Lane = SIMD2<Double> }

/// Row-major dense matrix products.
public enum MatMul {
    /// How an operand is stored.
    public enum Layout: Sendable, Equatable {
        /// As used: A (m × k) or B (k × n), row-major.
        case normal
        /// Transposed: A stored (k × m), B stored (n × k), row-major.
        case transposed
    }

    /// Rows of C per micro-kernel tile.
    @_alwaysEmitIntoClient static var _rows: Int { 6 }
    /// Below this many multiply–adds a product runs on one thread: waking a worker
    /// costs more than it saves. (The result is the same either way.)
    @_alwaysEmitIntoClient static var _parallelThreshold: Int { 1 << 16 }

    /// C (m × n) = op(A)·op(B), plus `bias` (n values) added to every row when given.
    ///
    /// - Parameters:
    ///   - a: m·k values: A (m × k) for `.normal`, Aᵀ (k × m) for `.transposed`.
    ///   - b: k·n values: B (k × n) for `.normal`, Bᵀ (n × k) for `.transposed`.
    ///   - c: m·n values, overwritten.
    ///   - threads: worker count; the result does not depend on it.
    @_alwaysEmitIntoClient
    public static func multiply<T: MatMulScalar>(
        a: UnsafeBufferPointer<T>, _ layoutA: Layout, b: UnsafeBufferPointer<T>, _ layoutB: Layout,
        bias: UnsafeBufferPointer<T>? = nil, c: UnsafeMutableBufferPointer<T>,
        m: Int, n: Int, k: Int, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try _checkDim("m", m)
        try _checkDim("n", n)
        try _checkDim("k", k)
        try _checkThreads(threads)
        let (mk, o1) = m.multipliedReportingOverflow(by: k)
        let (kn, o2) = k.multipliedReportingOverflow(by: n)
        let (mn, o3) = m.multipliedReportingOverflow(by: n)
        if o1 || o2 || o3 {
            throw .invalidParameter(name: "m·n·k", value: "\(m)·\(n)·\(k)", rule: "element counts overflow Int")
        }
        try _checkCount("a", a.count, mk)
        try _checkCount("b", b.count, kn)
        try _checkCount("c", c.count, mn)
        if let bias { try _checkCount("bias", bias.count, n) }
        _multiply(
            a.baseAddress!, layoutA == .transposed, b.baseAddress!, layoutB == .transposed, bias?.baseAddress,
            c.baseAddress!, m, n, k, threads)
    }

    /// The number of floating-point operations of one product, 2·m·n·k (for GFLOP/s).
    public static func flops(m: Int, n: Int, k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }
}

@_alwaysEmitIntoClient
func _multiply<T: MatMulScalar>(
    _ a: UnsafePointer<T>, _ ta: Bool, _ b: UnsafePointer<T>, _ tb: Bool, _ bias: UnsafePointer<T>?,
    _ c: UnsafeMutablePointer<T>, _ m: Int, _ n: Int, _ k: Int, _ threads: Int
) {
    let lanes = T.Lane.scalarCount
    let panelWidth = 2 * lanes
    let panels = (n + panelWidth - 1) / panelWidth
    // B packed: panel q holds rows p = 0..<k of columns q·w..<(q+1)·w as two lanes each.
    let packedB = UnsafeMutablePointer<T.Lane>.allocate(capacity: panels * k * 2)
    defer { packedB.deallocate() }
    for q in 0..<panels {
        let j0 = q * panelWidth
        let dst = packedB + q * k * 2
        for p in 0..<k {
            var lo = T.Lane()
            var hi = T.Lane()
            for t in 0..<lanes {
                let j = j0 + t
                if j < n { lo[t] = tb ? b[j * k + p] : b[p * n + j] }
                let j2 = j + lanes
                if j2 < n { hi[t] = tb ? b[j2 * k + p] : b[p * n + j2] }
            }
            dst[2 * p] = lo
            dst[2 * p + 1] = hi
        }
    }
    let rows = MatMul._rows
    let blocks = (m + rows - 1) / rows
    let work = m * n * k
    let workers = work < MatMul._parallelThreshold ? 1 : threads
    let bp = _SendPtr(packedB)
    let cp = _SendPtr(c)
    _parallelFor(blocks, threads: workers) { range in
        let packedA = UnsafeMutablePointer<T.Lane>.allocate(capacity: k * rows)
        defer { packedA.deallocate() }
        for block in range {
            let i0 = block * rows
            let height = min(rows, m - i0)
            for p in 0..<k {
                for r in 0..<rows {
                    let i = i0 + r
                    let value: T = r < height ? (ta ? a[p * m + i] : a[i * k + p]) : 0
                    packedA[p * rows + r] = T.Lane(repeating: value)
                }
            }
            for q in 0..<panels {
                _tile(k, packedA, bp.p + q * k * 2, bias, cp.p, i0, height, q * panelWidth, n)
            }
        }
    }
}

/// One 6 × (2 lanes) tile of C: the sums in p order, then the bias, stored for the
/// rows and columns that exist.
@_alwaysEmitIntoClient
func _tile<T: MatMulScalar>(
    _ k: Int, _ a: UnsafePointer<T.Lane>, _ b: UnsafePointer<T.Lane>, _ bias: UnsafePointer<T>?,
    _ c: UnsafeMutablePointer<T>, _ i0: Int, _ height: Int, _ j0: Int, _ n: Int
) {
    var c00 = T.Lane()
    var c01 = T.Lane()
    var c10 = T.Lane()
    var c11 = T.Lane()
    var c20 = T.Lane()
    var c21 = T.Lane()
    var c30 = T.Lane()
    var c31 = T.Lane()
    var c40 = T.Lane()
    var c41 = T.Lane()
    var c50 = T.Lane()
    var c51 = T.Lane()
    var ap = a
    var bq = b
    for _ in 0..<k {
        let b0 = bq[0]
        let b1 = bq[1]
        let a0 = ap[0]
        c00 = c00 + a0 * b0
        c01 = c01 + a0 * b1
        let a1 = ap[1]
        c10 = c10 + a1 * b0
        c11 = c11 + a1 * b1
        let a2 = ap[2]
        c20 = c20 + a2 * b0
        c21 = c21 + a2 * b1
        let a3 = ap[3]
        c30 = c30 + a3 * b0
        c31 = c31 + a3 * b1
        let a4 = ap[4]
        c40 = c40 + a4 * b0
        c41 = c41 + a4 * b1
        let a5 = ap[5]
        c50 = c50 + a5 * b0
        c51 = c51 + a5 * b1
        ap += 6
        bq += 2
    }
    let lanes = T.Lane.scalarCount
    let width = min(2 * lanes, n - j0)
    var lo = T.Lane()
    var hi = T.Lane()
    if let bias {
        for t in 0..<lanes {
            if t < width { lo[t] = bias[j0 + t] }
            if t + lanes < width { hi[t] = bias[j0 + lanes + t] }
        }
    }
    @inline(__always) func store(_ r: Int, _ v0: T.Lane, _ v1: T.Lane) {
        guard r < height else { return }
        let w0 = bias == nil ? v0 : v0 + lo
        let w1 = bias == nil ? v1 : v1 + hi
        let row = c + (i0 + r) * n + j0
        if width == 2 * lanes {
            UnsafeMutableRawPointer(row).storeBytes(of: w0, as: T.Lane.self)
            UnsafeMutableRawPointer(row + lanes).storeBytes(of: w1, as: T.Lane.self)
        } else {
            for t in 0..<width { row[t] = t < lanes ? w0[t] : w1[t - lanes] }
        }
    }
    store(0, c00, c01)
    store(1, c10, c11)
    store(2, c20, c21)
    store(3, c30, c31)
    store(4, c40, c41)
    store(5, c50, c51)
}
