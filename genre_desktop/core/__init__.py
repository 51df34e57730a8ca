"""Pure-Python core: no Qt, no TensorFlow (only core.training imports TensorFlow)."""
