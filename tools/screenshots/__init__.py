"""`make screenshots`: the README's PNGs from the real app on generated music."""
