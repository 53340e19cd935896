"""What each convention name in the vectors means, as choices an implementation makes.

A case names its convention (`"convention": "keras"`); running-statistics
cases also spell out `averaging`, `averaged` and `running_var_estimator` as
parameters, but not which value the momentum number weighs nor where ε sits
in the running-statistics family. This table gives every choice for every
name the vectors use, so an adapter can configure a framework from a case.
The facts are those of the frameworks' documentation and source (PyTorch
`_BatchNorm`, Keras `BatchNormalization`, ONNX `BatchNormalization`-15, Flax
`BatchNorm`, Caffe `BatchNormLayer`, cuDNN, TF `FusedBatchNormV3`) and of the
course notes.
"""

from dataclasses import dataclass

from .errors import VectorsError

__all__ = ["Convention", "CONVENTIONS", "convention_named"]


@dataclass(frozen=True)
class Convention:
    """The choices behind one convention name.

    averaging: "exponential" (R ← (1−f)·R + f·B), "cumulative" (the plain mean
        of every batch so far) or "caffeNormalizedSum" (Caffe's stored sums
        s ← B + d·s, n ← d·n + 1, statistic s/n);
    momentum_weighs: "new" (the number is the weight f of the batch) or
        "old" (the number is the decay d kept of the running value);
    running_var_estimator: the batch variance fed to the running variance:
        "biased" (÷m), "unbiased" (÷(m−1)), "keras2" (σ²·m/(m − 1 − ε)) or
        "unbiasedOrBiasedAtOne" (÷(m−1), ÷m when m = 1);
    eps_placement: "inside" √(σ² + ε) or "outside" √σ² + ε;
    averaged: "variance" or "standardDeviation" (σ is averaged, not σ²).
    """

    name: str
    averaging: str
    momentum_weighs: str
    running_var_estimator: str
    eps_placement: str
    averaged: str


CONVENTIONS = {c.name: c for c in (
    Convention("pytorch", "exponential", "new", "unbiased", "inside", "variance"),
    Convention("pytorch-cma", "cumulative", "new", "unbiased", "inside", "variance"),       # momentum=None
    Convention("keras", "exponential", "old", "biased", "inside", "variance"),
    Convention("keras2", "exponential", "old", "keras2", "inside", "variance"),              # Keras 2.1.3–2.3.1
    Convention("tf-fused", "exponential", "new", "unbiased", "inside", "variance"),          # exponential_avg_factor
    Convention("tf-keras-fused", "exponential", "old", "unbiased", "inside", "variance"),
    Convention("cudnn", "exponential", "new", "unbiased", "inside", "variance"),
    Convention("onednn-graph", "exponential", "old", "biased", "inside", "variance"),
    Convention("ioffe-szegedy", "cumulative", "new", "unbiased", "inside", "variance"),     # the paper's Algorithm 2
    Convention("onnx", "exponential", "old", "biased", "inside", "variance"),
    Convention("flax", "exponential", "old", "biased", "inside", "variance"),
    Convention("mxnet", "exponential", "old", "biased", "inside", "variance"),
    Convention("caffe", "caffeNormalizedSum", "old", "unbiasedOrBiasedAtOne", "inside", "variance"),
    Convention("notes-000", "cumulative", "new", "biased", "inside", "standardDeviation"),
    Convention("notes-001", "exponential", "old", "biased", "outside", "variance"),
    Convention("notes-002", "cumulative", "new", "unbiased", "inside", "variance"),
    Convention("notes-004", "exponential", "old", "biased", "inside", "standardDeviation"),
)}


def convention_named(name):
    """The `Convention` of a name the vectors use; VectorsError for an unknown one."""
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise VectorsError(f"convention {name!r} is not one this package knows "
                           f"({', '.join(sorted(CONVENTIONS))})") from None
