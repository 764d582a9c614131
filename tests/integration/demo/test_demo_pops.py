"""The demo directory seen through the real lookup and broker: every kind of pop renders."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from rich.console import Console

from cti.demo import PopClient, TerminalView, build_demo_directory
from cti.lookup import ContactStore, LookupService, StoreSource
from cti.protocol import Called, CallRinging, Party
from cti.sim import ANONYMOUS
from tests.integration.demo.conftest import Running, until


async def pop(service: LookupService, number: str, name: str, call_id: str) -> CallRinging:
    """The ringing event the app will publish: the call plus the lookup's part."""
    anonymous = number == ANONYMOUS[0]
    result = await service.lookup(None if anonymous else number)
    fields = result.pop_fields()
    return CallRinging(
        call_id=call_id,
        extension="1001",
        caller=Party(None if anonymous else number, name, result.number_e164, anonymous),
        called=Called("600", "+18005550100"),
        queue="support",
        contact=fields["contact"],
        matches=tuple(fields["matches"]),
        audience=frozenset({"1001"}),
    )


PBX_DOWN = r"# PBX link down since \d\d:\d\d:\d\d: calls will not pop"


async def test_known_shared_unknown_and_withheld_callers_pop(
    broker: Running, tmp_path: Path
) -> None:
    store = ContactStore(tmp_path / "demo.db")
    callers = build_demo_directory(store, count=120)
    service = LookupService([StoreSource(store)])
    with_history = next(
        (number, name)
        for number, name in callers
        if number.startswith("+")
        and len(found := store.find(number)) == 1
        and store.history(found[0]["id"])
    )
    shared = store.db.execute(
        "SELECT number_e164 FROM phones GROUP BY number_e164 HAVING count(*) > 1"
    ).fetchone()[0]
    unknown = next(c for c in callers if c[0].startswith("+") and not store.find(c[0]))
    contact = store.find(with_history[0])[0]["name"]
    chosen = [with_history, (shared, "RECEPTION"), unknown, ANONYMOUS]

    out = io.StringIO()
    view = TerminalView(Console(file=out))
    client = PopClient(broker.url, "tok-alice", view.handle, broker.http, backoff_min=0.05)
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.welcomed.wait(), 30)
        for n, (number, name) in enumerate(chosen):
            broker.ctx.broker.publish(await pop(service, number, name, f"1700000000.{n}"))
        await until(lambda: out.getvalue().count("call.ringing") == 4)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await service.aclose()
        store.close()

    notes = [line for line in out.getvalue().splitlines() if line.startswith("#")]
    assert len(notes) == 1 and re.fullmatch(PBX_DOWN, notes[0]), "this broker has no AMI"
    pops = [line for line in out.getvalue().splitlines() if not line.startswith("#")]
    known, multi, stranger, withheld = pops
    assert f"contact={contact}" in known
    assert " last=" in known
    assert re.search(r" contact=[23] matches: .+ / ", multi)
    assert "contact=unknown caller" in stranger
    assert "caller=withheld Anonymous contact=unknown caller" in withheld
