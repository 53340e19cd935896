"""PyTorch on the CPU, float64 and float32: its own layers and functions, gradients by autograd.

batch norm: `torch.native_batch_norm` (what `F.batch_norm` runs; it also
returns the batch mean), then `backward(dy)`; running statistics through
`nn.BatchNorm1d/2d` so that `momentum=None` (cumulative average) is PyTorch's
own; layer and group norm: `torch.native_layer_norm` / `native_group_norm`;
folding: `torch.nn.utils.fusion.fuse_linear_bn_weights`; dropout:
`F.dropout` / `F.dropout2d`, with PyTorch's generator seeded so that it
draws exactly the case's mask (the seed is found by search; PyTorch's
dropout cannot be handed a mask).

What PyTorch cannot be configured to do is reported not applicable: a
running variance fed with the biased (or Keras 2, or Caffe) estimator, Caffe's
normalised sums, averaging σ instead of σ², ε outside the root, training on
one value per channel (PyTorch refuses it), plain (non-inverted) dropout, and
a momentum given as a decay d whose 1 − d is not a float of the precision.
"""

import torch
import torch.nn.functional as F

from normlab_vectors import NotApplicable

from .common import Adapter, factor_on_new, not_applicable_fields

_SEED_SEARCH_LIMIT = 200_000


def _tensor(case, name, dtype, grad=False):
    t = torch.tensor(case.array(name), dtype=dtype)
    return t.requires_grad_(grad)


def _grads(*tensors):
    return [t.grad.detach().numpy() for t in tensors]


class TorchCpu(Adapter):
    dtype = torch.float64

    def __init__(self):
        torch.set_num_threads(1)                                    # deterministic reductions
        self.ops = {"batchnorm": self.batchnorm, "layernorm": self.layernorm, "groupnorm": self.groupnorm,
                    "running-stats": self.running_stats, "bn-fold": self.bn_fold, "dropout": self.dropout}
        self.missing_ops = {"ridge": "no ridge solver in PyTorch itself",
                            "bias-variance": "an expectation over every data set of a finite world",
                            "dropout-regression": "an expectation over every dropout mask"}

    def versions(self):
        return {"torch": torch.__version__}

    def setting_notes(self):
        return ["torch.set_num_threads(1); tensors of the case's precision; ε, momentum and p passed as Python "
                "floats (PyTorch hands them to its kernels as doubles); dx, dγ, dβ by autograd from backward(dy).",
                "Running statistics through nn.BatchNorm1d/2d (momentum=None for cumulative conventions; "
                "a decay d given as momentum 1 − d when that is exact).",
                "Dropout: F.dropout / F.dropout2d in training mode with torch.manual_seed(s), s the first seed "
                "whose Bernoulli draw equals the case's mask; PyTorch scales by x·fl(1/(1 − p))."]

    # ------------------------------------------------------------- batch norm

    def _running(self, case, fields):
        """(momentum for F.batch_norm, running fields it cannot give with the reason) for a batch-norm case."""
        spec = case.convention_spec
        skipped = {}
        if spec.averaging != "exponential":
            return None, dict.fromkeys(fields, f"PyTorch's {spec.averaging} averaging is not {spec.name}'s")
        momentum = factor_on_new(case)
        if momentum is None:
            return None, dict.fromkeys(fields, f"{spec.name}'s decay d: 1 − d is not exactly a {case.precision}")
        if spec.running_var_estimator != "unbiased":
            skipped["running_var"] = (f"PyTorch feeds the unbiased batch variance to running_var; "
                                      f"{spec.name} feeds the {spec.running_var_estimator} one")
        return momentum, skipped

    def batchnorm(self, case):
        dtype = self.dtype
        if case.word("eps_placement", "inside") != "inside":
            raise NotApplicable("PyTorch puts ε inside the root")
        x, gamma, beta = (_tensor(case, n, dtype, grad=True) for n in ("x", "gamma", "beta"))
        dy = _tensor(case, "dy", dtype)
        running_mean, running_var = _tensor(case, "running_mean", dtype), _tensor(case, "running_var", dtype)
        eps = case.param("eps")
        if case.word("mode") == "eval":
            y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=False, eps=eps)
            y.backward(dy)
            return {"y": y.detach().numpy(), "dx": x.grad.numpy()}
        if x.numel() // x.shape[1] == 1:
            raise NotApplicable("PyTorch refuses training with one value per channel "
                                "(ValueError: Expected more than 1 value per channel when training)")
        momentum, skipped = self._running(case, ("running_mean", "running_var"))
        y, mean, _ = torch.native_batch_norm(x, gamma, beta, running_mean, running_var, True,
                                             momentum if momentum is not None else 0.0, eps)
        y.backward(dy)
        dx, dgamma, dbeta = _grads(x, gamma, beta)
        out = {"y": y.detach().numpy(), "mean": mean.detach().numpy(), "dx": dx, "dgamma": dgamma, "dbeta": dbeta,
               "running_mean": running_mean.numpy(), "running_var": running_var.numpy(),
               "var": NotApplicable("PyTorch gives 1/√(σ² + ε), not σ²"),
               "xhat": NotApplicable("PyTorch does not expose x̂")}
        out.update({field: NotApplicable(reason) for field, reason in skipped.items()})
        return out

    # ---------------------------------------------------- layer and group norm

    def layernorm(self, case):
        x, gamma, beta = (_tensor(case, n, self.dtype, grad=True) for n in ("x", "gamma", "beta"))
        dy = _tensor(case, "dy", self.dtype)
        y, mean, _ = torch.native_layer_norm(x, list(gamma.shape), gamma, beta, case.param("eps"))
        y.backward(dy)
        dx, dgamma, dbeta = _grads(x, gamma, beta)
        return {"y": y.detach().numpy(), "mean": mean.detach().numpy().reshape(-1), "dx": dx, "dgamma": dgamma,
                "dbeta": dbeta, **not_applicable_fields(("var", "xhat"), "PyTorch exposes only the mean and 1/σ")}

    def groupnorm(self, case):
        x, gamma, beta = (_tensor(case, n, self.dtype, grad=True) for n in ("x", "gamma", "beta"))
        dy = _tensor(case, "dy", self.dtype)
        n, c = x.shape[:2]
        groups = case.int_param("groups")
        y, mean, _ = torch.native_group_norm(x, gamma, beta, n, c, x[0, 0].numel(), groups, case.param("eps"))
        y.backward(dy)
        dx, dgamma, dbeta = _grads(x, gamma, beta)
        return {"y": y.detach().numpy(), "mean": mean.detach().numpy(), "dx": dx, "dgamma": dgamma,
                "dbeta": dbeta, **not_applicable_fields(("var", "xhat"), "PyTorch exposes only the mean and 1/σ")}

    # --------------------------------------------------------- running stats

    def running_stats(self, case):
        spec = case.convention_spec
        batches = _tensor(case, "batches", self.dtype)
        c = batches.shape[2]
        eps = case.param("eps")
        why_not = {}
        if spec.averaged != "variance":
            why_not = dict.fromkeys(("running_mean", "running_var", "y"), "PyTorch averages σ², not σ")
        elif spec.averaging == "caffeNormalizedSum":
            why_not = dict.fromkeys(("running_mean", "running_var", "y"), "PyTorch has no normalised-sum average")
        elif spec.averaging == "exponential" and factor_on_new(case) is None:
            why_not = dict.fromkeys(("running_mean", "running_var", "y"),
                                    f"{spec.name}'s decay d: 1 − d is not exactly a {case.precision}")
        if why_not:
            raise NotApplicable(next(iter(why_not.values())))
        if spec.running_var_estimator != "unbiased":
            why_not["running_var"] = why_not["y"] = (f"PyTorch feeds the unbiased batch variance; {spec.name} "
                                                     f"feeds the {spec.running_var_estimator} one")
        if spec.eps_placement != "inside":
            why_not["y"] = "PyTorch puts ε inside the root"
        momentum = None if spec.averaging == "cumulative" else factor_on_new(case)
        layer_class = torch.nn.BatchNorm1d if batches.dim() <= 4 else torch.nn.BatchNorm2d
        layer = layer_class(c, eps=eps, momentum=momentum, dtype=self.dtype)
        with torch.no_grad():
            if case.has_input("running_mean"):
                layer.running_mean.copy_(_tensor(case, "running_mean", self.dtype))
            if case.has_input("running_var"):
                layer.running_var.copy_(_tensor(case, "running_var", self.dtype))
            layer.num_batches_tracked.fill_(case.int_param("batches_seen", 0))
            if case.has_input("gamma"):
                layer.weight.copy_(_tensor(case, "gamma", self.dtype))
            if case.has_input("beta"):
                layer.bias.copy_(_tensor(case, "beta", self.dtype))
            layer.train()
            for batch in batches:
                layer(batch)
            layer.eval()
            out = {"running_mean": layer.running_mean.numpy().copy(), "running_var": layer.running_var.numpy().copy()}
            if case.has_input("x"):
                out["y"] = layer(_tensor(case, "x", self.dtype)).numpy()
        out.update({field: NotApplicable(reason) for field, reason in why_not.items()})
        return out

    # ------------------------------------------------------------------- fold

    def bn_fold(self, case):
        spec = case.convention_spec
        if spec.eps_placement != "inside":
            raise NotApplicable("PyTorch puts ε inside the root")
        w, x = _tensor(case, "W", self.dtype), _tensor(case, "x", self.dtype)
        outputs = w.shape[0]

        def optional(name, fill):
            return _tensor(case, name, self.dtype) if case.has_input(name) else torch.full((outputs,), float(fill),
                                                                                          dtype=self.dtype)
        bias, gamma, beta = optional("bias", 0), optional("gamma", 1), optional("beta", 0)
        mean, var = optional("running_mean", 0), optional("running_var", 1)
        eps = case.param("eps")
        with torch.no_grad():
            from torch.nn.utils.fusion import fuse_linear_bn_weights
            w_folded, bias_folded = fuse_linear_bn_weights(w, bias, mean, var, eps, gamma, beta)
            y = F.batch_norm(F.linear(x, w, bias), mean, var, gamma, beta, training=False, eps=eps)
            y_folded = F.linear(x, w_folded, bias_folded)
        return {"y": y.numpy(), "W_folded": w_folded.detach().numpy(), "bias_folded": bias_folded.detach().numpy(),
                "y_folded": y_folded.numpy()}

    # ---------------------------------------------------------------- dropout

    def dropout(self, case):
        variant, train = case.word("variant", "inverted"), case.word("mode", "train") == "train"
        if variant != "inverted":
            raise NotApplicable("PyTorch's dropout is inverted only (plain dropout scales at eval time)")
        x = _tensor(case, "x", self.dtype, grad=True)
        dy = _tensor(case, "dy", self.dtype)
        p = case.param("p")
        channel = case.word("granularity", "element") == "channel"
        function = F.dropout2d if channel else F.dropout
        if train:
            mask = torch.tensor(case.array("mask"), dtype=self.dtype)
            seed = self._seed_for(mask, function, x.shape, p)
            if seed is None:
                raise NotApplicable(f"no seed below {_SEED_SEARCH_LIMIT} makes PyTorch draw this mask")
            torch.manual_seed(seed)
        y = function(x, p=p, training=train)
        y.backward(dy)
        return {"y": y.detach().numpy(), "dx": x.grad.numpy()}

    def _seed_for(self, mask, function, shape, p):
        """The first seed with which `function` keeps exactly the case's mask (1 = keep)."""
        ones = torch.ones(shape, dtype=self.dtype)
        wanted = mask.reshape(mask.shape + (1,) * (len(shape) - mask.dim())).expand(shape) != 0
        for seed in range(_SEED_SEARCH_LIMIT):
            torch.manual_seed(seed)
            if torch.equal(function(ones, p=p, training=True) != 0, wanted):
                return seed
        return None


class TorchFloat64(TorchCpu):
    name = "torch-f64"
    title = "PyTorch CPU, float64"
    precisions = ("f64",)
    dtype = torch.float64


class TorchFloat32(TorchCpu):
    name = "torch-f32"
    title = "PyTorch CPU, float32"
    precisions = ("f32",)
    dtype = torch.float32
