r"""Evaluation helpers for the Advisor/Receiver experiments (Bai et al. §4).

* :func:`arpi`: Average Relative Performance Improvement, Bai et al. Eq. (7):
  :math:`\mathrm{ARPI}(A \mid B) = \frac1N \sum_{i=1}^N \frac{R_i(A) - R_i(B)}{L_i(A) - L_i(B)}`
  over :math:`N` Receivers, with :math:`R` a performance and :math:`L` a prompt
  length in tokens.
* :func:`paired_bootstrap`: a percentile confidence interval for the mean of
  paired differences (e.g. Posterior − Prior on the same inputs), seeded.

>>> arpi([0.5, 0.6], [0.4, 0.4], [120, 130], [100, 100])
0.005833333333333333
"""

from __future__ import annotations

import numpy as np

from .._validation import as_finite_array

__all__ = ["arpi", "arpi_bootstrap", "arpi_difference_bootstrap", "paired_bootstrap", "mean_ci", "structure_utilities", "structure_correct"]


def arpi(perf_a, perf_b, len_a, len_b) -> float:
    """Eq. (7): mean over Receivers of (performance gain) / (prompt-length increase)."""
    arrays = [as_finite_array(x, name, ndim=1) for x, name in
              ((perf_a, "perf_a"), (perf_b, "perf_b"), (len_a, "len_a"), (len_b, "len_b"))]
    n = arrays[0].size
    for arr, name in zip(arrays, ("perf_a", "perf_b", "len_a", "len_b")):
        if arr.size != n:
            raise ValueError(f"{name} must have one entry per Receiver ({n}); got {arr.size}")
    ra, rb, la, lb = arrays
    dl = la - lb
    if np.any(dl == 0):
        i = int(np.flatnonzero(dl == 0)[0])
        raise ValueError(f"len_a and len_b must differ for every Receiver (Eq. 7 divides by the difference); equal at index {i}")
    return float(np.mean((ra - rb) / dl))


def paired_bootstrap(a, b, *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(mean of a − b, lower, upper): percentile bootstrap over paired items."""
    a = as_finite_array(a, "a", ndim=1)
    b = as_finite_array(b, "b", ndim=1)
    if a.size != b.size:
        raise ValueError(f"a and b must be paired (same length); got {a.size} and {b.size}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100; got {n_boot}")
    d = a - b
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(n_boot, d.size))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(d.mean()), float(lo), float(hi)


def mean_ci(x, *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): percentile bootstrap interval for the mean of ``x``."""
    x = as_finite_array(x, "x", ndim=1)
    return paired_bootstrap(x, np.zeros_like(x), n_boot=n_boot, level=level, seed=seed)


def _receivers_by_inputs(arrays: dict, level: float, n_boot: int) -> list[np.ndarray]:
    """The named arrays as finite (n_receivers, n_inputs) arrays of one shape; bootstrap settings checked."""
    out = [as_finite_array(x, name, ndim=2) for name, x in arrays.items()]
    shape = out[0].shape
    for arr, name in zip(out, arrays):
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape} (receivers x inputs); got {arr.shape}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100; got {n_boot}")
    return out


def arpi_bootstrap(perf_a, perf_b, len_a, len_b, *, n_boot: int = 10_000, level: float = 0.95,
                   seed: int = 0) -> tuple[float, float, float]:
    """ARPI (Eq. 7) from per-input results, with a percentile bootstrap interval.

    Each argument has shape ``(n_receivers, n_inputs)``: performance and prompt
    length of every Receiver on the same inputs. R and L are means over the
    inputs; the inputs are resampled jointly for all Receivers.
    """
    ra, rb, la, lb = _receivers_by_inputs(dict(perf_a=perf_a, perf_b=perf_b, len_a=len_a, len_b=len_b), level, n_boot)
    shape = ra.shape
    point = arpi(ra.mean(1), rb.mean(1), la.mean(1), lb.mean(1))
    idx = np.random.default_rng(seed).integers(0, shape[1], size=(n_boot, shape[1]))
    # (n_boot, n_receivers): resampled means of the differences, then Eq. 7 per draw.
    dr = (ra - rb)[:, idx].mean(-1).T
    dl = (la - lb)[:, idx].mean(-1).T
    if np.any(dl == 0):
        raise ValueError("a resampled prompt-length difference is zero; the lengths of A and B must differ")
    draws = (dr / dl).mean(1)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return point, float(lo), float(hi)


def arpi_difference_bootstrap(perf_a, perf_c, perf_b, len_a, len_c, len_b, *, n_boot: int = 10_000,
                              level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """ARPI(A | B) − ARPI(C | B) (Eq. 7) with a percentile bootstrap interval.

    Arguments have shape ``(n_receivers, n_inputs)``, as in :func:`arpi_bootstrap`;
    the inputs are resampled jointly for every Receiver and both ARPIs.
    """
    ra, rc, rb, la, lc, lb = _receivers_by_inputs(
        dict(perf_a=perf_a, perf_c=perf_c, perf_b=perf_b, len_a=len_a, len_c=len_c, len_b=len_b), level, n_boot)
    shape = ra.shape
    point = arpi(ra.mean(1), rb.mean(1), la.mean(1), lb.mean(1)) - arpi(rc.mean(1), rb.mean(1), lc.mean(1), lb.mean(1))
    idx = np.random.default_rng(seed).integers(0, shape[1], size=(n_boot, shape[1]))

    def draws(r, length):
        dl = (length - lb)[:, idx].mean(-1).T
        if np.any(dl == 0):
            raise ValueError("a resampled prompt-length difference is zero; the lengths must differ from B's")
        return ((r - rb)[:, idx].mean(-1).T / dl).mean(1)

    lo, hi = np.quantile(draws(ra, la) - draws(rc, lc), [(1 - level) / 2, (1 + level) / 2])
    return float(point), float(lo), float(hi)


def structure_utilities(table, policy) -> dict[str, np.ndarray]:
    """Per-input expected utility of the four structures from a utility table.

    ``prior``: an item drawn uniformly (the prior over items); ``posterior``:
    an item drawn from ``policy`` (shape (n_inputs, n_items), rows summing to 1).
    """
    pi = as_finite_array(policy, "policy", ndim=2)
    if pi.shape != table.items.shape:
        raise ValueError(f"policy must have shape {table.items.shape} (inputs x items); got {pi.shape}")
    if np.abs(pi.sum(axis=1) - 1).max() > 1e-6 or (pi < -1e-12).any():
        raise ValueError("policy rows must be probability distributions over the items")
    return {
        "no information": table.none,
        "all information": table.all,
        "prior information": table.items.mean(axis=1),
        "posterior information": (pi * table.items).sum(axis=1),
    }


def structure_correct(receiver, problems, items: dict, prior_choice, posterior_choice, *, max_new_tokens: int = 32,
                      batch_size: int = 8) -> dict[str, np.ndarray]:
    """0/1 correctness of the Receiver's greedy answer under each structure (GSM8K metric: last number).

    ``prior_choice`` / ``posterior_choice``: the item shown to each input.
    """
    from .prompts import build_prompt
    from .receiver import generate
    from .tasks import extract_last_number

    problems = list(problems)
    n = len(problems)
    if len(prior_choice) != n or len(posterior_choice) != n:
        raise ValueError(f"prior_choice and posterior_choice need one item per problem ({n})")
    out = {}
    for name, choice in (
        ("no information", [None] * n),
        ("all information", [None] * n),
        ("prior information", list(prior_choice)),
        ("posterior information", list(posterior_choice)),
    ):
        prompts = [
            build_prompt(receiver.tokenizer, p.question, items[p.id], name, item=None if c is None else int(c), chat=receiver.chat)
            for p, c in zip(problems, choice)
        ]
        texts = generate(receiver, prompts, max_new_tokens=max_new_tokens, stop=("\n",), batch_size=batch_size)
        out[name] = np.array([extract_last_number(t) == p.answer for t, p in zip(texts, problems)], dtype=float)
    return out
