"""ONNX Runtime on the CPU: one-node ONNX models of the standard operators, run for inference.

BatchNormalization-15 (`training_mode=1` for training cases: y and the new
running statistics; 0 for eval), LayerNormalization-17 (y and its Mean
output), GroupNormalization-21 (γ and β per channel, as the vectors define
it), Dropout-13 (ratio as a tensor of the case's type; in training mode the
model is run until its random mask output equals the case's mask, so the
values come from ONNX Runtime's own kernel). Attributes keep their defaults
unless a case sets them (so `stash_type` stays float32, as ONNX specifies).

ONNX stores ε and momentum as float32 attributes and defines one convention
(momentum weighs the old value, biased running variance): a case whose ε or
momentum is not exactly a float32 cannot be given to it, nor a running
variance fed with another estimator, nor plain dropout, a channel mask, or
any gradient (an inference runtime computes none).
"""

from fractions import Fraction

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper

from normlab_vectors import NotApplicable

from .common import Adapter, exactly, not_applicable_fields

_RUN_LIMIT = 200_000
_GRADIENTS = ("dx", "dgamma", "dbeta")
_NO_GRADIENTS = "ONNX Runtime runs inference only: it computes no gradients"


def _element_type(case):
    return TensorProto.FLOAT if case.precision == "f32" else TensorProto.DOUBLE


def _one_node_model(op, inputs, outputs, attributes, opset):
    """A runnable ONNX model of one node: inputs/outputs as (name, TensorProto type)."""
    node = helper.make_node(op, [n for n, _ in inputs], [n for n, _ in outputs], **attributes)
    graph = helper.make_graph([node], op, [helper.make_tensor_value_info(n, t, None) for n, t in inputs],
                              [helper.make_tensor_value_info(n, t, None) for n, t in outputs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _float32_attribute(case, name, value=None):
    """A parameter as the float32 attribute ONNX stores; NotApplicable when it is not exactly one."""
    value = case.exact_param(name) if value is None else value
    stored = exactly(value, "f32")
    if stored is None:
        raise NotApplicable(f"ONNX stores {name} as a float32 attribute; this case's {name} "
                            f"{float(value)!r} is not a float32")
    return stored


class OnnxRuntime(Adapter):
    name = "onnxruntime"
    title = "ONNX Runtime (CPU execution provider)"

    def __init__(self):
        self.ops = {"batchnorm": self.batchnorm, "layernorm": self.layernorm, "groupnorm": self.groupnorm,
                    "running-stats": self.running_stats, "dropout": self.dropout}
        self.missing_ops = {"bn-fold": "no folding operator (ONNX Runtime fuses graphs internally)",
                            "ridge": "no ridge or least-squares operator",
                            "dropout-regression": "an expectation over every dropout mask",
                            "bias-variance": "an expectation over every data set of a finite world",
                            "bias-variance-sweep": "expectations over every data set of a finite world",
                            "double-descent": "no least-squares operator"}

    def versions(self):
        return {"onnxruntime": onnxruntime.__version__, "onnx": onnx.__version__}

    def setting_notes(self):
        return ["One-node models (BatchNormalization-15, LayerNormalization-17, GroupNormalization-21, Dropout-13), "
                "CPU execution provider, one intra-op thread, attributes at their defaults unless the case sets "
                "them (stash_type float32).",
                "Dropout in training mode: the model is run until its mask output equals the case's mask."]

    # ------------------------------------------------------------- batch norm

    def _momentum(self, case):
        """ONNX's momentum (the decay kept of the old value) for a case, or a reason it has none."""
        spec = case.convention_spec
        if spec.averaging != "exponential":
            return None, f"ONNX's running average is exponential; {spec.name}'s is {spec.averaging}"
        momentum = case.exact_param("momentum")
        decay = momentum if spec.momentum_weighs == "old" else 1 - momentum
        if exactly(decay, "f32") is None:
            return None, (f"ONNX stores momentum as a float32 attribute: the decay {float(decay)!r} of this "
                          "case is not a float32")
        return exactly(decay, "f32"), None

    def _batchnorm(self, case, x, gamma, beta, mean, var, eps, training, momentum=0.9):
        t = _element_type(case)
        names = [("x", t), ("scale", t), ("bias", t), ("input_mean", t), ("input_var", t)]
        outputs = [("y", t), ("running_mean", t), ("running_var", t)] if training else [("y", t)]
        model = _one_node_model("BatchNormalization", names, outputs,
                                {"epsilon": eps, "momentum": momentum, "training_mode": int(training)}, 15)
        return model.run(None, {"x": x, "scale": gamma, "bias": beta, "input_mean": mean, "input_var": var})

    def batchnorm(self, case):
        if case.word("eps_placement", "inside") != "inside":
            raise NotApplicable("ONNX puts ε inside the root")
        eps = _float32_attribute(case, "eps")
        x, gamma, beta, mean, var = (case.array(n) for n in ("x", "gamma", "beta", "running_mean", "running_var"))
        out = not_applicable_fields(_GRADIENTS, _NO_GRADIENTS)
        if case.word("mode") == "eval":
            out["y"] = self._batchnorm(case, x, gamma, beta, mean, var, eps, training=False)[0]
            return out
        out.update(not_applicable_fields(("mean", "var", "xhat"), "BatchNormalization-15 outputs no batch statistics"))
        momentum, why_not = self._momentum(case)
        y, running_mean, running_var = self._batchnorm(case, x, gamma, beta, mean, var, eps, training=True,
                                                       momentum=momentum if momentum is not None else 0.9)
        out["y"] = y
        if why_not:
            out.update(not_applicable_fields(("running_mean", "running_var"), why_not))
            return out
        out["running_mean"] = running_mean
        estimator = case.convention_spec.running_var_estimator
        out["running_var"] = running_var if estimator == "biased" else NotApplicable(
            f"ONNX feeds the biased batch variance to the running variance; this case feeds the {estimator} one")
        return out

    def running_stats(self, case):
        spec = case.convention_spec
        if spec.averaged != "variance":
            raise NotApplicable("ONNX averages σ², not σ")
        momentum, why_not = self._momentum(case)
        if why_not:
            raise NotApplicable(why_not)
        eps = _float32_attribute(case, "eps")
        batches = case.array("batches")
        c = batches.shape[2]
        dtype = batches.dtype
        mean = case.array("running_mean") if case.has_input("running_mean") else np.zeros(c, dtype)
        var = case.array("running_var") if case.has_input("running_var") else np.ones(c, dtype)
        ones, zeros = np.ones(c, dtype), np.zeros(c, dtype)
        for batch in batches:
            _, mean, var = self._batchnorm(case, batch, ones, zeros, mean, var, eps, training=True, momentum=momentum)
        out = {"running_mean": mean, "running_var": var}
        if spec.running_var_estimator != "biased":
            reason = f"ONNX feeds the biased batch variance; {spec.name} feeds the {spec.running_var_estimator} one"
            return {"running_mean": mean, "running_var": NotApplicable(reason), "y": NotApplicable(reason)}
        if case.has_input("x"):
            if spec.eps_placement != "inside":
                out["y"] = NotApplicable("ONNX puts ε inside the root")
            else:
                gamma = case.array("gamma") if case.has_input("gamma") else ones
                beta = case.array("beta") if case.has_input("beta") else zeros
                out["y"] = self._batchnorm(case, case.array("x"), gamma, beta, mean, var, eps, training=False)[0]
        return out

    # ---------------------------------------------------- layer and group norm

    def layernorm(self, case):
        if case.word("eps_placement", "inside") != "inside":
            raise NotApplicable("ONNX puts ε inside the root")
        eps = _float32_attribute(case, "eps")
        x, gamma, beta = case.array("x"), case.array("gamma"), case.array("beta")
        t = _element_type(case)
        model = _one_node_model("LayerNormalization", [("x", t), ("scale", t), ("bias", t)],
                                [("y", t), ("mean", TensorProto.FLOAT), ("inv_std", TensorProto.FLOAT)],
                                {"epsilon": eps, "axis": x.ndim - gamma.ndim}, 17)
        y, mean, _ = model.run(None, {"x": x, "scale": gamma, "bias": beta})
        return {"y": y, "mean": mean.reshape(-1), **not_applicable_fields(_GRADIENTS, _NO_GRADIENTS),
                **not_applicable_fields(("var", "xhat"), "LayerNormalization outputs the mean and 1/σ only")}

    def groupnorm(self, case):
        if case.word("eps_placement", "inside") != "inside":
            raise NotApplicable("ONNX puts ε inside the root")
        eps = _float32_attribute(case, "eps")
        x, gamma, beta = case.array("x"), case.array("gamma"), case.array("beta")
        t = _element_type(case)
        model = _one_node_model("GroupNormalization", [("x", t), ("scale", t), ("bias", t)], [("y", t)],
                                {"epsilon": eps, "num_groups": case.int_param("groups")}, 21)
        y = model.run(None, {"x": x, "scale": gamma, "bias": beta})[0]
        return {"y": y, **not_applicable_fields(_GRADIENTS, _NO_GRADIENTS),
                **not_applicable_fields(("mean", "var", "xhat"), "GroupNormalization outputs y only")}

    # ---------------------------------------------------------------- dropout

    def dropout(self, case):
        if case.word("variant", "inverted") != "inverted":
            raise NotApplicable("ONNX's Dropout is inverted only")
        if case.word("granularity", "element") != "element":
            raise NotApplicable("ONNX's Dropout draws one mask value per element, not per channel")
        x = case.array("x")
        t = _element_type(case)
        train = case.word("mode", "train") == "train"
        p = Fraction(case.exact_param("p"))
        model = _one_node_model("Dropout", [("x", t), ("ratio", t), ("training_mode", TensorProto.BOOL)],
                                [("y", t), ("mask", TensorProto.BOOL)], {}, 13)
        feeds = {"x": x, "ratio": np.array(case.param("p"), dtype=x.dtype), "training_mode": np.array(train)}
        out = {"dx": NotApplicable(_NO_GRADIENTS)}
        if not train or p == 0:
            out["y"] = model.run(None, feeds)[0]
            return out
        wanted = case.array("mask") != 0
        for _ in range(_RUN_LIMIT):
            y, mask = model.run(None, feeds)
            if np.array_equal(mask, wanted):
                out["y"] = y
                return out
        raise NotApplicable(f"ONNX Runtime drew no mask equal to the case's in {_RUN_LIMIT} runs")
