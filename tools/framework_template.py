"""Write frameworks/templates/framework-template.xlsx from its YAML source, with the lists sheet."""
from __future__ import annotations

from pathlib import Path

from surveyapp.accounts.organisations import vocabulary_lists
from surveyapp.frameworks.loader import framework_from_definition, read_definition
from surveyapp.frameworks.workbook_write import workbook_bytes

FOLDER = Path(__file__).resolve().parent.parent / "frameworks" / "templates"


def main() -> None:
    """Validate the template's source and write the workbook next to it."""
    data, lines = read_definition(FOLDER / "framework-template.yaml")
    framework_from_definition(data, "framework-template.yaml", lines)
    (FOLDER / "framework-template.xlsx").write_bytes(workbook_bytes(data, vocabulary_lists()))


if __name__ == "__main__":
    main()
