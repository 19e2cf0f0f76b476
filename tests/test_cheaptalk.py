from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from persuasion.cheaptalk import (
    cheap_talk_utilities,
    commitment_utilities,
    indifference_gaps,
    max_partition_size,
    numerical_utilities,
    partition_boundaries,
)


def test_known_values():
    # b >= 1/4: only babbling (N = 1); Receiver loses the variance 1/12.
    assert max_partition_size(0.25) == 1 and max_partition_size(0.3) == 1
    assert cheap_talk_utilities(0.3, 1) == pytest.approx((-1 / 12, -1 / 12 - 0.09))
    # b = 0.1: N(b) = 2 with boundary a_1 = 1/2 - 2b = 0.3.
    np.testing.assert_allclose(partition_boundaries(0.1, 2), [0, 0.3, 1])
    # Just below 1/12, three intervals become possible (2 b N (N - 1) < 1 with N = 3); at 1/12 exactly, two.
    assert max_partition_size(1 / 12 - 1e-9) == 3 and max_partition_size(Fraction(1, 12)) == 2
    # The float nearest 1/12 lies below 1/12, so three intervals exist there (barely).
    assert Fraction(1 / 12) < Fraction(1, 12) and max_partition_size(1 / 12) == 3
    assert partition_boundaries(1 / 12, 3)[1] > 0


def _largest_by_search(b: Fraction) -> int:
    """The largest n with 2 b n (n - 1) < 1, by counting up in exact arithmetic."""
    n = 1
    while 2 * b * (n + 1) * n < 1:
        n += 1
    return n


@pytest.mark.parametrize("N", range(2, 60))
def test_closed_form_is_exact_at_every_boundary(N):
    # At b = 1/(2N(N-1)) exactly, N intervals are not an equilibrium (strict condition), N - 1 are.
    edge = Fraction(1, 2 * N * (N - 1))
    assert max_partition_size(edge) == _largest_by_search(edge) == N - 1
    tiny = Fraction(1, 10**15)
    assert max_partition_size(edge - tiny) == _largest_by_search(edge - tiny) == N
    assert max_partition_size(edge + tiny) == _largest_by_search(edge + tiny) == N - 1
    # The nearest float, whichever side of the boundary it lies on, is handled at its exact value.
    as_float = 2 * N * (N - 1)
    assert max_partition_size(1 / as_float) == _largest_by_search(Fraction(1 / as_float))


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-4, 1.0))
def test_maximal_size_is_the_largest_increasing_partition(b):
    n = max_partition_size(b)
    exact = Fraction(b)
    assert 2 * exact * n * (n - 1) < 1
    assert 2 * exact * (n + 1) * n >= 1
    assert n == _largest_by_search(exact)
    assert (np.diff(partition_boundaries(b, n)) > 0).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-3, 0.5), st.data())
def test_closed_forms_match_integration_and_indifference(b, data):
    N = data.draw(st.integers(1, max_partition_size(b)))
    a = partition_boundaries(b, N)
    assert (np.diff(a) > 0).all()
    np.testing.assert_allclose(indifference_gaps(b, N), 0.0, atol=1e-12)
    np.testing.assert_allclose(numerical_utilities(b, N), cheap_talk_utilities(b, N), atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-3, 0.5))
def test_more_intervals_help_both_and_commitment_helps_the_receiver(b):
    values = [cheap_talk_utilities(b, N) for N in range(1, max_partition_size(b) + 1)]
    rec = [v[0] for v in values]
    assert all(x <= y + 1e-15 for x, y in zip(rec, rec[1:]))
    rec_c, snd_c = commitment_utilities(b)
    assert rec_c >= rec[-1] and snd_c >= values[-1][1]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: max_partition_size(0.0), r"b \(the Sender's bias\) must be a finite number > 0; got 0.0"),
        (lambda: max_partition_size(-1), "must be a finite number > 0"),
        (lambda: partition_boundaries(0.1, 3), r"N must be at most N\(b\) = 2 for b = 0.1"),
        (lambda: partition_boundaries(0.1, 0), "N .* must be a positive integer; got 0"),
        (lambda: cheap_talk_utilities(0.1, 1.5), "positive integer"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: max_partition_size("0.1"),
            TypeError,
            r"b \(the Sender's bias\) must be a real number > 0; got str: '0.1'",
        ),
        (lambda: max_partition_size("x"), TypeError, "got str"),
        (lambda: max_partition_size(True), TypeError, "got bool: True"),
        (lambda: max_partition_size(None), TypeError, "got NoneType"),
        (lambda: max_partition_size(float("nan")), ValueError, "finite number > 0; got nan"),
        (lambda: max_partition_size(float("inf")), ValueError, "finite number > 0; got inf"),
        (lambda: commitment_utilities("0.1"), TypeError, "got str"),
        (lambda: commitment_utilities(1e200), ValueError, r"at most 1e150 \(b\^2 must be a float\); got 1e\+200"),
        (lambda: cheap_talk_utilities(0.1, True), TypeError, r"N \(the number of intervals\) .*got bool: True"),
        (lambda: cheap_talk_utilities(0.1, "1"), TypeError, "got str"),
        (lambda: cheap_talk_utilities(0.1, float("nan")), ValueError, "positive integer; got nan"),
        (lambda: partition_boundaries(1e-320, 10**7), ValueError, "at most 1000000; got 10000000"),
        (lambda: partition_boundaries(Fraction(10**400), 2), ValueError, r"N must be at most N\(b\) = 1 for b = 1000"),
    ],
)
def test_garbage_is_refused_with_the_argument_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_tiny_and_exact_biases_answer_exactly():
    # 1e-320 is a subnormal float; its exact value gives a huge but exact N(b) (no overflow).
    n = max_partition_size(1e-320)
    exact = Fraction(1e-320)
    assert 2 * exact * n * (n - 1) < 1 <= 2 * exact * (n + 1) * n
    assert max_partition_size(np.float64(0.1)) == max_partition_size(0.1) == 2
    assert max_partition_size(np.int64(1)) == max_partition_size(1) == 1
    assert max_partition_size(10**400) == 1
    assert cheap_talk_utilities(0.1, 2.0) == cheap_talk_utilities(0.1, 2)
