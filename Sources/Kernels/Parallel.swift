import Dispatch

/// The number of threads kernels use by default: the active processor count.
public var defaultKernelThreads: Int { _activeProcessorCount() }

@usableFromInline
func _activeProcessorCount() -> Int {
    #if canImport(Glibc) || canImport(Darwin)
        return max(1, _sysconfProcessors())
    #else
        return 1
    #endif
}

#if canImport(Glibc)
    import Glibc
    @usableFromInline func _sysconfProcessors() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
    import Darwin
    @usableFromInline func _sysconfProcessors() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif

@inlinable
func _checkThreads(_ t: Int) throws(KernelError) {
    if t < 1 { throw .invalidParameter(name: "threads", value: "\(t)", rule: "threads must be ≥ 1") }
}

/// Runs `body` over `0..<count` split into `min(threads, count)` contiguous chunks,
/// one per worker. Each work item is computed by exactly one worker, with the same
/// code whatever the split, so results do not depend on timing (and, for every
/// kernel here, not on the thread count either).
@inlinable
func _parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let k = min(max(threads, 1), count)
    if k <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = _UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: k) { i in
            let lo = count * i / k
            let hi = count * (i + 1) / k
            if lo < hi { box.value(lo..<hi) }
        }
    }
}

@usableFromInline
struct _UncheckedBox<V>: @unchecked Sendable {
    @usableFromInline let value: V
    @inlinable init(_ v: V) { value = v }
}

/// A pointer that may be shared with workers writing disjoint elements.
@usableFromInline
struct _SendPtr<T>: @unchecked Sendable {
    @usableFromInline let p: UnsafeMutablePointer<T>
    @inlinable init(_ p: UnsafeMutablePointer<T>) { self.p = p }
}
