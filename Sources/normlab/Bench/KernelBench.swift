// Throughput benchmarks of the Kernels fast path against a memory copy of the same
// bytes (the bandwidth ceiling) and a plain scalar batch-norm forward (the stand-in
// for the reference path). A plain function: the CLI wraps it.
import Dispatch
import Kernels

/// One benchmark measurement (median over repetitions).
public struct KernelBenchResult: Sendable, Equatable, Codable {
    /// "simd" (the Kernels fast path), "copy" (memcpy of the same bytes), "scalar" (plain
    /// Double loops), "reference" (NormLab's traced Double reference, every intermediate recorded).
    public var engine: String
    /// "bn_forward", "bn_forward_backward", "ln_forward", "gn_forward", "copy".
    public var op: String
    /// "f32" or "f64".
    public var dtype: String
    /// (N, C) or (N, C, H, W).
    public var shape: [Int]
    public var threads: Int
    /// Median wall-clock seconds of one run.
    public var seconds: Double
    /// Bytes read + written by one run (tensors only; per-channel parameters are negligible).
    public var bytes: Int
    /// Tensor elements processed per second.
    public var elementsPerSecond: Double
    /// (bytes read + written) / time, in 10⁹ bytes per second.
    public var gbps: Double

    enum CodingKeys: String, CodingKey {
        case engine, op, dtype, shape, threads, seconds, bytes
        case elementsPerSecond = "elements_per_s"
        case gbps
    }
}

/// A batch-norm training forward on `Double` data, `(x, shape, gamma, beta, eps, y)`.
public typealias ScalarBatchNormForward = (
    UnsafeBufferPointer<Double>, NormShape, [Double], [Double], Double, UnsafeMutableBufferPointer<Double>
) -> Void

/// The scalar stand-in for the reference path: straightforward loops in `Double`,
/// two passes for the statistics, no SIMD, one thread.
public func scalarBatchNormForward(
    x: UnsafeBufferPointer<Double>, shape: NormShape, gamma: [Double], beta: [Double], eps: Double,
    y: UnsafeMutableBufferPointer<Double>
) {
    let (n, c, hw): (Int, Int, Int)
    switch shape {
    case .nc(let nn, let cc): (n, c, hw) = (nn, cc, 1)
    case .nchw(let nn, let cc, let h, let w): (n, c, hw) = (nn, cc, h * w)
    }
    let m = Double(n * hw)
    for ch in 0..<c {
        var sum = 0.0
        for i in 0..<n { for k in 0..<hw { sum += x[(i * c + ch) * hw + k] } }
        let mean = sum / m
        var sq = 0.0
        for i in 0..<n {
            for k in 0..<hw {
                let d = x[(i * c + ch) * hw + k] - mean
                sq += d * d
            }
        }
        let invstd = 1 / (sq / m + eps).squareRoot()
        for i in 0..<n {
            for k in 0..<hw {
                let j = (i * c + ch) * hw + k
                y[j] = gamma[ch] * ((x[j] - mean) * invstd) + beta[ch]
            }
        }
    }
}

private func _now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

private func _median(_ body: () -> Void, repetitions: Int) -> Double {
    body() // warm-up: page faults, caches
    var t: [Double] = []
    for _ in 0..<max(1, repetitions) {
        let t0 = _now()
        body()
        t.append(_now() - t0)
    }
    t.sort()
    return t.count % 2 == 1 ? t[t.count / 2] : (t[t.count / 2 - 1] + t[t.count / 2]) / 2
}

/// memcpy of `bytes` split over `threads` workers.
private func _copy(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ bytes: Int, threads: Int) {
    if threads <= 1 {
        dst.copyMemory(from: src, byteCount: bytes)
        return
    }
    let d = UInt(bitPattern: dst)
    let s = UInt(bitPattern: src)
    DispatchQueue.concurrentPerform(iterations: threads) { i in
        let lo = bytes * i / threads
        let hi = bytes * (i + 1) / threads
        UnsafeMutableRawPointer(bitPattern: d + UInt(lo))!
            .copyMemory(from: UnsafeRawPointer(bitPattern: s + UInt(lo))!, byteCount: hi - lo)
    }
}

private func _dims(_ s: NormShape) -> [Int] {
    switch s {
    case .nc(let n, let c): return [n, c]
    case .nchw(let n, let c, let h, let w): return [n, c, h, w]
    }
}

private func _bench<T: KernelScalar>(
    _: T.Type, shape: NormShape, repetitions: Int, threadsList: [Int],
    reference: ScalarBatchNormForward?
) -> [KernelBenchResult] {
    let n = shape.count
    let C = shape.channels
    let size = MemoryLayout<T>.size
    var rng = SplitMix64(seed: 0x4E4F_524D)
    let xd = (0..<n).map { _ in 3 + 4 * rng.nextUnit() - 2 }
    let x = xd.map { T($0) }
    let dy = (0..<n).map { _ in T(rng.nextUnit() - 0.5) }
    let gamma = (0..<C).map { _ in T(0.5 + rng.nextUnit()) }
    let beta = (0..<C).map { _ in T(rng.nextUnit() - 0.5) }
    var y = [T](repeating: 0, count: n)
    var dx = y
    var dg = [T](repeating: 0, count: C)
    var db = dg
    let dims = _dims(shape)
    var out: [KernelBenchResult] = []
    func record(
        _ engine: String, _ op: String, _ threads: Int, _ secs: Double, _ bytes: Int, _ dtype: String = T.dtypeName
    ) {
        out.append(
            KernelBenchResult(
                engine: engine, op: op, dtype: dtype, shape: dims, threads: threads, seconds: secs,
                bytes: bytes, elementsPerSecond: Double(n) / secs, gbps: Double(bytes) / secs / 1e9))
    }
    x.withUnsafeBufferPointer { xb in
        dy.withUnsafeBufferPointer { dyb in
            gamma.withUnsafeBufferPointer { gb in
                beta.withUnsafeBufferPointer { bb in
                    y.withUnsafeMutableBufferPointer { yb in
                        dx.withUnsafeMutableBufferPointer { dxb in
                            dg.withUnsafeMutableBufferPointer { dgb in
                                db.withUnsafeMutableBufferPointer { dbb in
                                    for t in threadsList {
                                        let tc = _median(
                                            { _copy(yb.baseAddress!, xb.baseAddress!, n * size, threads: t) },
                                            repetitions: repetitions)
                                        record("copy", "copy", t, tc, 2 * n * size)
                                        let tf = _median(
                                            {
                                                _ = try? BatchNorm.forwardTraining(
                                                    x: xb, shape: shape, gamma: gb, beta: bb, epsilon: 1e-5,
                                                    y: yb, threads: t)
                                            }, repetitions: repetitions)
                                        record("simd", "bn_forward", t, tf, 2 * n * size)
                                        let tfb = _median(
                                            {
                                                if let s = try? BatchNorm.forwardTraining(
                                                    x: xb, shape: shape, gamma: gb, beta: bb,
                                                    epsilon: 1e-5, y: yb, threads: t)
                                                {
                                                    try? BatchNorm.backward(
                                                        dy: dyb, source: .x(xb, s), shape: shape, gamma: gb,
                                                        dx: dxb, dgamma: dgb, dbeta: dbb, threads: t)
                                                }
                                            }, repetitions: repetitions)
                                        record("simd", "bn_forward_backward", t, tfb, 5 * n * size)
                                        switch shape {
                                        case .nc(let rows, let cols):
                                            let tl = _median(
                                                {
                                                    _ = try? LayerNorm.forward(
                                                        x: xb, rows: rows, features: cols, gamma: gb, beta: bb,
                                                        epsilon: 1e-5, y: yb, threads: t)
                                                }, repetitions: repetitions)
                                            record("simd", "ln_forward", t, tl, 2 * n * size)
                                        case .nchw(let nn, let cc, let h, let w):
                                            let tg = _median(
                                                {
                                                    _ = try? GroupNorm.forward(
                                                        x: xb, n: nn, c: cc, h: h, w: w, groups: 8, gamma: gb,
                                                        beta: bb, epsilon: 1e-5, y: yb, threads: t)
                                                }, repetitions: repetitions)
                                            record("simd", "gn_forward", t, tg, 2 * n * size)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // The scalar paths run in Double on the same values, one thread.
    var yd = [Double](repeating: 0, count: n)
    let gd = gamma.map { Double($0) }
    let bd = beta.map { Double($0) }
    let xs = x.map { Double($0) }
    xs.withUnsafeBufferPointer { xb in
        yd.withUnsafeMutableBufferPointer { yb in
            let tp = _median(
                { scalarBatchNormForward(x: xb, shape: shape, gamma: gd, beta: bd, eps: 1e-5, y: yb) },
                repetitions: max(1, repetitions / 3))
            record("scalar", "bn_forward", 1, tp, 2 * n * 8, T.dtypeName)
            if let reference {
                let tr = _median({ reference(xb, shape, gd, bd, 1e-5, yb) }, repetitions: max(1, repetitions / 9))
                record("reference", "bn_forward", 1, tr, 2 * n * 8, T.dtypeName)
            }
        }
    }
    return out
}

/// Runs every benchmark: batch norm forward and forward+backward (SIMD), layer norm
/// forward on the (N, C) shapes, group norm forward (G = 8) on the NCHW shape, a memory
/// copy of the same bytes, and the scalar batch-norm forward, for `Float` and `Double`
/// on (N, C) = (256, 1024), (4096, 256) and NCHW = (64, 64, 32, 32). Times are medians
/// of `repetitions` runs after one warm-up; all engines of a shape and dtype see the
/// same data.
///
/// - Parameters:
///   - repetitions: runs per measurement (the scalar path runs a third as many).
///   - threadsList: thread counts for the SIMD kernels and the copy.
///   - scalarReference: the reference batch-norm forward to compare with (it receives
///     the data as `Double`); the plain loops of `scalarBatchNormForward` always run.
///   - shapes: override the default shapes (for quick runs).
public func runKernelBenchmarks(
    repetitions: Int = 9,
    threadsList: [Int] = [1, defaultKernelThreads],
    scalarReference: ScalarBatchNormForward? = nil,
    shapes: [NormShape] = [.nc(n: 256, c: 1024), .nc(n: 4096, c: 256), .nchw(n: 64, c: 64, h: 32, w: 32)]
) -> [KernelBenchResult] {
    var results: [KernelBenchResult] = []
    var seen = Set<Int>()
    let threads = threadsList.filter { $0 >= 1 && seen.insert($0).inserted }
    for shape in shapes {
        results += _bench(
            Float.self, shape: shape, repetitions: repetitions, threadsList: threads, reference: scalarReference)
        results += _bench(
            Double.self, shape: shape, repetitions: repetitions, threadsList: threads, reference: scalarReference)
    }
    return results
}

private func _fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return "\(v)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (abs(v) * p).rounded()
    let ip = Int(r / p)
    let fp = Int(r - Double(ip) * p)
    var f = String(fp)
    while f.count < digits { f = "0" + f }
    return (v < 0 ? "-" : "") + String(ip) + (digits > 0 ? "." + f : "")
}

private func _pad(_ s: String, _ w: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, w - s.count))
    return left ? s + fill : fill + s
}

/// A text table of the results: GB/s, elements/s, the ratio to the copy bandwidth at
/// the same shape, dtype and thread count, and the speed-ups over the plain scalar loops
/// and over the traced reference (elements per second, same shape and dtype).
public func formatKernelBenchTable(_ results: [KernelBenchResult]) -> String {
    func key(_ r: KernelBenchResult) -> String { "\(r.dtype)|\(r.shape)" }
    var copy: [String: Double] = [:]
    var scalar: [String: Double] = [:]
    var ref: [String: Double] = [:]
    for r in results {
        if r.engine == "copy" { copy[key(r) + "|\(r.threads)"] = r.gbps }
        if r.engine == "scalar" { scalar[key(r)] = r.elementsPerSecond }
        if r.engine == "reference" { ref[key(r)] = r.elementsPerSecond }
    }
    let cols = ["engine", "op", "dtype", "shape", "thr", "GB/s", "Gelem/s", "÷copy", "×scalar", "×reference"]
    let widths = [10, 20, 6, 16, 4, 8, 8, 7, 8, 11]
    var lines = [zip(cols, widths).enumerated().map { _pad($1.0, $1.1, left: $0 < 4) }.joined(separator: " ")]
    for r in results {
        let c = copy[key(r) + "|\(r.threads)"].map { _fixed(r.gbps / $0, 2) } ?? "-"
        let s = scalar[key(r)].map { _fixed(r.elementsPerSecond / $0, 1) } ?? "-"
        let f = ref[key(r)].map { _fixed(r.elementsPerSecond / $0, 0) } ?? "-"
        let row = [
            r.engine, r.op, r.dtype, "(" + r.shape.map(String.init).joined(separator: ",") + ")", String(r.threads),
            _fixed(r.gbps, 2), _fixed(r.elementsPerSecond / 1e9, 3), c, s, f,
        ]
        lines.append(zip(row, widths).enumerated().map { _pad($1.0, $1.1, left: $0 < 4) }.joined(separator: " "))
    }
    return lines.joined(separator: "\n")
}
