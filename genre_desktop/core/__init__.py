"""Pure-Python core: no Qt, no TensorFlow (the training code lives beside it, in genre_desktop.training)."""
