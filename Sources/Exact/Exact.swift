// Exact numbers over GMP. See BigInt, Rational and Surd.
@_exported import CGMP
