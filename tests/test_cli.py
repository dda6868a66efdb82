"""The report (python -m fastact) and the plot command, run as a user would."""

import json
import os
import subprocess
import sys

import pytest


def run_fastact(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "fastact", *args], capture_output=True, text=True, timeout=600, **kwargs
    )


def test_report_table_and_json(tmp_path):
    out = tmp_path / "report.json"
    result = run_fastact(
        "--functions", "sigmoid,drelu", "--dtype", "float32", "--size", "100,1000", "--json", str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("dsigmoid ") for line in lines)
    assert any(line.startswith("drelu ") for line in lines)
    rows = json.loads(out.read_text())["rows"]
    assert {r["function"] for r in rows} == {
        "sigmoid",
        "dsigmoid",
        "d2sigmoid",
        "dsigmoid_from_output",
        "sigmoid_backward",
        "sigmoid_backward_from_output",
        "sigmoid_gain",
        "dsigmoid_gain",
        "d2sigmoid_gain",
        "dsigmoid_gain_from_output",
        "sigmoid_gain_backward",
        "sigmoid_gain_backward_from_output",
        "drelu",
    }
    by_name = {r["function"]: r for r in rows}
    assert by_name["dsigmoid"]["warnings_fastact"] == 0
    assert by_name["dsigmoid"]["warnings_numpy"] > 0
    assert by_name["dsigmoid"]["ulp_fastact"] <= 4
    assert by_name["dsigmoid"]["dtype"] == "float32"
    assert all(r["ratio_100"] > 0 and r["ratio_1000"] > 0 for r in rows)
    assert "[" in result.stderr  # progress line


def test_report_without_mpmath_says_accuracy_was_skipped(tmp_path):
    blocker = tmp_path / "mpmath.py"
    blocker.write_text("raise ImportError('blocked for this test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = run_fastact("--functions", "relu", "--size", "100", env=env)
    assert result.returncode == 0, result.stderr
    assert "accuracy skipped" in result.stdout


def test_report_rejects_unknown_function():
    result = run_fastact("--functions", "nope")
    assert result.returncode != 0 and "unknown function 'nope'" in result.stderr


def test_plot_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "sigmoid.png"
    result = run_fastact("plot", "sigmoid", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_plot_without_matplotlib_exits_2(tmp_path):
    blocker = tmp_path / "matplotlib.py"
    blocker.write_text("raise ImportError('blocked for this test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = run_fastact("plot", "sigmoid", "--out", str(tmp_path / "x.png"), env=env)
    assert result.returncode == 2 and "pip install" in result.stderr


def test_default_report_rows_are_f_and_df_of_every_activation():
    import fastact
    from fastact._report import select_ufuncs

    assert select_ufuncs(None) == [n for a in fastact.ACTIVATIONS for n in (a.name, "d" + a.name)]
    assert select_ufuncs(["all"]) == list(fastact.UFUNCS)
