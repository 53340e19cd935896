"""Exact values: the grammar, value equality, exact comparison and correct rounding, on hand-worked numbers."""

import math
import unittest
from fractions import Fraction

from normlab_vectors import Surd, VectorsError, canonical_problems, parse_hex, round_fraction, to_format, ulp_distance


class ParsingTests(unittest.TestCase):
    def test_rationals_and_surds(self):
        self.assertEqual(Surd.parse("-3/7").rational(), Fraction(-3, 7))
        value = Surd.parse("1/2+3/8*sqrt(10)")
        self.assertEqual(value.terms(), [(Fraction(1, 2), 1), (Fraction(3, 8), 10)])
        self.assertEqual(Surd.parse("-sqrt(2)").terms(), [(Fraction(-1), 2)])
        self.assertEqual(Surd.parse("sqrt(5/2)"), Surd.sqrt(Fraction(5, 2)))
        self.assertEqual(Surd.parse("sqrt(9/4)").rational(), Fraction(3, 2))          # a square radicand folds

    def test_bad_strings_name_the_text(self):
        for text in ("", "1e-5", "0x1p+0", "1/0", "sqrt(0)", "2sqrt(3)", "1+", "sqrt(2)sqrt(3)", " 1", "1--2"):
            with self.subTest(text=text), self.assertRaises(VectorsError) as raised:
                Surd.parse(text)
            if text:
                self.assertIn(repr(text), str(raised.exception))

    def test_equality_is_value_equality(self):
        # 2036162 = 2·1009²: the square factor of a prime above 1000 is found by merging.
        self.assertEqual(Surd.parse("sqrt(2036162)"), Surd.parse("1009*sqrt(2)"))
        self.assertEqual(Surd.parse("sqrt(8)"), Surd.parse("2*sqrt(2)"))
        self.assertNotEqual(Surd.parse("sqrt(2)"), Surd.parse("sqrt(3)"))
        self.assertTrue((Surd.parse("sqrt(2036162)") - Surd.parse("1009*sqrt(2)")).is_zero())
        self.assertEqual(hash(Surd.parse("sqrt(2036162)")), hash(Surd.parse("1009*sqrt(2)")))

    def test_canonical_form(self):
        self.assertEqual(canonical_problems("1/2+3/8*sqrt(10)"), [])
        self.assertEqual(canonical_problems("-sqrt(2)"), [])
        self.assertTrue(canonical_problems("2/4"))                       # not in lowest terms
        self.assertTrue(canonical_problems("3/1"))                       # denominator 1
        self.assertTrue(canonical_problems("sqrt(8)"))                   # square factor 2²
        self.assertTrue(canonical_problems("sqrt(3)+1"))                 # rational term not first
        self.assertTrue(canonical_problems("sqrt(3)+sqrt(2)"))           # radicands not increasing
        self.assertTrue(canonical_problems("sqrt(2)+sqrt(8)"))           # square ratio
        self.assertTrue(canonical_problems("1*sqrt(2)"))
        self.assertEqual(canonical_problems("sqrt(2036162)"), [])       # 1009 > 1000: allowed by the README


class ArithmeticTests(unittest.TestCase):
    def test_field_operations(self):
        r2, r3 = Surd.sqrt(2), Surd.sqrt(3)
        self.assertEqual((r2 * r2).rational(), 2)
        self.assertEqual(r2 * r3, Surd.sqrt(6))
        self.assertEqual((1 / (1 + r2)), r2 - 1)                         # (√2 − 1)(√2 + 1) = 1
        inverse = 1 / (r2 + r3 + Surd.sqrt(5))
        self.assertEqual((inverse * (r2 + r3 + Surd.sqrt(5))).rational(), 1)

    def test_exact_comparison(self):
        # √2 + √3 = 3.1462…, √10 = 3.1622…
        self.assertLess(Surd.sqrt(2) + Surd.sqrt(3), Surd.sqrt(10))
        self.assertEqual((Surd.sqrt(2) + Surd.sqrt(3) - Surd.sqrt(10)).sign(), -1)
        # 1 + 10⁻⁴⁰ − √(1 + 2·10⁻⁴⁰) > 0 by about 5·10⁻⁸¹: decided by refining the roots
        tiny = Fraction(1, 10 ** 40)
        self.assertEqual((1 + tiny - Surd.sqrt(1 + 2 * tiny)).sign(), 1)
        self.assertGreater(Surd.parse("1/2+sqrt(2)"), Fraction(19, 10))


class RoundingTests(unittest.TestCase):
    def test_hand_worked_roundings(self):
        self.assertEqual(Surd.sqrt(2).round("f64"), float.fromhex("0x1.6a09e667f3bcdp+0"))
        self.assertEqual(Surd.sqrt(2).round("f32"), float.fromhex("0x1.6a09e6p+0"))
        self.assertEqual(round_fraction(Fraction(1, 3), "f64"), float.fromhex("0x1.5555555555555p-2"))
        self.assertEqual(round_fraction(Fraction(1, 3), "f32"), float.fromhex("0x1.555556p-2"))
        # ties to even: 1 + 2⁻⁵³ lies halfway between 1 and 1 + 2⁻⁵²
        self.assertEqual(round_fraction(1 + Fraction(1, 2 ** 53), "f64"), 1.0)
        self.assertEqual(round_fraction(1 + Fraction(3, 2 ** 53), "f64"), 1 + 2 ** -51)

    def test_range_ends(self):
        self.assertEqual(round_fraction(Fraction(2) ** 1024, "f64"), math.inf)
        self.assertEqual(round_fraction(-Fraction(2) ** 128, "f32"), -math.inf)
        self.assertEqual(round_fraction(Fraction(1, 2 ** 1074), "f64"), 5e-324)
        self.assertEqual(round_fraction(Fraction(1, 2 ** 1076), "f64"), 0.0)       # below half the smallest
        negative_zero = round_fraction(-Fraction(1, 2 ** 1076), "f64")
        self.assertEqual(math.copysign(1.0, negative_zero), -1.0)
        self.assertEqual(round_fraction(Fraction(3, 2 ** 151), "f32"), 2 ** -149)    # 0.75 η rounds to η

    def test_floats(self):
        self.assertEqual(parse_hex("-0x1.8p+1"), -3.0)
        self.assertEqual(parse_hex("0x0.0000000000001p-1022"), 5e-324)
        self.assertTrue(math.isinf(parse_hex("-inf")))
        with self.assertRaises(VectorsError):
            parse_hex("1.5")
        self.assertEqual(to_format(0.1, "f32"), float.fromhex("0x1.99999ap-4"))
        self.assertEqual(ulp_distance(1.0, 1.0 + 2 ** -52, "f64"), 1)
        self.assertEqual(ulp_distance(-0.0, 0.0, "f64"), 0)
        self.assertEqual(ulp_distance(-5e-324, 5e-324, "f64"), 2)
        self.assertEqual(ulp_distance(float.fromhex("0x1.fffffffffffffp+1023"), math.inf, "f64"), 1)
        self.assertEqual(ulp_distance(math.nan, 1.0, "f64"), math.inf)
        self.assertEqual(ulp_distance(1.0, float.fromhex("0x1.000002p+0"), "f32"), 1)


if __name__ == "__main__":
    unittest.main()
