r"""The Advisor: a signaling policy :math:`\pi_\theta(c \mid x)` over an input's items, trained on Eq. (3).

The backbone is the all-MiniLM-L6-v2 sentence encoder (frozen): the
question and each item are embedded once (mean pooling, unit norm). A small
trainable head scores each item from ``[q, c, q * c]``; the policy is the
softmax of the scores over the input's items. Training minimises Bai et
al.'s Eq. (3) on a utility table,

.. math::

    \mathcal L(\theta) = -\frac1N \sum_x \sum_c \pi_\theta(c \mid x)\, \big(v(x, c) - \bar v(x)\big),

where :math:`v(x, c)` is the Receiver's log-probability of the reference
answer after item :math:`c`; subtracting the per-input mean :math:`\bar v(x)`
leaves the gradient unchanged (the probabilities sum to one) and keeps the
scale comparable across inputs.

The experiment's Advisor stage, :func:`train_advisors`, reads every
input's embeddings (its question and items, embedded in one batch by
:func:`~persuasion.llm.encoder.embed_rows`) and trains, per Receiver, one
Advisor on the training inputs and one on the easy training inputs only,
each with early stopping on validation inputs: :class:`Advisors`. The
embeddings are not cached: they take seconds where the Receivers' scores
take minutes, and the stage's output is kept whole by the pipeline
(:func:`~persuasion.llm.experiment.run_stage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .cache import decode, encode
from .config import ExperimentConfig
from .tasks import Inputs
from .utilities import Utilities

if TYPE_CHECKING:
    import torch

__all__ = ["AdvisorHead", "AdvisorResult", "train_advisor", "eq3_lower_bound", "Advisors", "train_advisors"]


class AdvisorHead:
    """Scores ``[q, c, q * c] -> hidden -> 1`` for every item; ``policy`` is their softmax.

    An untrained head (small random weights) is close to uniform over each input's items:

    >>> rng = np.random.default_rng(0)
    >>> head = AdvisorHead(dim=4, hidden=8, seed=0)
    >>> # 2 inputs, 3 items each
    >>> pi = head.policy(rng.normal(size=(2, 4)), rng.normal(size=(2, 3, 4)))
    >>> pi.shape, pi.sum(axis=1).round(12)
    ((2, 3), array([1., 1.]))
    >>> pi.round(3)
    array([[0.327, 0.341, 0.332],
           [0.341, 0.328, 0.331]])
    """

    def __init__(self, dim: int, hidden: int = 64, seed: int = 0):
        import torch

        gen = torch.Generator().manual_seed(seed)
        self.net = torch.nn.Sequential(torch.nn.Linear(3 * dim, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 1))
        with torch.no_grad():
            for p in self.net.parameters():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.05)

    def logits(self, q: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        import torch

        qq = q[:, None, :].expand_as(c)
        return self.net(torch.cat([qq, c, qq * c], dim=-1)).squeeze(-1)

    def policy(self, q_emb: ArrayLike, item_emb: ArrayLike) -> np.ndarray:
        """pi(c | x), shape (n_inputs, n_items)."""
        import torch

        with torch.no_grad():
            q, c = (torch.as_tensor(x, dtype=torch.float32) for x in (q_emb, item_emb))
            lg = self.logits(q, c)
        # softmax in float64, so that rows sum to 1 to machine precision (expected utilities
        # of ~100 nats would otherwise carry float32 errors of 1e-5)
        return torch.softmax(lg.double(), dim=-1).numpy()


@dataclass
class AdvisorResult:
    """What :func:`train_advisor` returns: the trained head, the loss curves and the step kept.

    >>> rng = np.random.default_rng(0)
    >>> q, c = rng.normal(size=(4, 8)), rng.normal(size=(4, 3, 8))
    >>> result = train_advisor((q, c, c[:, :, 0]), (q, c, c[:, :, 0]), steps=20)
    >>> result.train_loss.shape, result.val_loss.shape, result.best_step
    ((20,), (20,), 19)
    """

    head: AdvisorHead
    train_loss: np.ndarray  # Eq. (3) on the training inputs after each step (centred utilities)
    val_loss: np.ndarray  # ... on the validation inputs
    best_step: int  # the step whose head is kept (lowest validation loss) when keep_best=True; else the last


def _check(q_emb, item_emb, utilities, name):
    q = np.asarray(q_emb, dtype=np.float32)
    c = np.asarray(item_emb, dtype=np.float32)
    v = np.asarray(utilities, dtype=np.float64)
    if q.ndim != 2 or c.ndim != 3 or v.ndim != 2:
        raise ValueError(
            f"{name}: need question embeddings (n, d), item embeddings (n, k, d) and utilities (n, k); "
            f"got shapes {q.shape}, {c.shape}, {v.shape}"
        )
    if not (q.shape[0] == c.shape[0] == v.shape[0] and c.shape[1] == v.shape[1] and q.shape[1] == c.shape[2]):
        raise ValueError(f"{name}: shapes do not agree: {q.shape}, {c.shape}, {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError(f"{name}: utilities must be finite")
    return q, c, v


def eq3_lower_bound(utilities: ArrayLike) -> float:
    r"""The smallest value of the centred Eq. (3) over *all* policies:
    :math:`-\frac1N\sum_x (\max_c v(x,c) - \bar v(x))`.

    It is attained by putting all mass on a best item of every input, so no
    Advisor, however trained, has a lower loss on the same inputs.

    >>> eq3_lower_bound([[0.0, -2.0], [-1.0, -1.0]])
    -0.5
    """
    from .._validation import as_finite_array

    v = as_finite_array(utilities, "utilities", ndim=2)
    return float(-(v.max(axis=1) - v.mean(axis=1)).mean())


def train_advisor(train: tuple[ArrayLike, ArrayLike, ArrayLike], val: tuple[ArrayLike, ArrayLike, ArrayLike], *,
                  steps: int = 500, lr: float = 1e-2, hidden: int = 64, seed: int = 0, keep_best: bool = False,
                  progress: bool = False) -> AdvisorResult:
    """Adam on Eq. (3). ``train`` and ``val`` are ``(q_emb, item_emb, utilities)`` triples.

    The validation inputs are only evaluated, never trained on; with
    ``keep_best`` the head of the step with the lowest validation loss is
    returned (early stopping on validation inputs, never on test inputs).

    Inputs whose best item is the one with the largest first coordinate: the
    training loss falls to the bound of :func:`eq3_lower_bound`, and the head
    picks the best item of most validation inputs.

    >>> rng = np.random.default_rng(0)
    >>> # question embeddings (n, 4), item embeddings (n, 3, 4), utilities (n, 3)
    >>> def part(n):
    ...     q, c = rng.normal(size=(n, 4)), rng.normal(size=(n, 3, 4))
    ...     return q, c, 2 * c[:, :, 0]
    >>> train, val = part(20), part(10)
    >>> result = train_advisor(train, val, steps=50, lr=0.1, keep_best=True)
    >>> first, last = result.train_loss[0], result.train_loss[-1]
    >>> print(f"{first:.2f} {last:.2f} {eq3_lower_bound(train[2]):.2f}")
    0.02 -1.66 -1.66
    >>> result.best_step
    16
    >>> pi = result.head.policy(val[0], val[1])
    >>> float(np.mean(pi.argmax(axis=1) == val[2].argmax(axis=1)))
    0.8
    """
    import copy

    import torch
    from tqdm.auto import tqdm

    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    qt, ct, vt = _check(*train, "train")
    qv, cv, vv = _check(*val, "val")
    torch.manual_seed(seed)
    head = AdvisorHead(qt.shape[1], hidden, seed)
    opt = torch.optim.Adam(head.net.parameters(), lr=lr)
    tq, tc = torch.as_tensor(qt), torch.as_tensor(ct)
    vq, vc = torch.as_tensor(qv), torch.as_tensor(cv)
    tv = torch.as_tensor(vt - vt.mean(axis=1, keepdims=True), dtype=torch.float32)
    vvc = torch.as_tensor(vv - vv.mean(axis=1, keepdims=True), dtype=torch.float32)
    train_loss, val_loss = np.empty(steps), np.empty(steps)
    best, best_state = np.inf, None
    for step in tqdm(range(steps), desc="training the Advisor", disable=not progress):
        opt.zero_grad()
        loss = -(torch.softmax(head.logits(tq, tc), dim=-1) * tv).sum(-1).mean()
        loss.backward()
        opt.step()
        train_loss[step] = float(loss.detach())
        with torch.no_grad():
            val_loss[step] = float(-(torch.softmax(head.logits(vq, vc), dim=-1) * vvc).sum(-1).mean())
        if keep_best and val_loss[step] < best:
            best, best_state = val_loss[step], copy.deepcopy(head.net.state_dict())
    best_step = steps - 1
    if keep_best:
        head.net.load_state_dict(best_state)
        best_step = int(np.argmin(val_loss))
    return AdvisorResult(head=head, train_loss=train_loss, val_loss=val_loss, best_step=best_step)


# -- the Advisor stage -------------------------------------------------------------------


@dataclass
class Advisors:
    """The Advisor stage's output, per Advisor (a Receiver's name, or ``"<name> (easy)"``).

    ``curves``: Eq. (3) on training and validation inputs after each step, the
    step kept and the numbers of inputs; ``policies``: the kept head's policy
    over the items of every input (rows: :attr:`Inputs.problems <persuasion.llm.tasks.Inputs>`),
    for the first seed; ``seed_policies``: shape ``(advisor_seeds, n_inputs, 7)``,
    the policy of every seed (the first is ``policies``).

    :func:`train_advisors` builds one; by hand, and through plain JSON data and back:

    >>> advisors = Advisors(
    ...     curves={
    ...         "R": {
    ...             "train": np.array([0.0, -0.5]),
    ...             "val": np.array([0.0, -0.25]),
    ...             "best_step": 1,
    ...         }
    ...     },
    ...     policies={"R": np.full((2, 7), 1 / 7)},
    ... )
    >>> advisors.to_dict()["curves"]["R"]["val"]
    {'__ndarray__': '<f8', 'shape': [2], 'data': [0.0, -0.25]}
    >>> again = Advisors.from_dict(advisors.to_dict())
    >>> again.policies["R"].shape, again.curves["R"]["best_step"]
    ((2, 7), 1)
    """

    curves: dict
    policies: dict[str, np.ndarray]
    seed_policies: dict[str, np.ndarray] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return encode({"curves": self.curves, "policies": self.policies, "seed_policies": self.seed_policies})

    @classmethod
    def from_dict(cls, data: dict) -> Advisors:
        data = decode(data)
        return cls(data["curves"], data["policies"], data["seed_policies"])


def train_advisors(config: ExperimentConfig, inputs: Inputs, embeddings: ArrayLike, utilities: Utilities, *,
                   progress: bool = True) -> Advisors:
    """The Advisor stage: per Receiver of ``utilities``, an Advisor trained on its table (Eq. 3), and one more
    trained on the easy inputs only; ``config`` gives the steps, learning rate, hidden width and seed.

    ``embeddings``: shape (inputs, 1 + items, dim), each input's question and
    then its items, in the order of ``inputs.problems`` (as
    :func:`~persuasion.llm.encoder.embed_rows` gives them).

    Each is trained ``config.advisor_seeds`` times, from seeds ``config.seed + 1000 k``: the curves are the
    first seed's, and every seed's policy is kept (``seed_policies``).

    The six synthetic inputs of the smoke scale, seven short items each
    embedded by the tiny random encoder of :mod:`persuasion.llm.toy`, and
    random numbers in place of a Receiver's utilities; ten steps, one seed:

    >>> from persuasion.llm.config import config_for
    >>> from persuasion.llm.encoder import embed_rows
    >>> from persuasion.llm.tasks import draw_inputs
    >>> from persuasion.llm.toy import toy_encoder
    >>> from persuasion.llm.utilities import UtilityTable
    >>> config = config_for("synthetic", "smoke", steps=10, advisor_seeds=1)
    >>> inputs = draw_inputs(config)
    >>> ids = [p.id for p in inputs.problems]
    >>> facts = [f"Fact {k}: {k} + {k} = {2 * k}." for k in range(1, 8)]
    >>> embeddings = embed_rows(
    ...     [[p.question, *facts] for p in inputs.problems], toy_encoder()
    ... )
    >>> v, tokens = (
    ...     np.random.default_rng(0).normal(-10, 1, size=(6, 7)),
    ...     np.full((6, 7), 100),
    ... )
    >>> table = UtilityTable(
    ...     tuple(ids), v, v.mean(axis=1), v.max(axis=1), tokens, tokens[:, 0], tokens[:, 0]
    ... )
    >>> advisors = train_advisors(
    ...     config, inputs, embeddings, Utilities({"R": table}, {}), progress=False
    ... )
    >>> (
    ...     sorted(advisors.policies),
    ...     advisors.policies["R"].shape,
    ...     advisors.seed_policies["R"].shape,
    ... )
    (['R', 'R (easy)'], (6, 7), (1, 6, 7))
    >>> {
    ...     name: (c["n_train"], c["n_val"], c["best_step"])
    ...     for name, c in advisors.curves.items()
    ... }
    {'R': (3, 1, 0), 'R (easy)': (2, 1, 6)}
    """
    emb = np.asarray(embeddings, dtype=np.float32)
    if emb.ndim != 3 or emb.shape[0] != len(inputs.problems) or emb.shape[1] < 2:
        raise ValueError(f"embeddings must have shape ({len(inputs.problems)}, 1 + items, dim), a question and its "
                         f"items per input; got {emb.shape}")
    q_emb, c_emb = emb[:, 0], emb[:, 1:]

    def features(part, values):
        rows = inputs.rows[part]
        return q_emb[rows], c_emb[rows], values[rows]

    curves, policies, seed_policies = {}, {}, {}
    for name, table in utilities.tables.items():
        for label, train, val in ((name, "train", "val"), (f"{name} (easy)", "easy_train", "easy_val")):
            runs = [train_advisor(features(train, table.items), features(val, table.items), steps=config.steps,
                                  lr=config.lr, hidden=config.hidden, seed=config.seed + 1000 * k, keep_best=True,
                                  progress=progress and k == 0)
                    for k in range(config.advisor_seeds)]
            res = runs[0]
            curves[label] = {"train": res.train_loss, "val": res.val_loss, "best_step": res.best_step,
                             "n_train": len(inputs.rows[train]), "n_val": len(inputs.rows[val])}
            seed_policies[label] = np.stack([r.head.policy(q_emb, c_emb) for r in runs])
            policies[label] = seed_policies[label][0]
    return Advisors(curves, policies, seed_policies)
