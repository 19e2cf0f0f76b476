r"""A neural signaling policy :math:`\pi_\theta(g \mid c, x)` trained on Bai et al.'s Eq. (3).

Needs ``torch`` (the ``neural`` extra); importing :mod:`persuasion` does not
import it. The policy is a small MLP from a description of the input
:math:`x` (its prior and both utility matrices, flattened) to one row of
logits per item; the loss is Eq. (3) against a smooth (softmax) Receiver,
computed exactly (no sampling), so training is plain gradient descent and
fully deterministic on CPU for a given seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._validation import as_bool, as_int, as_real, check_size
from .game import PersuasionGame

if TYPE_CHECKING:
    import torch

__all__ = ["SignalingPolicy", "TrainingResult", "train_policy", "torch_advisor_value", "features"]


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - the lock installs torch
        raise ImportError("persuasion.neural needs torch: pip install 'persuasion[neural]'") from exc
    return torch


def features(games: Iterable[PersuasionGame]) -> np.ndarray:
    """One row per input: prior, receiver utility and Advisor utility, flattened.

    >>> from persuasion.game import prosecutor_game
    >>> features([prosecutor_game()])
    array([[0.7, 0.3, 1. , 0. , 0. , 1. , 0. , 0. , 1. , 1. ]])
    """
    if isinstance(games, (str, bytes, PersuasionGame)) or not hasattr(games, "__iter__"):
        raise TypeError(f"games must be a sequence of PersuasionGame; got {type(games).__name__}")
    games = list(games)
    if not games:
        raise ValueError("games must hold at least one input")
    if not isinstance(games[0], PersuasionGame):
        raise ValueError(f"games[0] must be a PersuasionGame; got {type(games[0]).__name__}")
    shape = games[0].receiver_utility.shape
    for i, g in enumerate(games):
        if not isinstance(g, PersuasionGame) or g.receiver_utility.shape != shape:
            raise ValueError(f"games[{i}] must be a PersuasionGame with utilities of shape {shape}")
    return np.stack([np.concatenate([g.prior, g.receiver_utility.ravel(), g.sender_utility.ravel()]) for g in games])


def torch_advisor_value(prior: torch.Tensor, u: torch.Tensor, v: torch.Tensor, scheme: torch.Tensor,
                        temperature: float) -> torch.Tensor:
    """Batched, differentiable Advisor value: shapes (B, n), (B, A, n), (B, A, n), (B, n, G) -> (B,).

    The prosecutor's optimal scheme against a noisy judge (temperature 0.05):
    at the posterior 1/2 the judge convicts only half the time, so the value
    is 0.6 / 2, as :func:`persuasion.protocol.advisor_value` finds:

    >>> import torch
    >>> from persuasion.game import prosecutor_game
    >>> from persuasion.protocol import advisor_value
    >>> game, scheme = prosecutor_game(), [[4 / 7, 3 / 7], [0.0, 1.0]]
    >>> batch = [torch.tensor(np.array(a, dtype=float))[None]
    ...          for a in (game.prior, game.receiver_utility, game.sender_utility, scheme)]
    >>> (
    ...     round(float(torch_advisor_value(*batch, temperature=0.05)[0]), 6),
    ...     round(advisor_value(game, scheme, 0.05), 6),
    ... )
    (0.3, 0.3)
    """
    torch = _torch()
    temperature = as_real(temperature, "temperature", low=0, low_open=True)
    joint = prior[:, :, None] * scheme  # (B, n, G)
    p_g = joint.sum(dim=1)  # (B, G)
    post = joint / p_g.clamp_min(1e-30)[:, None, :]  # (B, n, G)
    eu = torch.einsum("ban,bng->bga", u, post)  # receiver's expected utility per signal and response
    ev = torch.einsum("ban,bng->bga", v, post)
    # Log-sum-exp: subtract the best response's utility before dividing by a possibly tiny temperature.
    rho = torch.softmax((eu - eu.max(dim=-1, keepdim=True).values) / temperature, dim=-1)
    return (p_g * (rho * ev).sum(dim=-1)).sum(dim=-1)


class SignalingPolicy:
    """MLP: features of x -> ``scheme[c, g]`` (softmax over signals for each item).

    >>> from persuasion.game import prosecutor_game
    >>> policy = SignalingPolicy(n_features=10, n_items=2, n_signals=3, hidden=8, seed=0)
    >>> schemes = policy([prosecutor_game()])
    >>> schemes.shape, bool(np.allclose(schemes.sum(axis=-1), 1.0))
    ((1, 2, 3), True)
    """

    def __init__(self, n_features: int, n_items: int, n_signals: int, hidden: int, seed: int):
        torch = _torch()
        n_features, n_items, n_signals, hidden = (
            as_int(x, name, low=1)
            for x, name in ((n_features, "n_features"), (n_items, "n_items"), (n_signals, "n_signals"),
                            (hidden, "hidden"))
        )
        seed = as_int(seed, "seed", low=0, high=2**63 - 1)
        check_size("n_features, n_items * n_signals and hidden", (n_features + n_items * n_signals + 1) * hidden)
        gen = torch.Generator().manual_seed(seed)
        self.n_items, self.n_signals = n_items, n_signals
        self.net = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden),
            torch.nn.Tanh(),
            torch.nn.Linear(hidden, n_items * n_signals),
        ).double()
        with torch.no_grad():
            for p in self.net.parameters():
                p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype) * 0.3)

    def schemes(self, x: torch.Tensor) -> torch.Tensor:
        """Schemes for a batch of feature rows, shape (B, n_items, n_signals)."""
        logits = self.net(x).reshape(-1, self.n_items, self.n_signals)
        return _torch().softmax(logits, dim=-1)

    def __call__(self, games) -> np.ndarray:
        torch = _torch()
        with torch.no_grad():
            return self.schemes(torch.as_tensor(features(games))).numpy()


@dataclass
class TrainingResult:
    """The trained ``policy`` and the mean Advisor value after each step (``values``).

    >>> from persuasion.game import prosecutor_game
    >>> result = train_policy([prosecutor_game()], temperature=0.05, steps=5)
    >>> type(result.policy).__name__, result.values.shape
    ('SignalingPolicy', (5,))
    """

    policy: SignalingPolicy
    values: np.ndarray  # mean Advisor value (minus Eq. 3) after each step, shape (steps,)


def train_policy(games: Iterable[PersuasionGame], temperature: float, *, n_signals: int = 2, hidden: int = 32,
                 steps: int = 1500, lr: float = 0.02, seed: int = 0, entropy: float = 0.0,
                 progress: bool = False) -> TrainingResult:
    r"""Minimise Eq. (3) over the inputs ``games`` against a Receiver at ``temperature`` (> 0) with Adam.

    ``entropy`` > 0 adds a bonus ``entropy * (1 - step / (steps / 2))`` times the
    mean entropy of :math:`\pi_\theta(\cdot \mid c)` during the first half of
    training (zero afterwards). It keeps the softmax away from saturation,
    where the gradient towards a better pooling vanishes. ``values`` records
    the Advisor value alone.

    >>> from persuasion.game import prosecutor_game
    >>> result = train_policy([prosecutor_game()], temperature=0.05, steps=20)
    >>> result.policy([prosecutor_game()]).shape, result.values.shape
    ((1, 2, 2), (20,))
    """
    torch = _torch()
    temperature = as_real(temperature, "temperature")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0 for gradient training (softmax Receiver); got {temperature!r}")
    steps = as_int(steps, "steps")
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    entropy = as_real(entropy, "entropy")
    if entropy < 0:
        raise ValueError(f"entropy must be >= 0; got {entropy}")
    n_signals = as_int(n_signals, "n_signals", low=1)
    hidden = as_int(hidden, "hidden", low=1)
    lr = as_real(lr, "lr", low=0, low_open=True)
    seed = as_int(seed, "seed", low=0, high=2**63 - 1)
    progress = as_bool(progress, "progress")
    if isinstance(games, (str, bytes, PersuasionGame)) or not hasattr(games, "__iter__"):
        raise TypeError(f"games must be a sequence of PersuasionGame; got {type(games).__name__}")
    games = list(games)
    x = torch.as_tensor(features(games))
    prior = torch.as_tensor(np.stack([g.prior for g in games]))
    u = torch.as_tensor(np.stack([g.receiver_utility for g in games]))
    v = torch.as_tensor(np.stack([g.sender_utility for g in games]))
    policy = SignalingPolicy(x.shape[1], games[0].n_states, n_signals, hidden, seed)
    opt = torch.optim.Adam(policy.net.parameters(), lr=lr)
    values = np.empty(steps)
    from tqdm import tqdm

    for step in tqdm(range(steps), disable=not progress, desc="training"):
        opt.zero_grad()
        schemes = policy.schemes(x)
        value = torch_advisor_value(prior, u, v, schemes, temperature).mean()
        weight = entropy * max(0.0, 1.0 - step / (steps / 2))
        bonus = -(schemes * torch.log(schemes.clamp_min(1e-30))).sum(dim=-1).mean() if weight else 0.0
        (-value - weight * bonus).backward()  # Eq. (3), plus the annealed entropy bonus
        opt.step()
        values[step] = float(value.detach())
    return TrainingResult(policy=policy, values=values)
