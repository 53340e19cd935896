"""The frameworks conformance/run.py can measure, by name; each imported only when asked for."""

import importlib

# name → (module, class, what must be importable)
ADAPTERS = {
    "numpy": ("numpy_textbook", "NumpyTextbook", "numpy"),
    "torch-f64": ("torch_cpu", "TorchFloat64", "torch"),
    "torch-f32": ("torch_cpu", "TorchFloat32", "torch"),
    "onnxruntime": ("onnxruntime_cpu", "OnnxRuntime", "onnxruntime"),
    "jax": ("jax_cpu", "JaxFast", "jax"),
    "jax-stable": ("jax_cpu", "JaxStable", "jax"),
}


def load(name):
    """An adapter instance by name; ImportError when its framework is not installed."""
    module, cls, _ = ADAPTERS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)()
