// The fast path: SIMD, multi-core normalization and dropout kernels.
