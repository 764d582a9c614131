"""The synthetic stream: whole call lifecycles from the recordings, replayed with fresh ids."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import re
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DIRS = (REPO / "tests" / "fixtures" / "ami", REPO.parent / "shared" / "fixtures" / "ami")

#: Recorded scenarios used as call templates, with their share of the traffic.
TEMPLATES = {
    "queue_answered": 4,
    "sip_inbound_queue": 3,
    "direct_answered": 3,
    "sip_queue_sip_agents_hold": 2,
    "abandoned_ringing": 2,
    "click_to_dial_originate": 2,
    "abandoned_ringing_direct": 1,
    "hold_unhold": 1,
    "blind_transfer": 1,
    "redirect_transfer": 1,
    "agi_lookup": 1,
}
#: Frames that belong to the recording session rather than to a call.
SESSION_EVENTS = frozenset({"FullyBooted", "SuccessfulAuth"})
CONCURRENT_CALLS = 40
CHANVAR_CALL_SHARE = 0.3  # calls whose channels carry ChanVariable headers
AGENT_POOL = range(1001, 1161)
CALLER_NAMES = (
    "Jörg Müller",
    "Seán O'Brien",
    "王伟",
    "Zoë Ångström",
    "José Álvarez-Núñez",
    "Ólafur Þórsson",
    "Παναγιώτης Οικονόμου",
    "Иван Петров",
    "Françoise Lefèvre",
    "Łukasz Żółć",
    "Ayşe Yılmaz",  # noqa: RUF001 - a dotless i on purpose
    "محمد الأحمد",
    "佐藤 花子",
    "김민준",
    "Nguyễn Văn An",
    "Søren Kierkegård",
    "Alice Example",
    "Bob Smith",
    "ACME Corp",
    "",
)
COUNTRY_PREFIXES = (("+1", 10), ("+49", 11), ("+353", 9), ("+44", 10), ("+86", 11), ("+33", 9))

_TOKEN = re.compile(
    r"(?P<uuid>\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b)"
    r"|(?P<uid>\b\d{10}\.\d+\b)"
    r"|(?P<chan>(?<=-)[0-9a-f]{8}(?![0-9a-f]))"
    r"|(?P<agent>(?<![0-9A-Za-z.])100[1-9](?!\d))"
    r"|(?P<num>\+\d{11})"
    r"|(?P<name>Alice Example|Carol Caller|Walk In)"
)
_LINKEDID = re.compile(r"^(\w*)Linkedid: ")

Part = str | tuple[str, str]  # a literal, or (kind, recorded value) to be replaced


def fixture_dir() -> Path:
    for candidate in FIXTURE_DIRS:
        if (candidate / "queue_answered.raw").exists():
            return candidate
    raise SystemExit(f"AMI recordings not found in {', '.join(map(str, FIXTURE_DIRS))}")


def compile_template(raw: bytes) -> list[list[Part]]:
    """Call events of one recording, each split into literals and replaceable ids."""
    frames = []
    for frame in raw.decode("utf-8").split("\r\n\r\n"):
        if not frame.startswith("Event: ") or "\r\nActionID: " in frame:
            continue  # responses, and events that answer the recording's own actions
        if frame[7:].split("\r\n", 1)[0] in SESSION_EVENTS:
            continue
        parts: list[Part] = []
        for line in frame.split("\r\n"):
            pos = 0
            for m in _TOKEN.finditer(line):
                parts += [line[pos : m.start()], (m.lastgroup or "", m.group())]
                pos = m.end()
            parts.append(line[pos:])
            if cv := _LINKEDID.match(line):
                parts.append(("chanvar", cv.group(1)))
            parts.append("\r\n")
        parts.append("\r\n")
        frames.append(_merge_literals(parts))
    return frames


def _merge_literals(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return out


class StreamFactory:
    """Turns call templates into an endless, seeded, interleaved sequence of frames."""

    def __init__(self, templates: dict[str, list[list[Part]]], seed: int, chanvars: bool):
        self.rng = random.Random(seed)
        self.names = list(templates)
        self.templates = [templates[n] for n in self.names]
        self.cum_weights = list(itertools.accumulate(TEMPLATES[n] for n in self.names))
        self.chanvars = chanvars
        self.free_agents = deque(AGENT_POOL)
        self.uid_seq = itertools.count(1)
        self.chan_seq = itertools.count(1)
        self.calls_started = 0

    def frames(self) -> Iterator[bytes]:
        active = [self._call() for _ in range(CONCURRENT_CALLS)]
        while True:
            slot = self.rng.randrange(len(active))
            for _ in range(self.rng.randint(1, 8)):  # Asterisk emits a call's events in bursts
                frame = next(active[slot], None)
                if frame is None:
                    active[slot] = self._call()
                    break
                yield frame

    def _call(self) -> Iterator[bytes]:
        rng = self.rng
        index = bisect.bisect_right(self.cum_weights, rng.randrange(self.cum_weights[-1]))
        epoch = 1795400000 + self.calls_started // 4
        self.calls_started += 1
        maps: dict[tuple[str, str], str] = {}
        agents: list[int] = []
        with_vars = self.chanvars and rng.random() < CHANVAR_CALL_SHARE
        chanvars = (f"CRM_ID={rng.randrange(10000, 99999)}", f"LABEL={rng.choice(CALLER_NAMES)}")

        def fresh(kind: str, old: str) -> str:
            if kind == "uid":
                return f"{epoch}.{next(self.uid_seq)}"
            if kind == "chan":
                return f"{next(self.chan_seq):08x}"
            if kind == "uuid":
                h = f"{rng.getrandbits(128):032x}"
                return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            if kind == "agent":
                agent = self.free_agents.popleft() if self.free_agents else rng.choice(AGENT_POOL)
                agents.append(agent)
                return str(agent)
            if kind == "num":
                prefix, digits = rng.choice(COUNTRY_PREFIXES)
                return prefix + str(rng.randrange(2 * 10 ** (digits - 1), 10**digits))
            if kind == "name":
                return rng.choice(CALLER_NAMES)
            if not with_vars:  # chanvar: channelvars=CRM_ID,LABEL in manager.conf
                return ""
            return "".join(f"\r\n{old}ChanVariable: {var}" for var in chanvars)

        def render(frame: list[Part]) -> bytes:
            out = []
            for part in frame:
                if isinstance(part, str):
                    out.append(part)
                else:
                    value = maps.get(part)
                    if value is None:
                        value = maps[part] = fresh(*part)
                    out.append(value)
            return "".join(out).encode("utf-8")

        try:
            yield from map(render, self.templates[index])
        finally:
            self.free_agents.extend(a for a in agents if a in AGENT_POOL)


@dataclass
class Stream:
    path: Path
    events: int
    bytes: int
    sha256: str
    chanvars: bool
    headers_min: int = 0
    headers_mean: float = 0.0
    headers_max: int = 0
    events_with_chanvariable: int = 0
    top_events: dict[str, int] = field(default_factory=dict)


def build_stream(path: Path, events: int, seed: int, chanvars: bool) -> Stream:
    folder = fixture_dir()
    templates = {n: compile_template((folder / f"{n}.raw").read_bytes()) for n in TEMPLATES}
    frames = list(itertools.islice(StreamFactory(templates, seed, chanvars).frames(), events))
    data = b"".join(frames)
    path.write_bytes(data)
    headers = [f.count(b"\r\n") - 1 for f in frames]
    names: dict[str, int] = {}
    for f in frames:
        name = f[7 : f.index(b"\r\n")].decode()
        names[name] = names.get(name, 0) + 1
    top = dict(sorted(names.items(), key=lambda kv: -kv[1])[:12])
    return Stream(
        path=path,
        events=len(frames),
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        chanvars=chanvars,
        headers_min=min(headers),
        headers_mean=round(sum(headers) / len(headers), 1),
        headers_max=max(headers),
        events_with_chanvariable=sum(b"ChanVariable: " in f for f in frames),
        top_events=top,
    )


def count_wanted(path: Path, names: Collection[str]) -> int:
    """Events in a stream that a client filtering on `names` still parses.

    The same rule as ``AmiParser(events=...)``: the event's name is in `names`, or the
    frame carries an ActionID (the generator drops those, so in practice: the name).
    """
    count = 0
    for frame in path.read_bytes().split(b"\r\n\r\n"):
        if frame.startswith(b"Event: "):
            end = frame.find(b"\r\n")
            name = frame[7 : end if end >= 0 else len(frame)].decode("utf-8", "replace")
            count += name in names or b"ActionID: " in frame
    return count
