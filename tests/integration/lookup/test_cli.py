"""`cti contacts import` and `cti lookup` as an admin runs them: real processes."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.helpers import FIXTURES

ROOT = Path(__file__).resolve().parents[3]
CONTACTS = FIXTURES / "contacts"


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k != "CTI_CONFIG_DIR"}
    return clean | {"PYTHONUTF8": "1", "PYTHONPATH": str(ROOT), "CRM_TOKEN": "s3cr3t-token"}


def cti(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cti.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env(),
    )


def dump(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def test_import_reports_each_rejected_row_and_imports_the_rest(tmp_path: Path) -> None:
    result = cti("contacts", "import", str(CONTACTS / "bad_rows.csv"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    file = CONTACTS / "bad_rows.csv"
    assert result.stdout.splitlines() == [
        f"cti contacts: {file}:3: rejected: invalid phone number '12'",
        f"cti contacts: {file}:4: rejected: empty name",
        f"cti contacts: {file}:5: rejected: expected 3 fields, got 4",
        f"cti contacts: {file}:6: rejected: not valid UTF-8",
        f"cti contacts: {file}:8: rejected: no phone number",
        f"imported 2 contacts from {file} (csv) into data/contacts.db; rejected 5",
    ]
    assert result.stderr == "", "no progress bar when stderr is not a TTY"
    assert (tmp_path / "data" / "contacts.db").is_file()


def test_broken_file_imports_nothing_and_exits_2(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    good = cti("contacts", "import", str(CONTACTS / "good.csv"), "--db", str(db), cwd=tmp_path)
    assert good.returncode == 0, good.stdout
    before = dump(db)
    broken = CONTACTS / "missing_phone_column.csv"
    result = cti("contacts", "import", str(broken), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 2
    assert "missing required column(s): phone" in result.stderr
    assert "nothing imported" in result.stderr
    assert dump(db) == before


def test_lookup_dry_run_prints_normalisation_sources_and_times(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    imported = cti("contacts", "import", str(CONTACTS / "good.csv"), "--db", db, cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    result = cti("lookup", "(415) 555-0123", "--db", db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "number:     '(415) 555-0123'  region: US"
    assert lines[1] == "E.164:      +14155550123"
    assert lines[2] == "suffix key: 155550123 (last 9 digits)"
    assert lines[3].startswith("source sqlite: ok, 1 contact(s), ")
    assert lines[3].endswith(" ms")
    assert lines[4] == "  #1 Alice Example (Acme Corp) [exact]"
    assert lines[5] == "result:     exact match: #1 Alice Example (Acme Corp) [exact]"


def test_lookup_with_region_and_csv_source_lists_several_matches(tmp_path: Path) -> None:
    csv = str(CONTACTS / "good.csv")
    result = cti("lookup", "030 1234567", "--region", "de", "--csv", csv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "E.164:      +49301234567" in result.stdout
    assert "CRM-2 Jörg Müller (Müller GmbH) [exact]" in result.stdout
    shared = cti("lookup", "4155550199", "--csv", csv, cwd=tmp_path)
    assert "result:     2 exact matches, agent must choose" in shared.stdout
    assert not (tmp_path / "data").exists(), "a dry run creates no database"


@pytest.mark.parametrize("caller", ["anonymous", "<unknown>", ""])
def test_lookup_of_withheld_caller_asks_nothing(tmp_path: Path, caller: str) -> None:
    result = cti("lookup", caller, "--csv", str(CONTACTS / "good.csv"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "result:     never looked up; pops as unknown caller" in result.stdout
    assert "source" not in result.stdout


def test_unknown_region_is_refused(tmp_path: Path) -> None:
    result = cti("lookup", "123", "--region", "XX", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "cti lookup: unknown region 'XX' (use e.g. US, GB, DE)\n",
    )


@pytest.fixture
async def hanging_crm() -> AsyncIterator[tuple[str, list[str]]]:
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        await asyncio.sleep(5)
        return web.json_response([])

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/c/{{e164}}", seen
    await runner.cleanup()


async def test_lookup_dry_run_shows_a_hanging_crm_as_timeout(
    tmp_path: Path, hanging_crm: tuple[str, list[str]]
) -> None:
    url, seen = hanging_crm
    proc = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "cti.cli", "lookup", "4155550123", "--crm-url", url],
        *["--crm-auth-env", "CRM_TOKEN", "--budget", "0.2", "--csv", str(CONTACTS / "good.csv")],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env=env(),
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    stdout, stderr = out.decode(), err.decode()
    assert proc.returncode == 0, stderr
    assert "source csv: ok, 1 contact(s)" in stdout
    assert "source crm: timeout, timeout, " in stdout
    assert "result:     exact match: CRM-1 Alice Example" in stdout
    assert seen == ["s3cr3t-token"]
    assert "s3cr3t" not in stdout + stderr
