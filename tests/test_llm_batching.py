"""Packing prompts into batches (``persuasion.llm.batching``): no model is loaded here."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from persuasion.llm.batching import _pack, _units


@st.composite
def units_and_widths(draw):
    n_units = draw(st.integers(1, 12))
    sizes = draw(st.lists(st.integers(1, 6), min_size=n_units, max_size=n_units))
    rows = iter(range(sum(sizes)))
    units = [([next(rows) for _ in range(k)], draw(st.integers(0, 5))) for k in sizes]
    widths = draw(st.lists(st.integers(1, 2000), min_size=sum(sizes), max_size=sum(sizes)))
    units.sort(key=lambda u: max(widths[k] for k in u[0]))  # the order _units gives them
    return units, widths, draw(st.integers(1, 9))


@given(units_and_widths())
def test_batches_hold_every_row_once_and_no_row_much_longer_than_the_first(case):
    units, widths, size = case
    batches = _pack(units, size, widths)
    rows = [k for batch in batches for piece, _ in batch for k in piece]
    assert rows == [k for unit, _ in units for k in unit]  # every row once, in order
    for batch in batches:
        assert sum(len(piece) for piece, _ in batch) <= size
        first = max(widths[k] for k in batch[0][0])
        assert all(widths[k] <= 2 * first + 16 for piece, _ in batch for k in piece)
    # greedy: each batch ends only because the next piece would break a rule
    for batch, after in zip(batches, batches[1:]):
        piece = after[0][0]
        first = max(widths[k] for k in batch[0][0])
        too_many = sum(len(p) for p, _ in batch) + len(piece) > size
        too_long = max(widths[k] for k in piece) > 2 * first + 16
        assert too_many or too_long


def test_short_and_long_prompts_of_a_block_go_to_separate_batches():
    """Eight short prompts sharing a prefix, two short loners and two prompts six times longer (all items)."""
    shared = list(range(100, 160))
    seqs = [shared + [1000 + i, 2000 + i] for i in range(8)]  # an input's one-item prompts
    seqs += [[5000 + j for j in range(70)], [6000 + j for j in range(75)]]  # prompts of other inputs
    seqs += [[7000 + j for j in range(400)], [8000 + j for j in range(420)]]  # all-information prompts
    batches = _pack(_units(seqs, [0] * len(seqs)), 32, [len(s) for s in seqs])
    assert [sorted(k for piece, _ in b for k in piece) for b in batches] == [list(range(10)), [10, 11]]
