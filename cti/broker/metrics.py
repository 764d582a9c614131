"""Prometheus metrics, written by hand in the text exposition format (no extra dependency)."""

from __future__ import annotations

import bisect
from collections.abc import Callable

STAGES = ("ami_to_tracker", "tracker_to_lookup", "lookup", "socket_write")
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Histogram:
    """Cumulative-bucket histogram as Prometheus expects it."""

    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)  # last slot is +Inf
        self.total = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.count += 1

    def lines(self, name: str, labels: str) -> list[str]:
        out: list[str] = []
        running = 0
        for bound, hits in zip((*self.buckets, float("inf")), self.counts, strict=True):
            running += hits
            le = "+Inf" if bound == float("inf") else repr(bound)
            out.append(f'{name}_bucket{{{labels},le="{le}"}} {running}')
        out.append(f"{name}_sum{{{labels}}} {self.total!r}")
        out.append(f"{name}_count{{{labels}}} {self.count}")
        return out


class BrokerMetrics:
    """Counters the broker and the rest of the app update; rendered at GET /metrics."""

    def __init__(self, connected_agents: Callable[[], int] = lambda: 0) -> None:
        self.pops_sent = 0
        self.ami_connected = 0
        self.slow_disconnects = 0
        self.auth_failures = 0
        self.hello_evictions = 0
        self._connected_agents = connected_agents
        self._latency = {stage: Histogram() for stage in STAGES}
        self._sections: list[Callable[[], list[str]]] = []

    def add_section(self, lines: Callable[[], list[str]]) -> None:
        """More metrics from another part of the server (e.g. FastAGI), rendered after these."""
        self._sections.append(lines)

    def bind_connected_agents(self, source: Callable[[], int]) -> None:
        self._connected_agents = source

    def set_ami_connected(self, connected: bool) -> None:
        self.ami_connected = int(connected)

    def observe(self, stage: str, seconds: float) -> None:
        """Record one latency sample; unknown stages are refused so typos show up."""
        if stage not in self._latency:
            raise ValueError(f"unknown latency stage {stage!r}; known: {', '.join(STAGES)}")
        self._latency[stage].observe(seconds)

    def render(self) -> str:
        lines = [
            "# HELP cti_pops_sent_total Screen pops (call.ringing frames) written to sockets.",
            "# TYPE cti_pops_sent_total counter",
            f"cti_pops_sent_total {self.pops_sent}",
            "# HELP cti_connected_agents Agents with at least one open WebSocket.",
            "# TYPE cti_connected_agents gauge",
            f"cti_connected_agents {self._connected_agents()}",
            "# HELP cti_ami_connected 1 when the AMI connection is up.",
            "# TYPE cti_ami_connected gauge",
            f"cti_ami_connected {self.ami_connected}",
            "# HELP cti_slow_disconnects_total Sockets closed because they could not keep up.",
            "# TYPE cti_slow_disconnects_total counter",
            f"cti_slow_disconnects_total {self.slow_disconnects}",
            "# HELP cti_auth_failures_total Bad or missing tokens.",
            "# TYPE cti_auth_failures_total counter",
            f"cti_auth_failures_total {self.auth_failures}",
            "# HELP cti_hello_evictions_total Sockets without hello closed to make room "
            "(broker.max_pending_hellos).",
            "# TYPE cti_hello_evictions_total counter",
            f"cti_hello_evictions_total {self.hello_evictions}",
            "# HELP cti_stage_latency_seconds Latency of each stage of a pop.",
            "# TYPE cti_stage_latency_seconds histogram",
        ]
        for stage, histogram in self._latency.items():
            lines.extend(histogram.lines("cti_stage_latency_seconds", f'stage="{stage}"'))
        for section in self._sections:
            lines.extend(section())
        return "\n".join(lines) + "\n"
