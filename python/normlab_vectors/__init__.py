"""normlab_vectors: load NormLab's golden vectors and check an implementation against them.

    import normlab_vectors as nv
    family = nv.load_family("batchnorm_train_2d")
    for case in family:
        x = case.array("x")                    # the input floats, exactly (NumPy when present)
        exact = case.outputs["y"].exact        # Surd values: a + Σ cᵢ·√nᵢ, exactly
    report = nv.check(my_batchnorm, "batchnorm_train_2d", fields=["y", "dx"])
    print(report)                              # worst ulp, normwise error, LRE per field; failures in full

Standard library only; NumPy is used when it is installed.
"""

from .check import FieldResult, NotApplicable, Report, check, check_case
from .conventions import CONVENTIONS, Convention, convention_named
from .errors import VectorsError
from .exact import Surd, canonical_problems, parse_exact, round_fraction
from .family import Case, Family, Tensor, Tolerance, family_names, load_family
from .floats import hex_text, parse_hex, to_format, ulp_distance, unit_roundoff
from .metrics import FieldMeasure, accepts, lre_of, measure
from .tree import VectorTree, default_vectors_dir

__version__ = "0.1.0"

__all__ = [
    "Case", "Convention", "CONVENTIONS", "Family", "FieldMeasure", "FieldResult", "NotApplicable", "Report",
    "Surd", "Tensor", "Tolerance", "VectorTree", "VectorsError", "accepts", "canonical_problems", "check",
    "check_case", "convention_named", "default_vectors_dir", "family_names", "hex_text", "load_family",
    "lre_of", "measure", "parse_exact", "parse_hex", "round_fraction", "to_format", "ulp_distance",
    "unit_roundoff",
]
