"""Training, evaluation and export of the genre model. The only package that imports TensorFlow."""
