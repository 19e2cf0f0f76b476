"""The ``persuasion`` command on the example files and on malformed files.

Expected values come from closed forms or from a second algorithm, never from
the command itself: the prosecutor by hand (Kamenica and Gentzkow 2011), the
recommendation game by Bayes plausibility, obedience and the concave closure
(vertex enumeration, not the obedience LP), the zero-sum game by the closed form
of a concave value, Blackwell by multiplying the garbling out, delegation by the
two-state breakpoint algorithm.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from persuasion.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PROSECUTOR = yaml.safe_load((EXAMPLES / "prosecutor.yaml").read_text())


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def write(tmp_path, data, name="game.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


# -- solve ---------------------------------------------------------------------------
def test_prosecutor_matches_the_closed_form(capsys):
    doc = run_json(capsys, "solve", EXAMPLES / "prosecutor.yaml")
    assert list(doc) == ["value", "no_information_value", "scheme", "posteriors", "weights", "actions"]
    # By hand: split 0.3 into beliefs 0 and 1/2 on guilt; weight on 1/2 is 0.3 / 0.5 = 0.6.
    assert doc["value"] == pytest.approx(0.6)
    assert doc["no_information_value"] == 0.0
    assert doc["actions"] == ["acquit", "convict"]
    assert doc["weights"] == pytest.approx([0.4, 0.6])
    assert doc["posteriors"] == [pytest.approx({"innocent": 1.0, "guilty": 0.0}),
                                 pytest.approx({"innocent": 0.5, "guilty": 0.5})]
    # An innocent defendant is convicted with probability 0.3 / 0.7 = 3/7.
    assert doc["scheme"]["innocent"] == pytest.approx({"acquit": 4 / 7, "convict": 3 / 7})
    assert doc["scheme"]["guilty"] == pytest.approx({"acquit": 0.0, "convict": 1.0})


def test_prosecutor_text_output_names_states_and_actions(capsys):
    code, out, err = run(capsys, "solve", EXAMPLES / "prosecutor.yaml")
    assert code == 0 and err == ""
    assert "optimal value for the Sender:  0.6" in out
    assert "value without information:     0" in out
    for word in ("innocent", "guilty", "acquit", "convict", "0.428571"):
        assert word in out


def test_recommendation_is_bayes_plausible_obedient_and_equals_the_concave_closure(capsys):
    from persuasion.bayesian_persuasion import concave_closure
    from persuasion.game_files import load_game

    data = yaml.safe_load((EXAMPLES / "recommendation.yaml").read_text())
    doc = run_json(capsys, "solve", EXAMPLES / "recommendation.yaml")
    states, actions = data["states"], data["actions"]
    u, v, prior = np.array(data["receiver_utility"]), np.array(data["sender_utility"]), np.array(data["prior"])
    post = np.array([[p[s] for s in states] for p in doc["posteriors"]])
    w = np.array(doc["weights"])
    np.testing.assert_allclose(w @ post, prior, atol=1e-9)  # Bayes plausibility
    for mu, a in zip(post, doc["actions"]):  # each recommendation is a best response
        gains = u @ mu
        assert gains[actions.index(a)] >= gains.max() - 1e-9
    value = sum(wi * v[actions.index(a)] @ mu for wi, mu, a in zip(w, post, doc["actions"]))
    assert doc["value"] == pytest.approx(value, abs=1e-9)
    assert doc["value"] == pytest.approx(concave_closure(load_game(EXAMPLES / "recommendation.yaml"), prior), abs=1e-7)
    # The file promises: the shopper skips without information, all three actions are used, and the
    # optimum beats revealing the quality (full information: try when fair or great, 1 * 0.5).
    assert doc["no_information_value"] == 0.0
    assert sorted(doc["actions"]) == sorted(actions)
    assert doc["value"] > 0.5
    # The scheme's rows are the conditional probabilities of the recommendations.
    for s, p0 in zip(states, prior):
        row = doc["scheme"][s]
        assert sum(row.values()) == pytest.approx(1.0)
        for a, wi, mu in zip(doc["actions"], w, post):
            assert row[a] == pytest.approx(wi * mu[states.index(s)] / p0, abs=1e-9)


def test_no_information_example_reveals_nothing(capsys):
    data = yaml.safe_load((EXAMPLES / "no_information.yaml").read_text())
    u, prior = np.array(data["receiver_utility"]), np.array(data["prior"])
    assert np.array_equal(np.array(data["sender_utility"]), -u)  # zero-sum, as the file says
    doc = run_json(capsys, "solve", EXAMPLES / "no_information.yaml")
    # Zero-sum: the Sender's value -max_a u(a).mu is concave, so V(prior) = -max_a u(a).prior = -1.2.
    assert doc["value"] == pytest.approx(-1.2) and doc["no_information_value"] == pytest.approx(-1.2)
    assert doc["actions"] == ["spread_out"] and doc["weights"] == [1.0]
    assert doc["posteriors"] == [pytest.approx(dict(zip(data["states"], prior)))]
    assert doc["scheme"] == {s: {"spread_out": 1.0} for s in data["states"]}
    code, out, _ = run(capsys, "solve", EXAMPLES / "no_information.yaml")
    assert code == 0 and "no information is optimal" in out


def test_json_files_and_fractions_are_read(tmp_path, capsys):
    game = {**PROSECUTOR, "prior": ["7/10", "3/10"]}
    path = tmp_path / "prosecutor.json"
    path.write_text(json.dumps(game))
    assert run_json(capsys, "solve", path)["value"] == pytest.approx(0.6)
    thirds = {"prior": ["1/3", "1/3", "1/3"], "receiver_utility": [[1, 0, 0], [0, 1, 1]],
              "sender_utility": [[0, 0, 0], [1, 1, 1]]}
    # Action 1 is right in two states of three: the Receiver takes it at the prior; value 1.
    assert run_json(capsys, "solve", write(tmp_path, thirds))["value"] == pytest.approx(1.0)


def test_names_default_to_indices(tmp_path, capsys):
    game = {k: PROSECUTOR[k] for k in ("prior", "receiver_utility", "sender_utility")}
    doc = run_json(capsys, "solve", write(tmp_path, game))
    assert doc["actions"] == ["a0", "a1"] and set(doc["scheme"]) == {"w0", "w1"}


@pytest.mark.parametrize("example, n_states", [("prosecutor.yaml", 2), ("recommendation.yaml", 3)])
def test_plot_writes_an_image(tmp_path, capsys, example, n_states):
    out = tmp_path / "figure.png"
    code, _, err = run(capsys, "solve", EXAMPLES / example, "--plot", out)
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_refuses_four_states_and_says_what_is_missing_without_matplotlib(tmp_path, capsys, monkeypatch):
    four = {"prior": [0.25] * 4, "receiver_utility": [[1, 0, 0, 0], [0, 1, 1, 1]],
            "sender_utility": [[0, 0, 0, 0], [1, 1, 1, 1]]}
    code, out, err = run(capsys, "solve", write(tmp_path, four), "--plot", tmp_path / "x.png")
    assert code == 2 and out == "" and "--plot: draws games with 2 or 3 states; this game has 4" in err
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code, out, err = run(capsys, "solve", EXAMPLES / "prosecutor.yaml", "--plot", tmp_path / "x.png")
    assert code == 2 and "pip install 'persuasion[plot]'" in err and err.count("\n") == 1


# -- malformed files -----------------------------------------------------------------
def prosecutor_with(**changes):
    game = dict(PROSECUTOR)
    for key, value in changes.items():
        if value is None:
            del game[key]
        else:
            game[key] = value
    return game


MALFORMED = {
    "prior does not sum to one": (prosecutor_with(prior=[0.7, 0.2]), "prior: must sum to 1; its entries sum to 0.9"),
    "negative prior": (prosecutor_with(prior=[1.2, -0.2]), "prior: probabilities must be non-negative"),
    "prior too long": (prosecutor_with(prior=[0.5, 0.3, 0.2], states=None),
                       "receiver_utility: must have 3 columns (one per state, as in prior); got 2"),
    "sender rows": (prosecutor_with(sender_utility=[[0, 0]]),
                    "sender_utility: must have 2 rows (one per action, as in receiver_utility); got 1"),
    "ragged matrix": (prosecutor_with(receiver_utility=[[1, 0], [0]]),
                      "receiver_utility: rows must all have the same non-zero length"),
    "too few state names": (prosecutor_with(states=["innocent"]), "states: must have 2 names (one per state); got 1"),
    "duplicate action names": (prosecutor_with(actions=["acquit", "acquit"]), "actions: names must be distinct"),
    "NaN in YAML": ("prior: [.nan, 0.3]\nreceiver_utility: [[1, 0], [0, 1]]\nsender_utility: [[0, 0], [1, 1]]\n",
                    "prior[0]: must be finite; got nan"),
    "NaN as a string": (prosecutor_with(sender_utility=[[0, "nan"], [1, 1]]),
                        "sender_utility[0][1]: must be finite; got 'nan'"),
    "infinity": (prosecutor_with(receiver_utility=[[1, 0], [0, float("inf")]]),
                 "receiver_utility[1][1]: must be finite"),
    "text for a number": (prosecutor_with(prior=["lots", 0.3]),
                          "prior[0]: must be a number or a fraction such as \"1/3\"; got 'lots'"),
    "boolean for a number": (prosecutor_with(sender_utility=[[0, 0], [True, 1]]),
                             "sender_utility[1][0]: must be a number; got True"),
    "unknown key": (prosecutor_with(reciever_utility=[[1, 0], [0, 1]]),
                    "reciever_utility: unknown key; the keys are states, prior, actions"),
    "missing key": (prosecutor_with(sender_utility=None), "sender_utility: missing (required)"),
    "not a matrix": (prosecutor_with(receiver_utility=[1, 0]), "receiver_utility: must be a non-empty list of rows"),
    "bad YAML": ("prior: [0.7, 0.3\nreceiver_utility: [[1, 0], [0, 1]]\n", "file: not valid YAML:"),
    "not a mapping": ("- 0.7\n- 0.3\n", "file: must hold a mapping of keys to values; got list"),
    "empty file": ("", "file: must hold a mapping of keys to values; got NoneType"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_exits_2_with_one_line_naming_the_field(tmp_path, capsys, case):
    content, message = MALFORMED[case]
    path = write(tmp_path, content)
    code, out, err = run(capsys, "solve", path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"persuasion solve: {path}: ")
    assert message in err


def test_bad_json_and_a_missing_file(tmp_path, capsys):
    path = tmp_path / "game.json"
    path.write_text('{"prior": [0.7, 0.3],}')
    code, _, err = run(capsys, "solve", path)
    assert code == 2 and "file: not valid JSON: Expecting property name" in err and err.count("\n") == 1
    path.write_text('{"prior": [NaN, 0.3], "receiver_utility": [[1, 0], [0, 1]], "sender_utility": [[0, 0], [1, 1]]}')
    code, _, err = run(capsys, "solve", path)
    assert code == 2 and "prior[0]: must be finite; got nan" in err
    code, _, err = run(capsys, "solve", tmp_path / "nowhere.yaml")
    assert code == 2 and f"file: no such file: {tmp_path / 'nowhere.yaml'}" in err and err.count("\n") == 1


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    path = write(tmp_path, prosecutor_with(prior=[0.7, 0.2]))
    proc = subprocess.run([sys.executable, "-m", "persuasion.cli", "solve", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"persuasion solve: {path}: prior: must sum to 1; its entries sum to 0.9"]


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    import persuasion

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert persuasion.__version__ == version("persuasion")
    assert capsys.readouterr().out.strip() == f"persuasion {version('persuasion')}"


# -- blackwell -------------------------------------------------------------------------
def test_blackwell_example_garbling_multiplies_out(capsys):
    data = yaml.safe_load((EXAMPLES / "blackwell.yaml").read_text())
    doc = run_json(capsys, "blackwell", EXAMPLES / "blackwell.yaml")
    assert doc["p_dominates_q"] is True and doc["q_dominates_p"] is False and doc["garbling_q_to_p"] is None
    G = np.array([[doc["garbling_p_to_q"][s][t] for t in data["Q_signals"]] for s in data["P_signals"]])
    np.testing.assert_allclose(G.sum(axis=1), 1.0)
    assert (G >= 0).all()
    np.testing.assert_allclose(np.array(data["P"]) @ G, data["Q"], atol=1e-7)
    code, out, _ = run(capsys, "blackwell", EXAMPLES / "blackwell.yaml")
    assert code == 0 and out.startswith("P is strictly more informative than Q")


def test_blackwell_incomparable_and_equivalent_pairs(tmp_path, capsys):
    # Each experiment is perfectly informative about one of three states only: neither garbles the other
    # (a garbling of P cannot separate states 2 and 3, which P pools).
    P = [[1, 0], [0, 1], [0, 1]]
    Q = [[1, 0], [1, 0], [0, 1]]
    doc = run_json(capsys, "blackwell", write(tmp_path, {"P": P, "Q": Q}))
    assert not doc["p_dominates_q"] and not doc["q_dominates_p"]
    # Relabelling the signals gives an equally informative experiment (G is a permutation).
    doc = run_json(capsys, "blackwell", write(tmp_path, {"P": [[0.9, 0.1], [0.3, 0.7]], "Q": [[0.1, 0.9], [0.7, 0.3]]}))
    assert doc["p_dominates_q"] and doc["q_dominates_p"]
    np.testing.assert_allclose([[doc["garbling_p_to_q"][s][t] for t in ("t0", "t1")] for s in ("s0", "s1")],
                               [[0, 1], [1, 0]], atol=1e-7)


@pytest.mark.parametrize("content, message", [
    ({"P": [[0.9, 0.1], [0.2, 0.8]], "Q": [[1.0, 0.0]]}, "Q: must have 2 rows (one per state, as in P); got 1"),
    ({"P": [[0.9, 0.2], [0.2, 0.8]], "Q": [[1.0], [1.0]]}, "P[0]: must sum to 1; its entries sum to 1.1"),
    ({"P": [[1.0]], "Q": [[1.0]], "prior": [1.0]}, "prior: unknown key; the keys are states, P, Q"),
    ({"P": [[1.0]]}, "Q: missing (required)"),
])
def test_blackwell_malformed(tmp_path, capsys, content, message):
    code, _, err = run(capsys, "blackwell", write(tmp_path, content))
    assert code == 2 and message in err and err.count("\n") == 1


# -- delegate -------------------------------------------------------------------------
def test_delegation_example_agrees_with_the_breakpoint_algorithm(capsys):
    from persuasion.delegation_geometry import robust_value_binary
    from persuasion.game_files import load_delegation

    doc = run_json(capsys, "delegate", EXAMPLES / "delegation.yaml")
    problem, _ = load_delegation(EXAMPLES / "delegation.yaml")
    assert doc["delegation_value"] == pytest.approx(robust_value_binary(problem), abs=1e-7)
    # By hand: at any posterior in [1/4, 3/4] both types take the safe action, worth 0.75 to the principal;
    # acting herself she guesses, worth 1/2.
    assert doc["delegation_value"] == pytest.approx(0.75) and doc["blind_value"] == pytest.approx(0.5)
    assert doc["delegate"] is True and doc["guarantee"] == pytest.approx(0.75)
    assert doc["type_values"] == pytest.approx({"aligned": 0.75, "contrarian": 0.75})
    post = np.array([[p["left"], p["right"]] for p in doc["posteriors"]])
    np.testing.assert_allclose(np.array(doc["weights"]) @ post, [0.5, 0.5], atol=1e-9)
    assert all(a["contrarian"] == "safe" for a in doc["agent_actions"])
    code, out, _ = run(capsys, "delegate", EXAMPLES / "delegation.yaml")
    assert code == 0 and out.startswith("the principal should delegate")


def test_delegation_without_a_safe_action_keeps_the_decision_herself(tmp_path, capsys):
    # Same states, no safe action: the contrarian undoes every informative signal, so the worst type gives
    # at most 1/2 and the principal (who gets 1/2 by guessing) does not gain by delegating.
    content = {"prior": [0.5, 0.5], "principal_utility": [[1, 0], [0, 1]],
               "agent_types": {"aligned": [[1, 0], [0, 1]], "contrarian": [[0, 1], [1, 0]]}}
    doc = run_json(capsys, "delegate", write(tmp_path, content))
    assert doc["delegate"] is False and doc["guarantee"] == pytest.approx(0.5)
    assert doc["agent_actions"][0].keys() == {"aligned", "contrarian"}


@pytest.mark.parametrize("change, message", [
    ({"agent_types": [[1, 0], [0, 1]]}, "agent_types: must map each agent type's name to its utility matrix"),
    ({"agent_types": {"aligned": [[1, 0], [0, 1], [0.75, 0.75]], "odd": [[1, 0]]}},
     "agent_types.odd: must have 3 rows (one per agent action, as in delegated_utility); got 1"),
    ({"agent_actions": ["left", "right"]}, "agent_actions: must have 3 names"),
    ({"delegated_utility": [[1, 0, 0], [0, 1, 0]]}, "delegated_utility: must have 2 columns (one per state); got 3"),
])
def test_delegation_malformed(tmp_path, capsys, change, message):
    content = {**yaml.safe_load((EXAMPLES / "delegation.yaml").read_text()), **change}
    code, _, err = run(capsys, "delegate", write(tmp_path, content))
    assert code == 2 and message in err and err.count("\n") == 1


def test_every_example_file_runs(capsys):
    commands = {"blackwell.yaml": "blackwell", "delegation.yaml": "delegate"}
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert {f.name for f in files} >= {"prosecutor.yaml", "recommendation.yaml", "no_information.yaml"}
    for path in files:
        code, out, err = run(capsys, commands.get(path.name, "solve"), path)
        assert code == 0 and out and err == "", path.name


def test_json_on_standard_output_is_json_alone(tmp_path):
    # Solvers may print to file descriptor 1 (HiGHS 1.16 prints a banner); the command sends that to stderr.
    command = [sys.executable, "-m", "persuasion.cli", "solve", str(EXAMPLES / "prosecutor.yaml"), "--json"]
    proc = subprocess.run(command,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["value"] == pytest.approx(0.6)


# -- the API reference -----------------------------------------------------------------
def public_modules() -> list[str]:
    """Every public module of the package but the book's machinery (persuasion.book)."""
    src = ROOT / "src"
    names = []
    for path in sorted((src / "persuasion").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or parts[:2] == ("persuasion", "book") or parts == ("persuasion",):
            continue
        names.append(".".join(parts))
    return names


def public_objects():
    import importlib
    import inspect

    for name in public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if getattr(obj, "__module__", None) == name and (inspect.isclass(obj) or inspect.isfunction(obj)):
                yield f"{name}.{attr}", obj


def test_api_page_documents_every_public_module():
    page = (ROOT / "book" / "api.md").read_text()
    documented = {line.split("::")[1].strip() for line in page.splitlines() if line.startswith(".. automodule::")}
    assert "persuasion.cli" in documented and "persuasion.bayesian_persuasion" in documented
    missing = sorted(set(public_modules()) - documented)
    assert not missing, f"modules without an automodule entry in book/api.md: {missing}"
    toc = (ROOT / "_toc.yml").read_text()
    assert "- file: book/api" in toc


def test_api_page_summary_tables_name_only_what_exists():
    # Sphinx fails the book (warnings are errors) on an autosummary name its module does not export; this
    # catches it in the fast loop, without building the book.
    import importlib

    page = (ROOT / "book" / "api.md").read_text()
    module, in_table, wrong = None, False, []
    for line in page.splitlines():
        if line.startswith(".. automodule::"):
            module, in_table = importlib.import_module(line.split("::")[1].strip()), False
        elif line.strip().startswith(".. autosummary::"):
            in_table = True
        elif in_table and line.startswith("      ") and not line.strip().startswith(":"):
            name = line.strip()
            if name not in getattr(module, "__all__", ()):
                wrong.append(f"{module.__name__}.{name}")
        elif in_table and line.startswith("```"):
            in_table = False
    assert not wrong, f"book/api.md lists names their modules do not export: {wrong}"


def test_every_public_module_lists_its_names():
    # automodule :members: documents exactly __all__; a module without __all__ would show imported names too.
    import importlib

    without = [m for m in public_modules() if not hasattr(importlib.import_module(m), "__all__")]
    assert without == ["persuasion.llm"], without  # persuasion.llm is a namespace of modules, nothing of its own


# Public functions and classes whose docstrings have no example yet. The list may only shrink: a new public
# name needs an example, and a name that gains one must leave the list.
WITHOUT_EXAMPLE = frozenset((ROOT / "tests" / "docstrings_without_example.txt").read_text().split())


def test_public_docstrings_have_examples():
    import inspect

    lacking = {name for name, obj in public_objects() if ">>>" not in (inspect.getdoc(obj) or "")}
    new = sorted(lacking - WITHOUT_EXAMPLE)
    assert not new, f"public docstrings without a doctest example: {new}"
    done = sorted(WITHOUT_EXAMPLE - lacking)
    assert not done, f"these now have examples (or are gone): remove them from docstrings_without_example.txt: {done}"


# -- the README ------------------------------------------------------------------------
def test_readme_shows_the_commands_real_output(capsys):
    readme = (ROOT / "README.md").read_text()
    prompt = "$ persuasion solve examples/prosecutor.yaml\n"
    assert readme.count(prompt) == 1
    shown = readme.split(prompt)[1].split("```")[0]
    code, out, _ = run(capsys, "solve", EXAMPLES / "prosecutor.yaml")
    assert code == 0 and shown == out
    for line in readme.splitlines():  # every example command of the README names a file that exists
        if line.startswith("persuasion ") and "examples/" in line:
            assert (ROOT / line.split()[2]).is_file(), line


def test_import_persuasion_loads_no_heavy_dependency():
    # cvxpy alone takes about a second to import; optimal_signal loads it on first use.
    heavy = "('cvxpy', 'matplotlib', 'torch', 'yaml')"
    code = f"import sys, persuasion; print(sorted(m for m in {heavy} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
