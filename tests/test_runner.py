"""The notebook runner fails loudly and leaves nothing that looks finished."""

import os
import textwrap

import pytest

from persuasion.book.runner import execute, loopback_problem, main

BAD = textwrap.dedent(
    '''\
    # %% tags=["parameters"]
    scale = "book"

    # %%
    x = 1

    # %%
    def broken():
        return 1 / 0

    broken()
    '''
)


@pytest.mark.notebook  # starts a kernel
def test_failing_cell_is_reported(tmp_path):
    src = tmp_path / "99_bad.py"
    src.write_text(BAD)
    out = tmp_path / "out" / "99_bad.ipynb"
    with pytest.raises(RuntimeError) as info:
        execute(src, out, scale="smoke")
    message = str(info.value)
    assert "--- failing cell ---" in message and "def broken():" in message
    assert "ZeroDivisionError" in message
    assert not out.exists()
    assert (tmp_path / "out" / "99_bad.failed.ipynb").exists()
    assert main([str(src), str(out), "--scale", "smoke"]) == 1


@pytest.mark.notebook  # starts a kernel
def test_scale_is_injected_and_default_hidden(tmp_path):
    import nbformat

    src = tmp_path / "98_ok.py"
    src.write_text(
        '# %% tags=["parameters"]\nscale = "book"\n\n# %%\nassert scale in ("smoke", "book")\nprint(scale)\n'
    )
    for scale, hidden in (("smoke", False), ("book", True)):
        out = tmp_path / f"{scale}.ipynb"
        execute(src, out, scale=scale)
        nb = nbformat.read(out, as_version=4)
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert f'scale = "{scale}"' in injected.source
        assert ("remove-cell" in injected.metadata["tags"]) is hidden
        assert nb.cells[-1].outputs[0]["text"].strip() == scale


@pytest.mark.notebook  # starts a kernel
def test_the_kernel_gets_the_figure_folder_and_the_caller_keeps_its_own(tmp_path, monkeypatch):
    import nbformat

    monkeypatch.setenv("PERSUASION_FIGURES", str(tmp_path / "callers"))
    src = tmp_path / "97_figures.py"
    src.write_text('# %% tags=["parameters"]\nscale = "book"\n\n'
                   '# %%\nimport os\nprint(os.environ["PERSUASION_FIGURES"])\n')
    execute(src, tmp_path / "out.ipynb", scale="smoke", figures=tmp_path / "figs")
    printed = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[-1].outputs[0]["text"].strip()
    assert printed == str((tmp_path / "figs").resolve())
    assert os.environ["PERSUASION_FIGURES"] == str(tmp_path / "callers")  # not left pointing at the run's folder


def test_bad_scale(tmp_path):
    with pytest.raises(ValueError, match=r"scale must be one of \('smoke', 'book', 'full'\); got 'huge'"):
        execute(tmp_path / "x.py", tmp_path / "x.ipynb", scale="huge")


@pytest.mark.notebook  # starts a kernel
def test_other_parameters_are_injected_from_the_command_line(tmp_path, capsys):
    import nbformat

    src = tmp_path / "97_seed.py"
    src.write_text('# %% tags=["parameters"]\nscale = "book"\nseed = 0\n\n# %%\nprint(f"seed={seed!r}")\n')
    out = tmp_path / "seed.ipynb"
    assert main([str(src), str(out), "--scale", "smoke", "-p", "seed=2"]) == 0
    nb = nbformat.read(out, as_version=4)
    assert "seed=2\n" in nb.cells[-1].outputs[0]["text"]  # an int, not the string "2"
    with pytest.raises(SystemExit):
        main([str(src), str(out), "-p", "seed"])
    assert "--parameter must look like NAME=VALUE; got 'seed'" in capsys.readouterr().err


def _no_loopback(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_loopback_is_up_here():
    assert loopback_problem() is None


def test_loopback_down_is_said_in_one_line(tmp_path, monkeypatch, capsys):
    src = tmp_path / "96_ok.py"
    src.write_text('# %% tags=["parameters"]\nscale = "book"\n')
    out = tmp_path / "ok.ipynb"
    _no_loopback(monkeypatch)
    with pytest.raises(RuntimeError, match=r"loopback interface \(127\.0\.0\.1\) is down or unusable \(Network is"):
        execute(src, out, scale="smoke")
    assert main([str(src), str(out), "--scale", "smoke"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "loopback" in err and "Kernel didn't respond" not in err
    assert not out.exists()


def test_tidy_drops_streams_of_white_space_only(tmp_path):
    import nbformat

    from persuasion.book.runner import _tidy

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('x')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="x\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": " "}, execution_count=1)]
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    _tidy(path, "smoke", hide_defaults=True)
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o.output_type, o.get("text")) for o in outputs] == [("stream", "x\n"), ("execute_result", None)]
