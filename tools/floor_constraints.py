"""Write a pip constraints file pinning every requirement in setup.cfg to its declared lower bound.

`make test-floors` installs the package with this file, so the suite runs on exactly the
oldest versions setup.cfg allows (dependencies of dependencies are left to pip).
"""
from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

SETUP_CFG = Path(__file__).resolve().parent.parent / "setup.cfg"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def requirement_lines(config: configparser.ConfigParser) -> list[str]:
    """Return install_requires and every extra's requirements, one per line."""
    lines = config.get("options", "install_requires", fallback="").splitlines()
    if config.has_section("options.extras_require"):
        for _, value in config.items("options.extras_require"):
            lines += value.splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def floor_pins(lines: list[str]) -> list[str]:
    """Return name==floor for each requirement with a >= bound (or an exact == pin); refuse one without."""
    pins = []
    for line in lines:
        match = REQUIREMENT.match(line.split(";")[0])
        name, spec = match.group(1), match.group(3)
        floors = re.findall(r"(?:>=|==)\s*([0-9][^,\s]*)", spec)
        if not floors:
            raise SystemExit(f"setup.cfg: {line!r} declares no lower bound (>= or ==)")
        pins.append(f"{name}=={floors[0]}")
    return pins


def check_installed(pins: list[str]) -> int:
    """Print each pinned package's installed version; return 1 if any differs from its floor."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import Version

    wrong = 0
    for pin in pins:
        name, floor = pin.split("==")
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        same = installed != "missing" and Version(installed) == Version(floor)
        wrong += not same
        print(f"{name:<16} floor {floor:<8} installed {installed}{'' if same else '  <- not the floor'}")
    return 1 if wrong else 0


def main(argv: list[str]) -> int:
    """Print the constraints, write them to the file named, or with --check compare what is installed."""
    config = configparser.ConfigParser()
    config.read(SETUP_CFG)
    pins = floor_pins(requirement_lines(config))
    if argv[1:] == ["--check"]:
        return check_installed(pins)
    text = "".join(pin + "\n" for pin in pins)
    if len(argv) > 1:
        Path(argv[1]).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
