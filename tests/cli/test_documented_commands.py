"""Every `surveyapp` command line in the README and docs/ is one the installed command accepts,
and the README's first session runs as written, line by line, through the installed console script."""
from __future__ import annotations

import os
import re
import subprocess

import click

from surveyapp import create_app
from tests.cli.conftest import SCRIPT, environment
from tests.conftest import PROJECT

DOCUMENTS = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
SESSION_HEADING = "A first session on the demo data"


def documented_command_lines() -> list[tuple[str, str]]:
    """Return (where, command line) for every `surveyapp ...` in backticks or an indented code line."""
    found = []
    for path in DOCUMENTS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            spans = re.findall(r"`(surveyapp [^`]+)`", line)
            if line.startswith("    ") and re.search(r"(^|[\s|])surveyapp [a-z]", line):
                spans.append(line[re.search(r"(^|[\s|])surveyapp [a-z]", line).start():].strip(" |"))
            found += [(f"{path.relative_to(PROJECT)}:{number}", span) for span in spans]
    return found


def readme_session() -> list[str]:
    """Return the command lines of the README's first session, as written."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = text.split(SESSION_HEADING, 1)[1].split("\n\n", 2)[1]
    return [line[4:] for line in block.splitlines() if line.startswith("    ")]


def command_and_options(tokens: list[str], top: click.Group) -> tuple[str, list[str]]:
    """Follow the tokens down the command tree; return the problem ("" when none)."""
    command, path = top, ["surveyapp"]
    words = [t.strip("[]()|\\") for t in tokens]
    words = [w for w in words if w and w not in ("\\|", "|")]
    rest = iter(words)
    for word in rest:
        if not isinstance(command, click.Group) or word.startswith("-"):
            rest = iter([word, *rest])
            break
        sub = command.commands.get(word)
        if sub is None:
            return f"{' '.join(path)} has no command {word!r}"
        command, path = sub, [*path, word]
    known = {name for param in command.params for name in (*param.opts, *param.secondary_opts)} | {"--help"}
    for word in rest:
        option = word.split("=", 1)[0]
        if option.startswith("-") and option not in known and not option.startswith("--format") and len(option) > 1:
            return f"{' '.join(path)} has no option {option}"
        if option.startswith("--format") and "--format" not in known:
            return f"{' '.join(path)} has no option --format"
    return ""


def test_every_documented_command_line_names_commands_and_options_that_exist(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "unused.sqlite"), "SECRET_KEY": "docs"})
    lines = documented_command_lines()
    assert len(lines) > 40  # the README table, the first session and docs/
    problems = []
    for where, line in lines:
        tokens = line.replace("\\|", " | ").split()
        problem = command_and_options(tokens[1:], app.cli)
        if problem:
            problems.append(f"{where}: `{line}`: {problem}")
    assert problems == []


def test_the_checker_catches_a_command_or_option_that_does_not_exist(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "unused.sqlite"), "SECRET_KEY": "docs"})
    assert command_and_options(["benchmarks", "--round", "ID"], app.cli) == "surveyapp has no command 'benchmarks'"
    assert command_and_options(["users", "create", "--passwd", "P"], app.cli) == "surveyapp users create has no option --passwd"
    assert command_and_options(["users", "create", "--email", "E", "--password-stdin"], app.cli) == ""


def test_the_readme_first_session_runs_as_written(tmp_path):
    """Run each line with bash, the venv's bin first on PATH, as a person pastes it."""
    lines = readme_session()
    assert lines[:2] == ["surveyapp init-db", "surveyapp demo"] and len(lines) >= 10
    env = {**os.environ, **environment(tmp_path / "surveyapp.sqlite", tmp_path / "logs"),
           "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    outputs = []
    for line in lines:
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"`{line}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr, line
        outputs.append(done.stdout)
    assert (tmp_path / "reports-out" / "angus.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "round-4.csv").read_text(encoding="utf-8").startswith("organisation,area,sector,respondent")
    said = dict(zip(lines, outputs))
    assert "2025/26 strategic planning self-assessment" in said["surveyapp rounds list"]
    assert any(out.startswith("Created new.lead@example.org") for out in outputs)
