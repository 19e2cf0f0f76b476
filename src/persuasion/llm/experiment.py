r"""Bai et al.'s experiment as a pipeline of six stages, for one task and one or more Receivers.

1. ``data``: draw the inputs (seeded): training and validation inputs from
   the task's training split, test inputs from its test split:
   :func:`~persuasion.llm.tasks.draw_inputs`, an :class:`~persuasion.llm.tasks.Inputs`;
2. ``items``: the seven items of each input, solved problems retrieved from
   the training split (:func:`~persuasion.llm.tasks.retrieval_pool`):
   :func:`~persuasion.llm.items.build_items`,
   :class:`~persuasion.llm.items.Items`;
3. ``utilities``: every input's utility table :math:`v(x, c)` under every
   Receiver: :func:`~persuasion.llm.utilities.score_utilities`,
   :class:`~persuasion.llm.utilities.Utilities`;
4. ``advisor``: each input's question and items embedded by the Advisor's
   encoder (:func:`~persuasion.llm.encoder.embed_rows`), then one Advisor
   per Receiver trained on the training inputs (Eq. 3) with early stopping
   on the validation inputs, and one more on the *easy* training inputs
   only: :func:`~persuasion.llm.advisor.train_advisors`,
   :class:`~persuasion.llm.advisor.Advisors`;
5. ``evaluate``: six information structures on the test inputs, by expected
   utility and by the accuracy of the greedy answer (math: the last number;
   code: pass@1 in the sandbox), in three steps: the draws, the generations
   (:func:`~persuasion.llm.generation.generate_blocks`) and the judging
   (:func:`~persuasion.llm.answers.is_correct`):
   :func:`~persuasion.llm.evaluate.evaluate_structures`,
   :class:`~persuasion.llm.evaluate.Evaluation`;
6. ``report``: everything gathered into one result with its summaries:
   :func:`~persuasion.llm.results.task_result`, a
   :class:`~persuasion.llm.results.TaskResult` (its files:
   :func:`~persuasion.llm.report.write_report`).

:func:`run_stages` is the pipeline: it runs the stages in order, each a
function of the outputs before it, and yields each output as it finishes.
:func:`run_task` runs them all and returns the result; :func:`run_stage`
stops after any stage, and with ``out`` keeps the outputs up to the
evaluation as ``out/stages/<stage>.json``: a later run with the same
settings reads them back instead of computing them again, as long as the
stages before gave the same outputs (the data stage, which takes a fraction
of a second, is always redone, so that a change in the data reaches every
later stage).

Every expensive step inside a stage (scores, generations, sandbox runs) is
an entry of the content-addressed cache (:mod:`persuasion.llm.cache`) under
``$PERSUASION_CACHE``, keyed by the model's fingerprint (a hash of its
weights and tokenisation), the exact prompts and texts, the settings and the
version of the code that computes it. Each entry belongs to one block of
``config.block_inputs`` consecutive inputs (whose prompts go through a
Receiver in one batched call), so changing one problem recomputes only its
block's entries; a run killed at any point and started again
recomputes only what was missing and ends with the same numbers; two cold
runs on CPU give identical numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .advisor import Advisors, train_advisors
from .cache import Store, as_store, encode, write_atomic
from .config import ExperimentConfig
from .encoder import embed_rows
from .evaluate import Evaluation, evaluate_structures
from .items import Items, build_items
from .models import Models, Receiver
from .results import TaskResult, task_result
from .tasks import Inputs, draw_inputs, retrieval_pool
from .utilities import Utilities, score_utilities

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

__all__ = ["STAGES", "run_stages", "run_task", "run_stage", "prefill"]

#: The stages, in the order they run.
STAGES = ("data", "items", "utilities", "advisor", "evaluate", "report")


def run_stages(config: ExperimentConfig,
               receivers: str | os.PathLike[str] | Receiver | Iterable[str | os.PathLike[str] | Receiver], *,
               encoder: str | os.PathLike[str] | tuple[torch.nn.Module, PreTrainedTokenizerBase] | None = None,
               device: str | torch.device | None = None, dtype: str = "float32",
               cache: Store | str | os.PathLike[str] | Literal[False] | None = None, progress: bool = True,
               timeout: float = 5.0, done: dict | None = None):
    """Run the stages in order, yielding ``(stage, output)`` as each finishes; stop iterating to stop the run.

    ``receivers``: names (see :data:`~persuasion.llm.registry.RECEIVERS`), local
    model directories, or loaded :class:`~persuasion.llm.models.Receiver`
    objects, loaded when a stage first needs them. ``encoder``: a loaded
    ``(model, tokenizer)`` or a local folder for the Advisor (default:
    all-MiniLM-L6-v2). ``device`` and ``dtype``: as for
    :func:`~persuasion.llm.models.load_receiver`. ``cache``: ``None`` for the default store under
    ``$PERSUASION_CACHE``, a folder, a :class:`~persuasion.llm.cache.Store`,
    or ``False`` for none. ``done``: outputs of the first stages, by stage,
    that stand in for computing them.

    The data stage needs no model, and nothing is loaded before a stage needs it:

    >>> from persuasion.llm.config import config_for
    >>> stages = run_stages(config_for("synthetic", "smoke"), ["smollm2-135m-instruct"])
    >>> stage, inputs = next(stages)
    >>> stage, inputs.rows["test"], inputs.problems[4].id
    ('data', [4, 5], 'synthetic-test-952')
    >>> stages.close()  # stop the run here
    """
    _check(config)
    done = done or {}
    models, store = Models(receivers, encoder=encoder, device=device, dtype=dtype), as_store(cache)
    inputs = done.get("data") or draw_inputs(config)
    yield "data", inputs
    items = done.get("items")
    if items is None:
        pool = retrieval_pool(inputs, config.pool)  # the problems items come from: never a test input
        items = build_items(inputs, pool, models.encoder, cache=store, progress=progress)
    yield "items", items
    utilities = done.get("utilities") or score_utilities(inputs, items, models.receivers, cache=store,
                                                         progress=progress, block_inputs=config.block_inputs)
    yield "utilities", utilities
    advisors = done.get("advisor")
    if advisors is None:  # the Advisor reads each input's question and items, embedded in one batch per input
        embeddings = embed_rows([[p.question, *items.by_input[p.id]] for p in inputs.problems], models.encoder,
                                progress=progress, desc="embedding the inputs")
        advisors = train_advisors(config, inputs, embeddings, utilities, progress=progress)
    yield "advisor", advisors
    evaluation = done.get("evaluate") or evaluate_structures(config, inputs, utilities, advisors, models.receivers,
                                                             cache=store, timeout=timeout, progress=progress)
    yield "evaluate", evaluation
    yield "report", task_result(config, inputs, items, utilities, advisors, evaluation)


def run_task(config: ExperimentConfig,
             receivers: str | os.PathLike[str] | Receiver | Iterable[str | os.PathLike[str] | Receiver],
             **options) -> TaskResult:
    """Run one task's experiment, every stage (see the module docstring), and return what it measured.

    ``options``: ``encoder``, ``device``, ``dtype``, ``cache``, ``progress``
    and ``timeout``, as for :func:`run_stages`.

    With the outputs of the stages up to the evaluation given (``done``, here
    built by hand for one Receiver, ``"R"``, by :func:`~persuasion.llm.toy.toy_stages`),
    only the report is computed:

    >>> from persuasion.llm.toy import toy_stages
    >>> # smoke-scale synthetic inputs: 3 training, 1 validation and 2 test
    >>> config, done = toy_stages()
    >>> result = run_task(config, ["R"], done=done)
    >>> type(result).__name__, result.ids["test"]
    ('TaskResult', ['synthetic-test-952', 'synthetic-test-1855'])
    >>> [(str(r["structure"]), r["mean"]) for r in result.table("accuracy")]
    [('prior information', 0.0), ('posterior information', 1.0)]
    """
    return dict(run_stages(config, receivers, **options))["report"]


def run_stage(stage: str, config: ExperimentConfig,
              receivers: str | os.PathLike[str] | Receiver | Sequence[str | os.PathLike[str] | Receiver], *,
              out: str | os.PathLike[str] | None = None, **options):
    """The output of ``stage`` (one of :data:`STAGES`), running the stages before it as well.

    With ``out``, the outputs that an earlier call saved in ``out/stages``
    with the same settings, after the same outputs of the stages before,
    stand in for computing their stages, and every output computed up to the
    evaluation is saved there. ``options``: as for :func:`run_stages`.

    >>> from persuasion.llm.config import config_for
    >>> # no model loaded
    >>> inputs = run_stage(
    ...     "data", config_for("synthetic", "smoke"), ["smollm2-135m-instruct"]
    ... )
    >>> type(inputs).__name__, inputs.rows["train"], inputs.threshold
    ('Inputs', [0, 1, 2], 4)
    >>> run_stage("train", config_for("synthetic", "smoke"), ["smollm2-135m-instruct"])
    Traceback (most recent call last):
    ...
    ValueError: stage must be one of ('data', 'items', 'utilities', 'advisor', 'evaluate', 'report'); got 'train'
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}; got {stage!r}")
    _check(config)
    inputs = draw_inputs(config)  # the data first: a bad data file is reported before any model is touched
    files = None if out is None else _StageFiles(out, config, receivers, options)
    done = {"data": inputs} if files is None else files.saved(inputs, until=stage)
    for name, output in run_stages(config, receivers, done=done, **options):
        if files is not None and name not in done and name in _OUTPUTS:
            files.save(name, output)
        if name == stage:
            return output


def prefill(config: ExperimentConfig,
            receivers: str | os.PathLike[str] | Receiver | Iterable[str | os.PathLike[str] | Receiver], *,
            rank: int, world: int, barrier: Callable[[], object],
            encoder: str | os.PathLike[str] | tuple[torch.nn.Module, PreTrainedTokenizerBase] | None = None,
            device: str | torch.device | None = None, dtype: str = "float32",
            cache: Store | str | os.PathLike[str] | Literal[False] | None = None, progress: bool = True,
            timeout: float = 5.0) -> None:
    """Data parallelism: process ``rank`` of ``world`` computes its share of the cache entries.

    Every process draws the same inputs; the first builds the items (the
    retrieval pool's embeddings) while the others wait at ``barrier()``. Then
    each process scores the blocks of inputs ``rank, rank + world, ...``
    (:func:`~persuasion.llm.batching.blocks`); after a
    barrier, each reads every utility table from the shared cache, trains the
    same Advisors, and generates for its share of the test inputs; a last
    barrier. A single :func:`run_stage` afterwards finds every entry in the
    cache, so its results are those of a one-process run: each entry depends
    on its own block of inputs only, and the blocks are the same in any
    number of processes. (Where two processes' Advisors differ, as
    non-deterministic GPU kernels can make them, the final run computes the
    missing entries itself: slower, never different.)

    The settings are checked before any model is loaded or any barrier is reached:

    >>> prefill(
    ...     "synthetic", ["smollm2-135m-instruct"], rank=0, world=2, barrier=lambda: None
    ... )
    Traceback (most recent call last):
    ...
    ValueError: config must be an ExperimentConfig (see config_for); got str
    """
    from .utilities import _score

    _check(config)
    models, store = Models(receivers, encoder=encoder, device=device, dtype=dtype), as_store(cache)
    inputs = draw_inputs(config)
    pool = retrieval_pool(inputs, config.pool)
    if rank == 0:
        items = build_items(inputs, pool, models.encoder, cache=store, progress=progress)
    barrier()
    if rank != 0:
        items = build_items(inputs, pool, models.encoder, cache=store, progress=False)
    for r in models.receivers:
        _score(r, inputs.problems, items.by_input, inputs.shots, store, progress, config.block_inputs,
               shard=(rank, world))
    barrier()
    utilities = score_utilities(inputs, items, models.receivers, cache=store, progress=False,
                                block_inputs=config.block_inputs)
    embeddings = embed_rows([[p.question, *items.by_input[p.id]] for p in inputs.problems], models.encoder)
    advisors = train_advisors(config, inputs, embeddings, utilities, progress=False)
    evaluate_structures(config, inputs, utilities, advisors, models.receivers, cache=store, timeout=timeout,
                        progress=progress, shard=(rank, world))
    barrier()


def _check(config) -> None:
    if not isinstance(config, ExperimentConfig):
        raise ValueError(f"config must be an ExperimentConfig (see config_for); got {type(config).__name__}")


def _warn(message: str) -> None:
    import warnings

    from .cache import CacheWarning

    warnings.warn(message, CacheWarning, stacklevel=3)


_OUTPUTS = {"data": Inputs, "items": Items, "utilities": Utilities, "advisor": Advisors, "evaluate": Evaluation}


def _digest(data) -> str:
    text = json.dumps(encode(data), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class _StageFiles:
    """The outputs of the stages up to the evaluation, as ``<out>/stages/<stage>.json``.

    A file holds its stage's output, a digest of it, and a key: a digest of
    the settings the stage uses (models by a hash of their weights, see
    :meth:`Models.weights <persuasion.llm.models.Models.weights>`) and of
    the outputs of the stages before it.
    A saved output stands in for computing its stage when its key is the key
    now (so a new ``steps``, say, retrains the Advisors on the saved tables)
    and its output still has its digest; the file also keeps the settings and
    digests the key was computed from. A file that does not parse, or whose
    output was changed, is reported in one warning line and computed again.
    """

    def __init__(self, out, config: ExperimentConfig, receivers, options: dict):
        models = Models(receivers, encoder=options.get("encoder"), device=options.get("device"))
        device, c, weights = str(options.get("device")), config, models.weights()
        receivers = {name: weights[name] for name in models.names}
        run = dict(receivers=receivers, device=device, dtype=options.get("dtype", "float32"),
                   block_inputs=c.block_inputs)  # what scoring and generation depend on besides their inputs
        self.settings = {
            "data": dict(task=c.task, n_train=c.n_train, n_val=c.n_val, n_test=c.n_test, seed=c.seed),
            "items": dict(encoder=weights["encoder"], pool=c.pool),
            "utilities": run,
            "advisor": dict(steps=c.steps, lr=c.lr, hidden=c.hidden, seed=c.seed, encoder=weights["encoder"],
                            advisor_seeds=c.advisor_seeds),
            "evaluate": dict(**run, max_new_tokens=c.max_new_tokens, seed=c.seed, accuracy_seeds=c.accuracy_seeds,
                             timeout=float(options.get("timeout", 5.0))),
        }
        self.folder = Path(out) / "stages"
        self.digests = []  # of the outputs so far, in stage order

    def _key(self, stage: str) -> str:
        return _digest({"stage": stage, "settings": self.settings[stage], "after": self.digests})

    def _load(self, stage: str) -> dict:
        path = self.folder / f"{stage}.json"
        try:
            saved = json.loads(path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            _warn(f"{path} unreadable ({type(err).__name__}); computing the {stage} stage again")
            return {}
        if not isinstance(saved, dict):
            _warn(f"{path} is not a saved stage; computing the {stage} stage again")
            return {}
        return saved

    def saved(self, inputs: Inputs, until: str) -> dict:
        """``{"data": inputs}`` (saved, unless saved so before), and the saved outputs after it, up to stage
        ``until``, whose keys are the keys now."""
        before = self._load("data")
        self.save("data", inputs, unless=(before.get("key"), before.get("digest")))
        done = {"data": inputs}
        for stage in STAGES[1 : min(STAGES.index(until) + 1, len(STAGES) - 1)]:
            saved = self._load(stage)
            if saved.get("key") != self._key(stage):
                break
            path = self.folder / f"{stage}.json"
            try:
                intact = _digest(saved["output"]) == saved["digest"]
                output = _OUTPUTS[stage].from_dict(saved["output"]) if intact else None
            except (KeyError, TypeError, ValueError) as err:
                intact, reason = False, f"{type(err).__name__}: {err}"
            else:
                reason = "its output does not match its digest"
            if not intact:
                _warn(f"{path} is damaged ({reason}); computing the {stage} stage again")
                break
            done[stage] = output
            self.digests.append(saved["digest"])
            print(f"{stage}: read back from {self.folder / stage}.json", file=sys.stderr)
        return done

    def save(self, stage: str, output, *, unless=None) -> None:
        """Save ``output`` as stage ``stage``'s (unless the file holds this ``(key, digest)`` already)."""
        data = output.to_dict()
        key, digest = self._key(stage), _digest(data)
        if unless != (key, digest):
            record = {"stage": stage, "key": key, "settings": self.settings[stage], "after": self.digests,
                      "digest": digest, "output": data}
            write_atomic(self.folder / f"{stage}.json", json.dumps(record))
            print(f"{stage}: computed, saved as {self.folder / stage}.json", file=sys.stderr)
        self.digests.append(digest)
