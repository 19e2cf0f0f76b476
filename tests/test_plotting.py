import matplotlib.pyplot as plt
import numpy as np
import pytest

from persuasion import PersuasionGame, prosecutor_game
from persuasion.book.plotting import plot_simplex_regions, save_figure, simplex_coords, use_book_style


def test_save_figure_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_FIGURES", str(tmp_path / "figs"))
    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    paths = save_figure(fig, "a-line")
    plt.close(fig)
    assert [p.name for p in paths] == ["a-line.png", "a-line.svg"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_is_deterministic(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSUASION_FIGURES", str(tmp_path))
    use_book_style()
    out = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 0, 1], label="x")
        ax.legend()
        out.append(save_figure(fig, "same", formats=("svg",))[0].read_bytes())
        plt.close(fig)
    assert out[0] == out[1]


@pytest.mark.parametrize("name", ["", "../escape", "with space", "a/b"])
def test_save_figure_rejects_bad_names(name):
    fig = plt.figure()
    with pytest.raises(ValueError, match="name must be a plain file stem"):
        save_figure(fig, name)
    plt.close(fig)


def test_simplex_coords_corners_and_centre():
    np.testing.assert_allclose(simplex_coords(np.eye(3)), [[0, 0], [1, 0], [0.5, np.sqrt(3) / 2]])
    np.testing.assert_allclose(simplex_coords([1 / 3, 1 / 3, 1 / 3]), [0.5, np.sqrt(3) / 6])
    with pytest.raises(ValueError, match="last axis of length 3"):
        simplex_coords([0.5, 0.5])


def test_simplex_regions_cover_the_triangle():
    g = PersuasionGame([1 / 3] * 3, np.eye(3), np.zeros((3, 3)))
    fig, ax = plt.subplots()
    patches = plot_simplex_regions(ax, g)
    area = sum(_area(p.get_xy()) for p in patches)
    plt.close(fig)
    assert len(patches) == 3
    assert area == pytest.approx(np.sqrt(3) / 4, rel=1e-9)
    with pytest.raises(ValueError, match="3 states"):
        plot_simplex_regions(ax, prosecutor_game())


def _area(xy):
    x, y = np.asarray(xy)[:, 0], np.asarray(xy)[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def test_plot_scaling_draws_one_line_per_series_and_checks_lengths():
    from persuasion.book.plotting import plot_scaling

    fig, ax = plt.subplots()
    plot_scaling(ax, {"a": ([1, 10], [0.1, 1.0], ["n=1", "n=2"]), "b": ([1, 10], [0.2, 3.0])}, xlabel="x", ylabel="y")
    assert len(ax.get_lines()) == 2 and len(ax.texts) == 2
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match=r"same length; got shapes \(2,\) and \(3,\)"):
        plot_scaling(ax, {"c": ([1, 2], [1, 2, 3])}, xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match=r"one note per point \(2\); got 1"):
        plot_scaling(ax, {"d": ([1, 2], [1, 2], ["only one"])}, xlabel="x", ylabel="y")
    plt.close(fig)


def test_plot_scaling_puts_each_note_on_the_side_away_from_the_other_curve():
    from persuasion.book.plotting import plot_scaling

    fig, ax = plt.subplots()
    # the second series runs above the first at x = 2, 4 and below it at x = 8 (x = 16 is beyond the first)
    plot_scaling(ax, {"low": ([1, 10], [1.0, 10.0]),
                      "mixed": ([2, 4, 8, 16], [5.0, 9.0, 3.0, 30.0], ["a", "b", "c", "d"])},
                 xlabel="x", ylabel="y")
    side = {t.get_text(): t.get_position()[1] > 0 for t in ax.texts}  # offset points: + above, - below
    assert side == {"a": True, "b": True, "c": False, "d": False}  # "d": the second series' default, below
    plt.close(fig)
