"""`bash scripts/demo.sh`, the README's first command: it installs what the desktop needs.

The installers themselves (apt-get, pip) cannot run in a test, so the demo script runs
from a copy of `scripts/` in which `setup-env.sh` and `.venv/bin/cti` record how they
were called; what `setup-env.sh` installs for each extra is asked of the real script.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_XCB_PACKAGES = {  # DESIGN.md: without libxcb-cursor0 the xcb plugin refuses to load
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxkbcommon-x11-0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-xkb1",
}
RECORDER = '#!/usr/bin/env bash\nprintf "%s|%s\\n" "$(basename "$0")" "$*" >> "$RECORD"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of demo.sh next to a recording setup-env.sh and .venv/bin/cti."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "demo.sh", tmp_path / "scripts" / "demo.sh")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    for stub in (tmp_path / "scripts" / "setup-env.sh", tmp_path / ".venv" / "bin" / "cti"):
        stub.write_text(RECORDER, encoding="utf-8")
        stub.chmod(0o755)
    return tmp_path


def run_demo_script(project: Path, *args: str, display: str | None) -> list[str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    if display is not None:
        env["DISPLAY"] = display
    env["RECORD"] = str(project / "record")
    subprocess.run(
        ["bash", str(project / "scripts" / "demo.sh"), *args], env=env, check=True, timeout=60
    )
    return (project / "record").read_text(encoding="utf-8").splitlines()


def debian_packages(extras: str) -> list[str]:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup-env.sh"), "--debian-packages", extras],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.split()


def test_demo_script_installs_the_desktop_extra_when_a_display_exists(project: Path) -> None:
    calls = run_demo_script(project, "--calls", "2", display=":7")
    assert calls == ["setup-env.sh|desktop,demo", "cti|demo --calls 2"]


def test_demo_script_without_a_display_installs_only_the_demo_extra(project: Path) -> None:
    calls = run_demo_script(project, "--calls", "2", display=None)
    assert calls == ["setup-env.sh|demo", "cti|demo --calls 2"]


def test_demo_script_with_no_desktop_installs_only_the_demo_extra(project: Path) -> None:
    calls = run_demo_script(project, "--no-desktop", display=":7")
    assert calls == ["setup-env.sh|demo", "cti|demo --no-desktop"]


def test_demo_extra_brings_dovecot_for_the_customers_mailbox_and_nothing_else() -> None:
    assert debian_packages("demo") == ["dovecot-imapd"]


def test_desktop_extra_brings_the_debian_packages_of_qt_xcb() -> None:
    packages = debian_packages("desktop")
    assert set(packages) >= QT_XCB_PACKAGES
    assert "sip-tester" not in packages, "the demo needs no SIP test peer"
    assert len(packages) == len(set(packages))


def test_no_extra_needs_no_debian_package() -> None:
    assert debian_packages("") == []


def test_test_extras_bring_xvfb_sipp_tmux_and_the_xcb_packages() -> None:
    packages = set(debian_packages("desktop,softphone,dev"))
    assert {"xvfb", "sip-tester", "tmux", "fonts-droid-fallback"} | QT_XCB_PACKAGES <= packages


def test_missing_desktop_extra_is_named_with_the_command_that_installs_it_into_venv() -> None:
    hide_pyqt = (
        "import sys; sys.modules['PyQt6'] = None; from cti.cli import main; "
        "sys.exit(main(['demo', '--desktop', '--calls', '1']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", hide_pyqt],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "DISPLAY": ":7"},
    )
    assert result.returncode == 2
    assert "the desktop extra is not installed" in result.stderr
    assert ".venv/bin/python -m pip install -e '.[desktop]'" in result.stderr
    assert "(pip install" not in result.stderr, "a bare pip may install outside .venv"


@pytest.fixture
def installed_venv(tmp_path: Path) -> Path:
    """A copy of setup-env.sh next to the project's setup files, a .venv whose python
    records its calls, and a dpkg that says every Debian package is there."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup-env.sh", tmp_path / "scripts" / "setup-env.sh")
    for name in ("setup.cfg", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    for stub, text in (
        (tmp_path / ".venv" / "bin" / "python", RECORDER),
        (tmp_path / "tools" / "dpkg", "#!/usr/bin/env bash\nexit 0\n"),
    ):
        stub.write_text(text, encoding="utf-8")
        stub.chmod(0o755)
    return tmp_path


def stamp(project: Path, extras: str) -> Path:
    """The file setup-env.sh leaves after installing these sources with these extras."""
    sources = b"".join((project / name).read_bytes() for name in ("setup.cfg", "pyproject.toml"))
    digest = hashlib.sha1(sources, usedforsecurity=False).hexdigest()[:12]
    return project / ".venv" / f".installed-{digest}-{extras.replace(',', '_')}"


def run_setup_env(project: Path, extras: str) -> list[str]:
    env = {**os.environ, "RECORD": str(project / "record")}
    env["PATH"] = f"{project / 'tools'}{os.pathsep}{env['PATH']}"
    subprocess.run(
        ["bash", str(project / "scripts" / "setup-env.sh"), extras],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    record = project / "record"
    return record.read_text(encoding="utf-8").splitlines() if record.exists() else []


@pytest.mark.parametrize("fewer", ["desktop,dev", "dev", "desktop", ""])
def test_setup_env_does_not_reinstall_a_venv_that_has_more_extras(
    installed_venv: Path, fewer: str
) -> None:
    """scripts/screenshot.sh asks for desktop,dev after scripts/test.sh installed all."""
    stamp(installed_venv, "desktop,softphone,dev").touch()
    assert run_setup_env(installed_venv, fewer) == []


def test_setup_env_installs_when_an_extra_is_missing_and_remembers_it(
    installed_venv: Path,
) -> None:
    stamp(installed_venv, "dev").touch()
    calls = run_setup_env(installed_venv, "desktop,dev")
    assert calls[-1] == "python|-m pip install -qq -e .[desktop,dev]"
    assert stamp(installed_venv, "desktop,dev").is_file()
    assert run_setup_env(installed_venv, "desktop,dev") == calls, "no second install"
