"""JAX on the CPU: `jax.nn.standardize`, JAX's own normalization, with γ, β and gradients by `jax.vjp`.

Batch, layer and group norm are `standardize` over the op's axes (group norm
on the (N, G, C/G·H·W) view), times γ plus β; eval-mode batch norm passes the
running mean and variance to `standardize`. JAX itself keeps no running
statistics and has no dropout layer (Flax and other libraries on top of it
do), so those fields are not applicable. float64 needs `jax_enable_x64`,
set here. Two configurations: `algorithm="fast"` (the default:
E[x²] − E[x]², clipped at 0) and `algorithm="stable"` (two-pass).
"""

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from normlab_vectors import NotApplicable  # noqa: E402

from .common import Adapter, not_applicable_fields  # noqa: E402

_NO_STATISTICS = "jax.nn.standardize returns only the standardized values"


class JaxStandardize(Adapter):
    algorithm = "fast"

    def __init__(self):
        self.ops = {"batchnorm": self.batchnorm, "layernorm": self.layernorm, "groupnorm": self.groupnorm}
        self.missing_ops = {"running-stats": "JAX keeps no running statistics (Flax does)",
                            "bn-fold": "no folding function in JAX",
                            "dropout": "no dropout layer in JAX itself (Flax has one)",
                            "ridge": "no ridge solver in JAX itself",
                            "dropout-regression": "an expectation over every dropout mask",
                            "bias-variance": "an expectation over every data set of a finite world"}

    def versions(self):
        import jaxlib
        return {"jax": jax.__version__, "jaxlib": jaxlib.__version__}

    def setting_notes(self):
        return [f"jax.nn.standardize(algorithm=\"{self.algorithm}\") on the CPU backend with jax_enable_x64; "
                "y = standardize(x)·γ + β; dx, dγ, dβ by jax.vjp with dy."]

    def _affine(self, case, normalize, view):
        """y = normalize(x)·γ + β and its vjp with dy: {"y", "dx", "dgamma", "dbeta"}."""
        x, gamma, beta, dy = (jnp.asarray(case.array(n)) for n in ("x", "gamma", "beta", "dy"))

        def forward(x, gamma, beta):
            return normalize(x) * gamma.reshape(view) + beta.reshape(view)

        y, pullback = jax.vjp(forward, x, gamma, beta)
        dx, dgamma, dbeta = pullback(dy)
        return {"y": np.asarray(y), "dx": np.asarray(dx), "dgamma": np.asarray(dgamma), "dbeta": np.asarray(dbeta)}

    def batchnorm(self, case):
        if case.word("eps_placement", "inside") != "inside":
            raise NotApplicable("standardize puts ε inside the root")
        eps = case.param("eps")
        ndim = len(case.shape("x"))
        axes = (0,) + tuple(range(2, ndim))
        view = (1, -1) + (1,) * (ndim - 2)
        if case.word("mode") == "eval":
            mean = jnp.asarray(case.array("running_mean")).reshape(view)
            var = jnp.asarray(case.array("running_var")).reshape(view)
            out = self._affine(case, lambda x: jax.nn.standardize(x, axes, mean=mean, variance=var, epsilon=eps),
                               view)
            return {"y": out["y"], "dx": out["dx"]}
        out = self._affine(case, lambda x: jax.nn.standardize(x, axes, epsilon=eps, algorithm=self.algorithm), view)
        out.update(not_applicable_fields(("mean", "var", "xhat"), _NO_STATISTICS))
        out.update(not_applicable_fields(("running_mean", "running_var"), "JAX keeps no running statistics"))
        return out

    def layernorm(self, case):
        eps = case.param("eps")
        ndim, affine = len(case.shape("x")), len(case.shape("gamma"))
        axes = tuple(range(ndim - affine, ndim))
        out = self._affine(case, lambda x: jax.nn.standardize(x, axes, epsilon=eps, algorithm=self.algorithm),
                           case.shape("gamma"))
        out.update(not_applicable_fields(("mean", "var", "xhat"), _NO_STATISTICS))
        return out

    def groupnorm(self, case):
        eps, groups = case.param("eps"), case.int_param("groups")
        shape = case.shape("x")
        view = (1, -1) + (1,) * (len(shape) - 2)

        def normalize(x):
            grouped = x.reshape(shape[0], groups, -1)
            return jax.nn.standardize(grouped, -1, epsilon=eps, algorithm=self.algorithm).reshape(shape)

        out = self._affine(case, normalize, view)
        out.update(not_applicable_fields(("mean", "var", "xhat"), _NO_STATISTICS))
        return out


class JaxFast(JaxStandardize):
    name = "jax"
    title = "JAX, jax.nn.standardize (default algorithm=\"fast\")"
    algorithm = "fast"


class JaxStable(JaxStandardize):
    name = "jax-stable"
    title = "JAX, jax.nn.standardize(algorithm=\"stable\")"
    algorithm = "stable"
