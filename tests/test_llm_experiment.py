"""The experiment pipeline: settings, statistics, report, and the command line end to end."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from persuasion.llm.advisor import eq3_lower_bound
from persuasion.llm.config import ExperimentConfig, config_for
from persuasion.llm.evaluate import STRUCTURES_EVAL, arpi, arpi_bootstrap, mean_ci
from persuasion.llm.results import TaskResult
from persuasion.protocol import Structure
from tests.conftest import share_models

# -- settings ----------------------------------------------------------------------------


def test_presets_and_n_split():
    for task in ("gsm8k", "synthetic", "humaneval"):
        for scale in ("smoke", "book", "full"):
            c = config_for(task, scale)
            assert c.n_train >= 2 and c.n_val >= 1 and c.n_test >= 2
    c = config_for("synthetic", "book", n=20)
    assert (c.n_train, c.n_val, c.n_test) == (9, 3, 8) and c.n_inputs == 20
    assert config_for("humaneval").kind == "code" and config_for("gsm8k").kind == "math"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: config_for("mmlu"), "task must be one of"),
        (lambda: config_for("gsm8k", "huge"), "scale must be one of"),
        (lambda: config_for("gsm8k", n=3), "n must be an integer of at least 6"),
        (lambda: ExperimentConfig("gsm8k", 0, 1, 1, 8), "n_train must be a positive integer; got 0"),
        (lambda: ExperimentConfig("gsm8k", 2, 1, 2, 8, steps=-1), "steps must be a positive integer"),
    ],
)
def test_bad_settings_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_run_task_rejects_a_bad_config():
    from persuasion.llm.experiment import run_task

    with pytest.raises(ValueError, match="config must be an ExperimentConfig"):
        run_task({"task": "gsm8k"}, ["smollm2-135m-instruct"])


# -- statistics ----------------------------------------------------------------------------


def test_arpi_bootstrap_point_is_eq7_of_the_means():
    rng = np.random.default_rng(0)
    ra, rb = rng.random((2, 30)), rng.random((2, 30))
    la, lb = 200 + rng.integers(0, 50, (2, 30)), 100 + rng.integers(0, 20, (2, 30))
    point, lo, hi = arpi_bootstrap(ra, rb, la, lb, n_boot=2000)
    by_hand = np.mean([(ra[i].mean() - rb[i].mean()) / (la[i].mean() - lb[i].mean()) for i in range(2)])
    assert point == pytest.approx(by_hand)
    assert point == pytest.approx(arpi(ra.mean(1), rb.mean(1), la.mean(1), lb.mean(1)))
    assert lo <= point <= hi and hi - lo > 0


def test_arpi_bootstrap_of_identical_inputs_has_no_width():
    ra = np.tile([[0.2], [0.4]], 10)
    rb = np.zeros((2, 10))
    la, lb = np.full((2, 10), 150.0), np.full((2, 10), 100.0)
    point, lo, hi = arpi_bootstrap(ra, rb, la, lb, n_boot=200)
    assert point == pytest.approx(0.006) and lo == pytest.approx(0.006) and hi == pytest.approx(0.006)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: arpi_bootstrap(np.zeros((2, 3)), np.zeros((2, 4)), np.ones((2, 3)), np.zeros((2, 3))),
         r"perf_b must have shape \(2, 3\)"),
        (lambda: arpi_bootstrap(np.zeros((2, 3)), np.zeros((2, 3)), np.ones((2, 3)), np.zeros((2, 3)), level=1.5),
         "level must be in"),
        (lambda: arpi_bootstrap(np.zeros(3), np.zeros(3), np.ones(3), np.zeros(3)), "perf_a"),
        (lambda: mean_ci([]), "x"),
    ],
)
def test_bad_statistics_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_mean_ci_brackets_the_mean():
    x = np.random.default_rng(1).normal(size=50)
    m, lo, hi = mean_ci(x)
    assert m == pytest.approx(x.mean()) and lo < m < hi
    # about 1.96 standard errors each side
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert 2.5 * se < hi - lo < 5.5 * se


@given(st.integers(1, 6), st.integers(2, 7), st.integers(0, 10_000))
def test_no_policy_beats_the_eq3_bound(n, k, seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, k)) * 3
    bound = eq3_lower_bound(v)
    centred = v - v.mean(1, keepdims=True)
    for _ in range(20):
        pi = rng.dirichlet(np.ones(k), size=n)
        assert -(pi * centred).sum(1).mean() >= bound - 1e-12
    best = np.eye(k)[v.argmax(1)]
    assert -(best * centred).sum(1).mean() == pytest.approx(bound)
    assert -(np.full((n, k), 1 / k) * centred).sum(1).mean() == pytest.approx(0, abs=1e-12)


# -- report on a hand-made result --------------------------------------------------------


def fake_result(n=12, receivers=("A", "B"), task="gsm8k"):
    rng = np.random.default_rng(3)
    cfg = ExperimentConfig(task, 4, 2, n, 8, n_boot=500)
    utility, correct, tokens, oracle = {}, {}, {}, {}
    for r in receivers:
        utility[r] = {s: -5 + rng.normal(size=n) for s in STRUCTURES_EVAL}
        correct[r] = {s: (rng.random(n) < 0.3).astype(float) for s in STRUCTURES_EVAL}
        tokens[r] = {s: np.full(n, 100 + 20 * (s != Structure.NO) + 100 * (s == Structure.ALL))
                     for s in STRUCTURES_EVAL}
        oracle[r] = np.max([utility[r][s] for s in STRUCTURES_EVAL], axis=0) + 1
    curves = {name: {"train": np.linspace(0, -1, 10), "val": np.linspace(0, -0.5, 10), "best_step": 9, "n_train": 4,
                     "n_val": 2}
              for r in receivers for name in (r, f"{r} (easy)")}
    return TaskResult(config=cfg, source=task, receivers=list(receivers), ids={"train": [], "val": [], "test": []},
                      difficulty=np.arange(n) % 4 + 1, threshold=2, curves=curves, policies={}, utility=utility,
                      correct=correct, tokens=tokens, other={"A": "B", "B": "A"}, oracle=oracle)


def test_summaries_of_a_result():
    res = fake_result()
    table = res.table("accuracy")
    assert len(table) == 2 * len(STRUCTURES_EVAL)
    row = next(r for r in table if r["receiver"] == "A" and r["structure"] == Structure.PRIOR)
    assert row["mean"] == pytest.approx(res.correct["A"][Structure.PRIOR].mean()) and row["tokens"] == 120
    con = {(c["receiver"], c["contrast"]): c for c in res.contrasts("utility")}
    c = con[("B", f"{Structure.POSTERIOR} − {Structure.PRIOR}")]
    diff = res.utility["B"][Structure.POSTERIOR] - res.utility["B"][Structure.PRIOR]
    assert c["mean"] == pytest.approx(diff.mean()) and c["lo"] <= c["mean"] <= c["hi"]
    eh = res.easy_hard("utility")
    assert {r["group"] for r in eh} == {"easy", "hard"}
    assert sum(r["n"] for r in eh if r["receiver"] == "A" and r["structure"] == Structure.NO) == 12
    a = {r["structure"]: r for r in res.arpi("utility")}
    assert a[Structure.ALL]["token_increase"] == pytest.approx(1.2)  # 220 tokens against 100
    json.dumps(res.to_dict())  # JSON-ready
    with pytest.raises(ValueError, match="metric must be 'accuracy' or 'utility'"):
        res.table("f1")


def test_report_tables_and_figures():
    import matplotlib.pyplot as plt

    from persuasion.llm.figures import plot_arpi, plot_easy_hard, plot_learning_curves, plot_structures
    from persuasion.llm.report import arpi_markdown, contrasts_markdown, summarise, table1_markdown

    res, code = fake_result(), fake_result(task="humaneval")
    md = table1_markdown([res, code])
    assert "paper, GSM8K" in md and "average of 11 Receivers" in md and "HumanEval (pass@1)" in md and "35.3" in md
    assert "Posterior − Prior" in contrasts_markdown([res], "accuracy")
    assert "ARPI(A ∣ No)" in arpi_markdown([res])
    html = md._repr_html_()  # the book shows HTML (Markdown output is not parsed for tables there)
    assert '<table class="table persuasion-table">' in html and re.search(r"<th>Receiver\s*</th>", html)
    assert "overflow-x: auto" in html  # a wide table scrolls instead of being clipped
    assert "47.6 (GPT-2 Advisor) / 53.2 (Phi-2 Advisor)" in md  # both of the paper's Advisors
    assert str(md).splitlines()[1].startswith("|:")  # a pipe table in text
    lines = summarise(res)
    assert len(lines) == len(res.contrasts("utility")) and all("[" in line for line in lines)
    fig, axes = plt.subplots(2, 3)
    plot_learning_curves(axes[0, :2], [res, code])
    plot_structures(axes[0, 2], res, "accuracy")
    plot_easy_hard(axes[1, 0], res)
    plot_arpi(axes[1, 1], [res, code])
    for ax in axes.flat[:5]:
        assert ax.get_ylabel()
    with pytest.raises(ValueError, match="one axis per result"):
        plot_learning_curves(axes[0, :1], [res, code])
    plt.close(fig)


def test_item_gain_bars_are_each_positions_gain_over_no_information():
    from dataclasses import replace

    from matplotlib.figure import Figure

    from persuasion.llm.figures import plot_item_gains
    from persuasion.llm.toy import toy_result
    from persuasion.llm.utilities import UtilityTable

    none = np.array([-4.0, -6.0, -5.0])  # item c adds exactly 1 - c/2 nats to every input
    items = none[:, None] + 1 - 0.5 * np.arange(7)
    ones = np.ones((3, 7), int)
    table = UtilityTable(("a", "b", "c"), items, none, none, ones, ones[:, 0], ones[:, 0])
    res = replace(toy_result(), tables={"R": table, "S": replace(table, items=items + 1)})
    ax = Figure().subplots()
    plot_item_gains(ax, res)
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights[:7], 1 - 0.5 * np.arange(7))  # Receiver R
    np.testing.assert_allclose(heights[7:], 2 - 0.5 * np.arange(7))  # Receiver S: one nat more
    assert ax.get_legend_handles_labels()[1] == ["R", "S"]


def test_a_structure_looks_the_same_in_every_figure_and_a_zero_shows():
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from persuasion.llm.figures import plot_arpi, plot_structures

    res = fake_result()
    for r in ("A", "B"):  # nothing answered under any structure: accuracy 0, ARPI 0
        res.correct[r] = {s: np.zeros_like(v) for s, v in res.correct[r].items()}
    structures, arpi = Figure().subplots(), Figure().subplots()
    plot_structures(structures, res, "accuracy")
    plot_arpi(arpi, [res], "accuracy")
    styles = []
    for ax in (structures, arpi):
        handles, labels = ax.get_legend_handles_labels()
        styles.append({name: (to_hex(h[0].get_color()), h[0].get_marker()) for h, name in zip(handles, labels)})
    for name in ("All", "Prior", "Posterior"):
        assert styles[0][name] == styles[1][name], name
    assert len({style for style in styles[0].values()}) == len(styles[0])  # told apart by colour and marker
    # a value of 0 is a marker on the axis (accuracy) or on the zero line (ARPI), inside the panel
    for ax in (structures, arpi):
        markers = [line for line in ax.lines if line.get_marker() not in ("", "None")]
        ys = [y for line in markers for y in np.atleast_1d(line.get_ydata())]
        assert ys and all(y == 0 for y in ys) and ax.get_ylim()[0] < 0 < ax.get_ylim()[1]


def test_paper_table_averages():
    from persuasion.llm.report import PAPER_TABLE1, paper_average

    for task in PAPER_TABLE1:
        np.testing.assert_allclose(paper_average(task), PAPER_TABLE1[task]["average"], atol=0.051)
    with pytest.raises(ValueError, match="task must be one of"):
        paper_average("math")


def test_code_prompts_share_the_problem_prompt():
    from persuasion.llm.code import load_humaneval
    from persuasion.llm.items import solved_item
    from persuasion.llm.prompts import reference_answer, task_prompt

    problems = load_humaneval(limit=8)
    p = problems[0]
    items = {p.id: [solved_item(q) for q in problems[1:]]}
    prompts = [task_prompt(None, p, items[p.id], Structure.POSTERIOR, item=c) for c in range(7)]
    assert all(q.startswith(p.prompt) for q in prompts)
    first, *rest = items[p.id][2].splitlines()  # every line of a multi-line item is a comment
    assert prompts[2].endswith(f"    # Hint: {first}\n" + "".join(f"    #   {line}\n" for line in rest))
    compile(prompts[2] + p.canonical_solution, "<prompt>", "exec")  # still a valid function
    everything = task_prompt(None, p, items[p.id], Structure.ALL)
    assert everything.count("# Hint:") == 7 and task_prompt(None, p, items[p.id], Structure.NO) == p.prompt
    assert reference_answer(p) == p.canonical_solution


# -- the command line, end to end ----------------------------------------------------------

CLI = [sys.executable, "-m", "persuasion.llm.cli", "--receiver", "smollm2-135m-instruct", "--task", "synthetic",
       "--scale", "smoke", "--steps", "50", "--quiet"]


def test_help_documents_every_option():
    out = subprocess.run([sys.executable, "-m", "persuasion.llm.cli", "--help"], capture_output=True, text=True,
                         check=True)
    for option in ("--receiver", "--advisor", "--task", "--n", "--scale", "--device", "--dtype", "--block-inputs",
                   "--out", "--cache"):
        assert option in out.stdout


def test_cli_reports_bad_input():
    out = subprocess.run(CLI[:-1] + ["--out", "/tmp/x", "--n", "2"], capture_output=True, text=True)
    assert out.returncode == 2 and "argument --n: must be an integer of at least 6; got 2" in out.stderr
    assert len(out.stderr.splitlines()) == 1


def _cached(cache):
    from persuasion.llm.cache import as_store

    return as_store(cache).count()


@pytest.mark.llm
@pytest.mark.slow
def test_cli_cold_runs_agree_and_a_killed_run_resumes(tmp_path, tiny_receiver):
    # a tiny random Receiver in place of SmolLM2: what is tested is the pipeline
    cli = [str(tiny_receiver) if a == "smollm2-135m-instruct" else a for a in CLI]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("GSM8K_DIR", None)
    # A cold run (an empty cache); the killed and resumed run below is a second cold run, split in two processes.
    subprocess.run(cli + ["--cache", str(share_models(tmp_path / "cache1")), "--out", str(tmp_path / "out1")],
                   check=True, env=env, capture_output=True, timeout=600)
    first = json.loads((tmp_path / "out1" / "results.json").read_text())
    for name in ("table.csv", "contrasts.csv", "easy_hard.csv", "arpi.csv", "learning_curves.png",
                 "structures_utility.png",
                 "structures_accuracy.png", "easy_hard.png", "arpi.png"):
        assert (tmp_path / "out1" / name).stat().st_size > 0, name
    assert first["source"] == "synthetic" and len(first["ids"]["test"]) == 2
    assert set(first["utility"]["tiny-receiver"]) == {
        Structure.NO, Structure.ALL, Structure.PRIOR, Structure.POSTERIOR, Structure.POSTERIOR_EASY}
    # A cold run killed with SIGKILL once part of its work is cached, then started again, ends identical.
    cache = share_models(tmp_path / "cache3")
    proc = subprocess.Popen(cli + ["--cache", str(cache), "--out", str(tmp_path / "out3")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while _cached(cache) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert killed, "the run finished before it could be killed"
    assert not (tmp_path / "out3" / "results.json").exists()
    partial = _cached(cache)
    subprocess.run(cli + ["--cache", str(cache), "--out", str(tmp_path / "out3")], check=True, env=env,
                   capture_output=True, timeout=600)
    assert _cached(cache) > partial
    assert json.loads((tmp_path / "out3" / "results.json").read_text()) == first


# -- verdicts on the paper's claims ---------------------------------------------------------


def test_arpi_difference_is_the_difference_of_eq7_by_hand():
    from persuasion.llm.evaluate import arpi_difference_bootstrap

    rng = np.random.default_rng(4)
    ra, rc, rb = rng.random((3, 2, 25))
    la, lc, lb = 110 + rng.integers(0, 9, (2, 25)), 300 + rng.integers(0, 50, (2, 25)), np.full((2, 25), 100)
    point, lo, hi = arpi_difference_bootstrap(ra, rc, rb, la, lc, lb, n_boot=1000)
    by_hand = np.mean([(ra[i].mean() - rb[i].mean()) / (la[i].mean() - 100) for i in range(2)]) - np.mean(
        [(rc[i].mean() - rb[i].mean()) / (lc[i].mean() - 100) for i in range(2)])
    assert point == pytest.approx(by_hand) and lo <= point <= hi
    # identical inputs: the interval has no width
    flat = [np.tile([[v], [v + 1]], 10) for v in (0.5, 0.3, 0.1)]
    p, lo, hi = arpi_difference_bootstrap(*flat, np.full((2, 10), 120.0), np.full((2, 10), 200.0),
                                          np.full((2, 10), 100.0), n_boot=200)
    assert p == pytest.approx(0.4 / 20 - 0.2 / 100) and lo == pytest.approx(p) and hi == pytest.approx(p)
    with pytest.raises(ValueError, match=r"len_c must have shape \(2, 10\)"):
        arpi_difference_bootstrap(*flat, np.ones((2, 10)), np.ones((2, 9)), np.zeros((2, 10)))


def test_verdicts_follow_the_stated_rule():
    from persuasion.llm.claims import CLAIMS, findings_markdown, verdict_table, verdicts
    from persuasion.llm.statistics import MIN_INPUTS

    res = fake_result(n=40)
    # Make Posterior beat Prior by a wide margin for both Receivers, and All beat Posterior.
    for r in res.receivers:
        res.utility[r][Structure.POSTERIOR] = res.utility[r][Structure.PRIOR] + 2.0
        res.utility[r][Structure.ALL] = res.utility[r][Structure.POSTERIOR] + 1.0
    rows = {r["key"]: r for r in verdicts([res])}
    assert set(rows) == {c[0] for c in CLAIMS}
    assert rows["posterior>prior"]["utility_verdict"] == "supported"
    assert rows["posterior>prior"]["utility"]["mean"] == pytest.approx(2.0)
    assert rows["posterior>all"]["utility_verdict"] == "contradicted"
    hard = res.difficulty > res.threshold
    expected = np.mean([res.utility[r][Structure.POSTERIOR_EASY][hard] - res.utility[r][Structure.PRIOR][hard]
                        for r in res.receivers])
    assert rows["easy>prior on hard"]["utility"]["mean"] == pytest.approx(expected)
    assert rows["easy>prior on hard"]["utility"]["n"] == hard.sum()
    assert "+4.1 / +9.7 points" in rows["posterior>prior"]["paper"]  # 47.6 - 43.5 and 53.2 - 43.5
    # Too few test inputs: inconclusive whatever the interval.
    small = fake_result(n=MIN_INPUTS - 1)
    for r in small.receivers:
        small.utility[r][Structure.POSTERIOR] = small.utility[r][Structure.PRIOR] + 2.0
    assert {r["key"]: r for r in verdicts([small])}["posterior>prior"]["utility_verdict"] == "inconclusive"
    table = verdict_table(list(rows.values()))
    assert "supported" in table and "contradicted" in table
    text = findings_markdown([res], list(rows.values()))
    assert "In **utility**, the 7 verdicts are" in text and "ran on *gsm8k* data" in text


def test_a_marginal_effect_is_inconclusive_once_the_family_is_accounted_for():
    """27 of 40 inputs gain 1 nat and 13 lose 1: mean +0.35, t = 2.33, a sign-flip p-value near 0.04 and a 95% interval
    above zero on its own; among the run's 14 verdicts Holm's correction makes it inconclusive."""
    from persuasion.llm.claims import verdicts
    from persuasion.llm.statistics import ALPHA

    res = fake_result(n=40)
    d = np.array([1.0] * 27 + [-1.0] * 13)
    for r in res.receivers:
        base = res.utility[r][Structure.PRIOR]
        for s in STRUCTURES_EVAL:
            res.utility[r][s] = base.copy()
            res.correct[r][s] = (np.arange(40) % 2).astype(float)  # 50% everywhere: informative, no difference
        res.utility[r][Structure.POSTERIOR] = base + d
    rows = {r["key"]: r for r in verdicts([res])}
    e = rows["posterior>prior"]["utility"]
    t = d.mean() / (d.std(ddof=1) / np.sqrt(40))
    assert e["mean"] == pytest.approx(0.35) and t == pytest.approx(7 / 3)
    assert e["lo"] > 0 and e["p"] < ALPHA  # alone, it would pass
    assert e["family"] == 14 and e["p_holm"] > ALPHA  # with 13 other verdicts, it does not
    assert rows["posterior>prior"]["utility_verdict"] == "inconclusive"
    # the verdicts whose difference is exactly zero are inconclusive with p = 1
    assert rows["prior>no"]["utility"]["p"] == 1.0 and rows["prior>no"]["utility_verdict"] == "inconclusive"


def test_the_verdict_table_gives_the_spread_over_advisor_seeds():
    from persuasion.llm.claims import verdict_table, verdicts

    res = fake_result(n=20)
    rng = np.random.default_rng(8)
    res.seed_utility = {}
    for r in res.receivers:
        per_seed = res.utility[r][Structure.PRIOR] + rng.normal(size=(3, 20)) + np.array([[0.0], [1.0], [2.0]])
        res.seed_utility[r] = {Structure.POSTERIOR: per_seed}
        res.utility[r][Structure.POSTERIOR] = per_seed.mean(axis=0)
    row = {r["key"]: r for r in verdicts([res])}["posterior>prior"]
    by_hand = [np.mean([res.seed_utility[r][Structure.POSTERIOR][k] - res.utility[r][Structure.PRIOR]
                        for r in res.receivers]) for k in range(3)]
    assert row["utility"]["seeds"] == pytest.approx(by_hand)
    assert row["utility"]["mean"] == pytest.approx(np.mean(by_hand))  # the mean over seeds is the estimate
    assert row["accuracy"]["seeds"] is None  # accuracy: the first seed's draws only
    assert f"3 Advisor seeds: from {min(by_hand):+.2f} to {max(by_hand):+.2f}" in verdict_table([row])
    # with two seeds' draws generated (accuracy_seeds = 2), accuracy gets its spread too
    res.seed_correct = {r: {Structure.POSTERIOR: (rng.random((2, 20)) < [[0.3], [0.6]]).astype(float)}
                        for r in res.receivers}
    for r in res.receivers:
        res.correct[r][Structure.POSTERIOR] = res.seed_correct[r][Structure.POSTERIOR].mean(axis=0)
    row = {r["key"]: r for r in verdicts([res])}["posterior>prior"]
    by_hand = [np.mean([res.seed_correct[r][Structure.POSTERIOR][k] - res.correct[r][Structure.PRIOR]
                        for r in res.receivers]) for k in range(2)]
    assert row["accuracy"]["seeds"] == pytest.approx(by_hand)
    assert row["accuracy"]["mean"] == pytest.approx(np.mean(by_hand))
    assert f"2 Advisor seeds: from {100 * min(by_hand):+.1f} to {100 * max(by_hand):+.1f}" in verdict_table([row])


def test_advisors_of_several_seeds_differ_and_the_first_is_the_policy():
    from persuasion.llm.advisor import train_advisors
    from persuasion.llm.tasks import draw_inputs
    from persuasion.llm.utilities import Utilities, UtilityTable

    config = ExperimentConfig("synthetic", 6, 3, 3, 8, steps=20, advisor_seeds=3)
    inputs = draw_inputs(config)
    n = len(inputs.problems)
    rng = np.random.default_rng(2)
    table = UtilityTable(tuple(p.id for p in inputs.problems), -rng.random((n, 7)) * 5, -np.ones(n), -np.ones(n),
                         np.ones((n, 7)), np.ones(n), np.ones(n))
    embeddings = rng.normal(size=(n, 8, 8)).astype(np.float32)  # a question and seven items per input
    advisors = train_advisors(config, inputs, embeddings, Utilities({"R": table}, {}), progress=False)
    for label in ("R", "R (easy)"):
        seeds = advisors.seed_policies[label]
        assert seeds.shape == (3, n, 7) and np.allclose(seeds.sum(-1), 1)
        assert np.array_equal(seeds[0], advisors.policies[label])
        assert not np.allclose(seeds[0], seeds[1])  # another seed, another Advisor


def test_a_verdict_on_too_few_inputs_says_why_it_is_inconclusive():
    from persuasion.llm.claims import verdict_table, verdicts
    from persuasion.llm.toy import toy_result

    # The toy Advisors gain a whole nat on every input: an interval far above zero, on 12 inputs and on 6.
    few, enough = ({r["key"]: r for r in verdicts([toy_result(n=n)])}["posterior>prior"] for n in (6, 12))
    assert few["utility"]["lo"] > 0 and enough["utility"]["lo"] > 0
    assert few["utility_verdict"] == "inconclusive" and enough["utility_verdict"] == "supported"
    # the utility verdict, with its reason, then the effect
    assert verdict_table([few]).rows[0][-1].startswith("inconclusive (n < 10): +")
    assert verdict_table([enough]).rows[0][-1].startswith("supported: +")


def test_numbers_that_round_to_zero_are_printed_without_a_minus_sign():
    from persuasion.book.tables import signed

    assert [signed(x, 2) for x in (-0.004, -0.005001, 0.0, -0.0, 1e-9, 0.125)] == [
        "+0.00", "-0.01", "+0.00", "+0.00", "+0.00", "+0.12"]
    assert signed(-0.3, 0) == "+0" and signed(-0.6, 0) == "-1"


def test_advisor_embeddings_are_checked_and_rows_embedded_alone():
    from persuasion.llm.advisor import train_advisors
    from persuasion.llm.encoder import embed, embed_rows
    from persuasion.llm.tasks import draw_inputs
    from persuasion.llm.toy import toy_encoder
    from persuasion.llm.utilities import Utilities, UtilityTable

    config = ExperimentConfig("synthetic", 6, 3, 3, 8, steps=2, advisor_seeds=1)
    inputs = draw_inputs(config)
    n = len(inputs.problems)
    table = UtilityTable(tuple(p.id for p in inputs.problems), -np.ones((n, 7)), -np.ones(n), -np.ones(n),
                         np.ones((n, 7)), np.ones(n), np.ones(n))
    with pytest.raises(ValueError, match=r"embeddings must have shape \(12, 1 \+ items, dim\).*got \(11, 8, 4\)"):
        train_advisors(config, inputs, np.zeros((n - 1, 8, 4)), Utilities({"R": table}, {}), progress=False)
    # each row is its own batch: a long text in another row changes nothing (padding stays within a row)
    encoder = toy_encoder()
    short = [["How many pens?", "Two packs."], ["How many apples?", "One."]]
    long = [short[0], ["How many apples? " * 30, "One."]]
    assert np.allclose(embed_rows(short, encoder)[0], embed_rows(long, encoder)[0], atol=1e-6)
    assert np.allclose(embed_rows(short, encoder)[1], embed(short[1], encoder))
    with pytest.raises(ValueError, match=r"same number of texts; got lengths \[1, 2\]"):
        embed_rows([["a"], ["b", "c"]], encoder)


def test_every_text_of_the_experiments_figures_is_at_least_9_pt():
    # Chapter 7 draws its figures at most 7 in wide, shown at 100%: text below 9 pt is too small to read there.
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from persuasion.llm.figures import plot_arpi, plot_easy_hard, plot_item_gains, plot_learning_curves, plot_structures
    from persuasion.llm.toy import toy_result

    res = toy_result()
    fig, axes = plt.subplots(3, 2, figsize=(7, 9))
    plot_item_gains(axes[0, 0], res)
    plot_learning_curves(axes[0, 1], [res])
    plot_structures(axes[1, 0], res, "accuracy")
    plot_structures(axes[1, 1], res, "utility")
    plot_easy_hard(axes[2, 0], res, "accuracy")
    plot_arpi(axes[2, 1], [res], "accuracy")
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    small = sorted({(t.get_text()[:30], t.get_fontsize()) for t in texts if t.get_fontsize() < 9})
    plt.close(fig)
    assert not small, small


def test_the_findings_name_every_structure_that_reaches_the_highest_accuracy():
    from persuasion.llm.claims import findings_markdown, verdicts

    res = fake_result()
    hit = (np.arange(12) < 3).astype(float)  # 3 of 12 answered: 25%
    for r in ("A", "B"):
        res.correct[r] = {s: (hit if r == "A" and s in (Structure.NO, Structure.ALL) else 0 * hit)
                          for s in res.correct[r]}
    text = findings_markdown([res], verdicts([res]))
    assert "under any structure is 25.0% (A, No and All)." in text
