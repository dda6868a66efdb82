"""Command line: ``python -m fastact`` (the report) and ``python -m fastact plot NAME``."""

import argparse
import sys

import numpy as np


def report_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m fastact",
        description="Side-by-side report of fastact against the textbook NumPy formulas "
        "(speed ratio, max ULP error against mpmath, floating-point warnings). "
        "'python -m fastact plot NAME' draws a function and its derivatives.",
    )
    parser.add_argument(
        "--functions",
        help="comma-separated ufunc or activation names, or 'all' for every ufunc "
        "(default: f and f' of every activation)",
    )
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    parser.add_argument(
        "--size", default="1000,1000000", help="comma-separated array sizes to time (default: 1000,1000000)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    from ._report import run

    names = [n.strip() for n in args.functions.split(",")] if args.functions else None
    sizes = tuple(int(float(s)) for s in args.size.split(","))
    run(names, np.dtype(args.dtype).type, sizes, args.json)
    return 0


def plot_main(argv):
    parser = argparse.ArgumentParser(prog="python -m fastact plot", description="Plot f, f' and f''.")
    parser.add_argument("name", help="activation name, e.g. sigmoid")
    parser.add_argument("--out", metavar="FILE.png", help="output file (default: NAME.png)")
    args = parser.parse_args(argv)
    from ._plot import plot

    return plot(args.name, args.out or f"{args.name}.png")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["plot"]:
        return plot_main(argv[1:])
    return report_main(argv)


if __name__ == "__main__":
    sys.exit(main())
