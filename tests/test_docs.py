import fastact
from fastact import docs


def test_readme_function_table_is_current():
    text = docs.readme_path().read_text()
    assert docs.render_readme(text) == text, "README is out of date: run python -m fastact.docs"


def test_every_table_entry_has_reference_and_textbook_formula():
    from fastact._mpmath_reference import REFERENCES
    from fastact._textbook import TEXTBOOK

    for activation in fastact.ACTIVATIONS:
        roles = {"forward", "derivative", "second_derivative"}
        if activation.derivative_from_output is not None:
            roles.add("derivative_from_output")
        assert roles <= set(REFERENCES[activation.name]), activation.name
        assert roles <= set(TEXTBOOK[activation.name]), activation.name


def test_function_table_rows_have_four_cells():
    # A "|" inside a summary or an edge note would split a README table cell.
    for row in docs.functions_markdown().splitlines():
        assert row.count("|") == 5, row
