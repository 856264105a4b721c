"""Print the data dictionary (every output table and column) as Markdown, from civic.schema.

The README's "Data dictionary" section is this output; tests/test_docs.py keeps them equal.
Usage: .venv/bin/python scripts/data_dictionary.py [--write README.md]
"""

import re
import sys
from pathlib import Path

from civic.schema import TABLES

START = "<!-- data-dictionary:start"
END = "<!-- data-dictionary:end -->"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: `|` would end the cell (ok | warning | error)."""
    return text.replace("|", "\\|")


def data_dictionary() -> str:
    """Markdown: a heading and a column table per output table."""
    parts = []
    for table in TABLES.values():
        lines = [f"### `{table.name}`", "", table.doc, "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.dtype} | {_cell(c.doc)} |" for c in table.columns]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _section(readme: str) -> re.Match:
    match = re.search(re.escape(START) + r"[^\n]*\n(.*?)" + re.escape(END), readme, re.S)
    if not match:
        raise ValueError(f"README has no {START} ... {END} markers")
    return match


def readme_section(readme: str) -> str:
    """The text between the README's data-dictionary markers."""
    return _section(readme).group(1)


def write_readme(path: Path) -> None:
    """Replace the README's data-dictionary section with the generated one."""
    readme = path.read_text(encoding="utf-8")
    match = _section(readme)
    new = readme[: match.start(1)] + "\n" + data_dictionary() + "\n" + readme[match.end(1):]
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write_readme(Path(sys.argv[2]))
    else:
        print(data_dictionary(), end="")
