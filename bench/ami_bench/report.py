"""The Markdown report: header, table, summary lines, notes, profiles."""

from __future__ import annotations

import statistics
from typing import Any

TIMES, DASH = "\u00d7", "\u2013"  # spelled out: ruff flags them as look-alikes
NOTE = "\u00b9"  # superscript one: marks the filtered row and its footnote


def fmt_rate(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def report(results: dict[str, Any]) -> str:
    rows = results["rows"]
    s, p = results["stream"], results["pyst2_stream"]
    lines = [
        "# AMI ingest benchmark",
        "",
        f"- command: `{results['command']}`",
        f"- python: {results['python']}; cpu: {results['cpu']}; {results['platform']}",
        f"- stream: {s['events']:,} events, {s['bytes'] / 1e6:.1f} MB, headers per event "
        f"{s['headers_min']}{DASH}{s['headers_max']} (mean {s['headers_mean']}), "
        f"{s['events_with_chanvariable']:,} events with ChanVariable, sha256 {s['sha256'][:12]}",
    ]
    if p:
        lines.append(
            f"- pyst2 stream: {p['events']:,} events from the same generator WITHOUT ChanVariable "
            f"headers (pyst2's parser thread dies on them), sha256 {p['sha256'][:12]}"
        )
    lines += [
        "- clock: in the client process, from handling `Event: BenchStart` (sent just before "
        "the stream) to handling `Event: BenchDone` (sent just after it)",
        "",
        "| contender | events | median events/s | runs (events/s each) | ratio vs panoramisk |",
        "|---|---:|---:|---|---:|",
    ]
    for r in rows:
        if r["status"] in ("not installed", "unavailable"):
            lines.append(f"| {r['label']} | {r['events']:,} | {r['status']} | | |")
            continue
        runs = ", ".join(fmt_rate(x) for x in r["runs"]) or r["status"]
        ratio = r["ratio_vs_panoramisk"]
        ratio = DASH if ratio is None else f"{ratio:.2f}{TIMES}"
        median = fmt_rate(r["median"])
        events = f"{r['events']:,}{NOTE if r.get('parsed_events') is not None else ''}"
        lines.append(f"| {r['label']} | {events} | {median} | {runs} | {ratio} |")
    lines.append("")
    for r in rows:
        if r.get("parsed_events") is not None:  # set only when the contender can run
            lines += [footnote(r), ""]
    lines += summary_lines({r["contender"]: r for r in rows})
    if results["pyst2_chanvariable_probe"]:
        lines.append(f"- {results['pyst2_chanvariable_probe']}")
    for r in rows:
        for note in dict.fromkeys(r["notes"]):
            lines.append(f"- {r['label']}: {note}")
        cpu = [x["cpu_seconds"] / x["seconds"] for x in r["raw"] if x.get("seconds")]
        if cpu:
            us = 1e6 / _cpu_rate(r)
            lines.append(
                f"- {r['label']}: client CPU / wall = {statistics.median(cpu):.0%}, "
                f"client CPU per event = {us:.1f} µs"
            )
        for err in dict.fromkeys(x["log_errors"] for x in r["raw"] if "log_errors" in x):
            lines.append(f"- {r['label']}: {err}")
        domain = [x["domain_events"] for x in r["raw"] if "domain_events" in x]
        if domain:
            what = "the pipeline" if "pipeline" in r["contender"] else "the tracker"
            lines.append(
                f"- {r['label']}: {what} emitted {domain[0]:,} events per run"
                + _same_domain_events(r, rows)
            )
    load = results["load_average"]
    lines.append(
        f"- total wall time: {results['wall_seconds']} s; 1-min load average at start "
        f"{load['start']}, at end {load['end']} (contenders use 2 processes; more load means "
        "other work competed for the CPUs)"
    )
    for name, text in results["profiles"].items():
        lines += ["", f"## cProfile, {name} (tottime, top 18)", "", "```", text, "```"]
    return "\n".join(lines)


def footnote(row: dict[str, Any]) -> str:
    sent, parsed = row["events"], row["parsed_events"]
    return (
        f"{NOTE} {row['label']}: events/s = all {sent:,} stream events / elapsed time, like the "
        f"other rows: its client receives and frames every event from the socket but parses "
        f"only the {parsed:,} ({parsed / sent:.1%}) whose name is in its consumer's "
        f"`handled_events` (the tracker's, or the event pipeline's: tracker and agent board; "
        f"plus BenchStart/BenchDone), and a run counts only if "
        f"`on_event` saw exactly those {parsed:,}."
    )


def _same_domain_events(row: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """For the filtered row: does the tracker emit what it emits without the filter?"""
    if row.get("parsed_events") is None or row["contender"] != "ours+tracker+filter":
        return ""
    for other in rows:
        if other["contender"] == "ours+tracker":
            theirs = {x["domain_events"] for x in other["raw"] if "domain_events" in x}
            ours = {x["domain_events"] for x in row["raw"] if "domain_events" in x}
            if theirs:
                same = "the same as" if theirs == ours else "DIFFERENT from"
                return f" ({same} ours+tracker: {', '.join(f'{n:,}' for n in sorted(theirs))})"
    return ""


def summary_lines(rows: dict[str, dict[str, Any]]) -> list[str]:
    ours, tracked, pano = (rows.get(k) for k in ("ours", "ours+tracker", "panoramisk"))
    filtered = rows.get("ours+tracker+filter")
    out = []
    if _ran(ours) and _ran(pano):
        out.append(f"ours / panoramisk = {_vs(ours, pano, 2.5)}")
    else:
        out.append("ours / panoramisk = n/a (one of them did not run)")
    if _ran(ours) and _ran(tracked):
        slower = (1 - tracked["median"] / ours["median"]) * 100
        paired = [(1 - t / o) * 100 for o, t in _pairs(ours, tracked)]
        line = f"tracker cost: ours+tracker is {slower:.1f}% slower than ours"
        if paired:
            line += f" (paired per round: {statistics.median(paired):.1f}%)"
        out.append(line)
    else:
        out.append("tracker cost: n/a (ours+tracker did not run)")
    if _ran(tracked) and _ran(pano):
        out.append(f"ours+tracker / panoramisk = {_vs(tracked, pano, 1.25)}")
    if _ran(filtered) and _ran(pano):
        out.append(f"ours+tracker+filter / panoramisk = {_vs(filtered, pano)}")
    if _ran(filtered) and _ran(tracked):
        faster = (filtered["median"] / tracked["median"] - 1) * 100
        paired = [(f / t - 1) * 100 for t, f in _pairs(tracked, filtered)]
        line = f"filter gain: ours+tracker+filter is {faster:.1f}% faster than ours+tracker"
        if paired:
            line += f" (paired per round: {statistics.median(paired):.1f}%)"
        out.append(line)
    if _ran(ours) and _ran(pano):
        by_cpu = [f"ours {_cpu_rate(ours) / _cpu_rate(pano):.2f}{TIMES}"]
        if _ran(tracked):
            by_cpu.append(f"ours+tracker {_cpu_rate(tracked) / _cpu_rate(pano):.2f}{TIMES}")
        if _ran(filtered):
            rate = _cpu_rate(filtered) / _cpu_rate(pano)
            by_cpu.append(f"ours+tracker+filter {rate:.2f}{TIMES}")
        out.append(
            f"by client CPU time instead of wall time (less sensitive to other load), "
            f"vs panoramisk: {', '.join(by_cpu)}"
        )
    return [f"{line}  " for line in out]  # two spaces: a Markdown line break


def _expected(row: dict[str, Any]) -> int:
    """Events a successful run counts: all sent, or the parsed ones for a filtering client."""
    parsed = row.get("parsed_events")
    return row["events"] if parsed is None else parsed


def _cpu_rate(row: dict[str, Any]) -> float:
    """Median events (sent) per client CPU second over the successful runs."""
    return statistics.median(
        row["events"] / x["cpu_seconds"]
        for x in row["raw"]
        if x.get("cpu_seconds") and x["events"] == _expected(row)
    )


def _ran(row: dict[str, Any] | None) -> bool:
    return bool(row and row.get("median"))


def _rates(row: dict[str, Any]) -> list[float | None]:
    """Per-round rates, None where that round failed (rounds interleave contenders)."""
    return [
        row["events"] / x["seconds"] if x.get("seconds") and x["events"] == _expected(row) else None
        for x in row["raw"]
    ]


def _pairs(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[float, float]]:
    return [(x, y) for x, y in zip(_rates(a), _rates(b), strict=False) if x and y]


def _vs(row: dict[str, Any], base: dict[str, Any], goal: float | None = None) -> str:
    ratio = row["median"] / base["median"]
    text = f"{ratio:.2f}{TIMES}"
    if goal is not None:
        verdict = "meets" if ratio >= goal else "does NOT meet"
        text += f" ({verdict} the goal of >= {goal:.2f}{TIMES})"
    if paired := [x / y for x, y in _pairs(row, base)]:
        each = ", ".join(f"{r:.2f}" for r in paired)
        text += f"; paired per round: median {statistics.median(paired):.2f}{TIMES} [{each}]"
    return text
