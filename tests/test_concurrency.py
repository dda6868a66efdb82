"""Any Python thread may call any fastact function; fastact keeps working after os.fork."""

import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import fastact
from fastact._threads import DEFAULT_GRAIN

SIZES = (10, 1_000, 3_000_000)  # the largest crosses the threading threshold


def test_eight_threads_many_calls_give_the_serial_results():
    names = ["sigmoid", "dtanh", "sigmoid_backward", "relu", "prelu", "d2sigmoid"]
    rng = np.random.default_rng(7)
    inputs = {size: [rng.uniform(-10, 10, size) for _ in range(3)] for size in SIZES}
    ufuncs = [getattr(fastact, name) for name in names]
    expected = {(u.__name__, s): u(*inputs[s][: u.nin]) for u in ufuncs for s in SIZES}
    failures = []

    def worker(seed):
        order = np.random.default_rng(seed)
        for _ in range(40):
            u = ufuncs[order.integers(len(ufuncs))]
            size = SIZES[order.integers(len(SIZES))]
            if not np.array_equal(u(*inputs[size][: u.nin]), expected[(u.__name__, size)]):
                failures.append((u.__name__, size))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.fixture
def threads_on_tiny_arrays():
    """Split every call with more than 3 elements over 3 threads, then restore the defaults."""
    threads = fastact.get_num_threads()
    fastact.set_num_threads(3, grain=1)
    yield
    fastact.set_num_threads(threads, grain=DEFAULT_GRAIN)


@pytest.mark.parametrize("name", list(fastact.UFUNCS))
def test_threaded_split_matches_serial_for_every_layout(name, threads_on_tiny_arrays):
    u = getattr(fastact, name)
    rng = np.random.default_rng(11)
    base = [rng.uniform(-4, 4, (9, 130)) for _ in range(u.nin)]
    layouts = {
        "contiguous": base,
        "strided": [a[::2, ::-3] for a in base],
        "broadcast": [base[0]] + [np.float64(0.3)] * (u.nin - 1),
        "float32": [a.astype(np.float32) for a in base],
    }
    for layout, inputs in layouts.items():
        threaded = u(*inputs)
        masked = np.zeros_like(threaded)
        u(*inputs, out=masked, where=threaded > 0)
        fastact.set_num_threads(1)
        serial = u(*inputs)
        fastact.set_num_threads(3, grain=1)
        np.testing.assert_array_equal(threaded, serial, err_msg=layout)
        np.testing.assert_array_equal(masked, np.where(serial > 0, serial, 0), err_msg=layout)


def test_set_num_threads_rejects_zero():
    with pytest.raises(ValueError, match="threads must be >= 1"):
        fastact.set_num_threads(0)


def test_lazy_build_from_many_threads_gives_one_ufunc():
    script = textwrap.dedent(
        """
        import threading, fastact
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(fastact.dtanh)) for _ in range(8)]
        [t.start() for t in threads]; [t.join() for t in threads]
        assert len({id(u) for u in seen}) == 1, seen
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_works_in_a_forked_child_after_use_in_the_parent():
    script = textwrap.dedent(
        """
        import os, numpy as np, fastact
        x = np.linspace(-30, 30, 3_000_000)
        parent = fastact.sigmoid(x)
        pid = os.fork()
        if pid == 0:
            ok = np.array_equal(fastact.sigmoid(x), parent) and np.isfinite(fastact.dtanh(x)).all()
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        print("forked child ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "forked child ok" in result.stdout, result.stderr
