#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The median wall time and the median CPU time of this thread over
/// `repetitions` runs of `body`, in seconds.
func measureWallAndCPU(_ repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    var walls: [Double] = []
    var cpus: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<max(1, repetitions) {
        let cpuStart = threadCPUSeconds()
        let elapsed = clock.measure(body)
        cpus.append(threadCPUSeconds() - cpuStart)
        walls.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    walls.sort()
    cpus.sort()
    return (walls[walls.count / 2], cpus[cpus.count / 2])
}

/// CPU seconds this thread has used (clock_gettime, CLOCK_THREAD_CPUTIME_ID).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
