"""Hypothesis strategies for persuasion games."""

import numpy as np
from hypothesis import strategies as st

from persuasion import PersuasionGame


@st.composite
def distributions(draw, n):
    """A probability vector of length n, possibly with zeros."""
    raw = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n).filter(lambda xs: sum(xs) > 0))
    arr = np.array(raw, dtype=float)
    return arr / arr.sum()


@st.composite
def games(draw, max_states=4, max_actions=5, integer=False):
    """Games with small integer utilities (ties happen) or normal ones."""
    n_s = draw(st.integers(1, max_states))
    n_a = draw(st.integers(1, max_actions))
    prior = draw(distributions(n_s))
    if integer:
        entries = st.integers(-3, 3).map(float)
    else:
        entries = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=32).map(lambda x: round(x, 3))
    u = np.array(draw(st.lists(entries, min_size=n_s * n_a, max_size=n_s * n_a))).reshape(n_a, n_s)
    v = np.array(draw(st.lists(entries, min_size=n_s * n_a, max_size=n_s * n_a))).reshape(n_a, n_s)
    return PersuasionGame(prior, u, v)
