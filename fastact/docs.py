"""The README's function table, generated from the activation table.

``python -m fastact.docs`` rewrites the block between the markers in
README.md; a test fails when the README is out of date.
"""

import pathlib

from ._schema import ROLES, ufunc_name
from ._table import ACTIVATIONS

START, END = "<!-- functions:start -->", "<!-- functions:end -->"


def functions_markdown():
    header = "| activation | parameters (defaults) | ufuncs | notes |\n|---|---|---|---|"
    rows = []
    for activation in ACTIVATIONS:
        params = ", ".join(f"{p.name}={p.default!r}" for p in activation.params) or "-"
        bases = [activation.name] + ([activation.general_name] if activation.params else [])
        names = [ufunc_name(base, role) for base in bases for role in ROLES if activation.has_role(role)]
        ufuncs = ", ".join(f"`{n}`" for n in names)
        rows.append(f"| {activation.summary} | {params} | {ufuncs} | {activation.edges} |")
    return "\n".join([header, *rows])


def readme_path():
    return pathlib.Path(__file__).resolve().parent.parent / "README.md"


def render_readme(text):
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{functions_markdown()}\n{END}{after}"


if __name__ == "__main__":
    path = readme_path()
    path.write_text(render_readme(path.read_text()))
