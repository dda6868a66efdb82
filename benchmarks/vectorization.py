"""Do fastact's inner loops vectorize, and how fast are they on an in-cache array?

    PYTHONPATH=. python benchmarks/vectorization.py [name ...]

For each function (default: the activations below and the elementary kernels)
and each loop dtype, this compiles the ufunc's inner loop afresh (Numba shows
no assembly for cached code), counts the packed 256- and 512-bit (ymm, zmm) floating-point
arithmetic instructions in it and gives the widest register they use (512 on AVX-512 CPUs:
the loops ask LLVM for it, fastact._loops.prefer_wide_vectors), lists any call it makes
besides the loop's feclearexcept, memcpy and the large-array thread split (a libm call
means LLVM scalarized that part: "partly" vectorized), and times the ufunc on 4096 elements (median of
repeats, ns per element, one thread: 4096 elements are below the threading
grain) next to np.exp on the same array. float32 loops run the float32-accuracy
elementary kernels (fastact._single), as the ufuncs do.
"""

import re
import sys
import time

import numpy as np

import fastact
from fastact import _elementary
from fastact._build import LOOP_DTYPES, scalar_kernel, ufunc_from_kernel
from fastact._loops import compile_loop

ACTIVATIONS = (
    "sigmoid",
    "dsigmoid",
    "d2sigmoid",
    "sigmoid_backward",
    "tanh",
    "dtanh",
    "relu",
    "leaky_relu",
    "prelu",
)
ELEMENTARY = tuple(f"elementary.{name}" for name in ("exp", "expm1", "log", "log1p", "tanh", "erf", "erfc"))
SIZE = 4096
REPEATS = 15
CALLS_PER_REPEAT = 200

PACKED_ARITHMETIC = re.compile(
    r"^\s*v(?:f?n?m(?:add|sub)\d*|add|sub|mul|div|min|max|sqrt|blendv|cmp\w*|and|andn|or|xor|cvt\w*)"
    r"p[sd]\b[^\n]*%[yz]mm",
    re.MULTILINE,
)
EXPECTED_CALLS = {"feclearexcept", "memcpy", "memset", "pthread_create", "pthread_join"}
# The cfunc's C wrapper calls the loop and reports errors through these.
CPYTHON_WRAPPER_PREFIXES = ("Py", "_Py", "numba_", "NRT_", "_ZN7fastact6_loops", "_ZN7fastact8_threads")


def loop_for(name, dtype):
    """(inner loop cfunc, ufunc) for a fastact ufunc or an ``elementary.<kernel>``."""
    if name in fastact.UFUNCS:
        spec = fastact.UFUNCS[name]
        return compile_loop(scalar_kernel(spec), spec.nin, dtype, name, cache=False), getattr(fastact, name)
    kernel = getattr(_elementary, name.removeprefix("elementary."))
    loop_name = name.replace(".", "_")
    loop = compile_loop(kernel, 1, dtype, loop_name, cache=False)
    return loop, ufunc_from_kernel(loop_name, "", kernel, 1, (dtype,))


def called_symbols(assembly):
    """Targets of the code's calls: each ``callq *%reg`` after a ``movabsq $symbol, %reg``.

    LLVM math intrinsics that have no instruction (llvm.exp, ...) show up
    here as the libm functions they become.
    """
    loaded, called = {}, set()
    for line in assembly.splitlines():
        move = re.match(r"\s*movabsq\s+\$([\w.$]+), (%\w+)", line)
        if move:
            loaded[move.group(2)] = move.group(1)
        call = re.match(r"\s*callq\s+\*(%\w+)", line)
        if call:
            called.add(loaded.get(call.group(1), "?"))
    return called


def inspect(loop):
    """(packed ymm/zmm arithmetic instructions, widest register bits, unexpected calls) in the loop's code."""
    assembly = loop._library.get_asm_str()
    calls = {
        symbol
        for symbol in called_symbols(assembly)
        if symbol not in EXPECTED_CALLS and not symbol.startswith(CPYTHON_WRAPPER_PREFIXES)
    }
    packed = PACKED_ARITHMETIC.findall(assembly)
    width = 512 if any("%zmm" in line for line in packed) else 256 if packed else 0
    return len(packed), width, sorted(calls)


def ns_per_element(function, *arguments):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS_PER_REPEAT):
            function(*arguments)
        times.append((time.perf_counter() - start) / CALLS_PER_REPEAT / SIZE * 1e9)
    return float(np.median(times))


def inputs(name, nin, dtype):
    rng = np.random.default_rng(0)
    low = 0.0 if name.startswith("elementary.log") else -10.0
    return [rng.uniform(low, 10.0, SIZE).astype(dtype) for _ in range(nin)]


def main(names):
    header = ("function", "dtype", "vectorized", "y/zmm ops", "bits", "calls", "ns/elem", "np.exp", "ratio")
    print("{:18s} {:8s} {:10s} {:>8s} {:>4s} {:12s} {:>8s} {:>8s} {:>6s}".format(*header))
    for name in names:
        for dtype in LOOP_DTYPES:
            loop, ufunc = loop_for(name, dtype)
            packed, width, calls = inspect(loop)
            arguments = inputs(name, ufunc.nin, dtype)
            out = np.empty(SIZE, dtype)
            ours = ns_per_element(ufunc, *arguments, out)
            reference = ns_per_element(np.exp, arguments[-1], out)
            vectorized = "no" if not packed else ("partly" if calls else "yes")
            called = ",".join(calls) or "-"
            print(
                f"{name:18s} {np.dtype(dtype).name:8s} {vectorized:10s} {packed:8d} {width:4d} {called:12s} "
                f"{ours:8.2f} {reference:8.2f} {ours / reference:6.2f}"
            )


if __name__ == "__main__":
    main(sys.argv[1:] or [*ACTIVATIONS, *ELEMENTARY])
