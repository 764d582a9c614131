"""``cti replay FILE``: print the events (calls, agents, presence) a recorded AMI stream
produces, as the server would publish them."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import phonenumbers

from cti.calls.extensions import ExtensionRules
from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config
from cti.pipeline import event_pipeline
from cti.protocol import WireEvent
from cti.replay import TranscriptError, check_transcript, replay_transcript


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay",
        help="play a recorded AMI transcript through the client, call tracker and agent board",
        description=(
            "Replays FILE (raw bytes Asterisk sent on an AMI session) through a fake "
            "AMI server on 127.0.0.1, the real AMI client, the call tracker and the "
            "agent board, and prints each event (call, agent.state, presence) as a JSON "
            "line with 'type' and 'data'."
        ),
    )
    parser.add_argument("file", type=Path, help="raw AMI capture, e.g. tests/fixtures/ami/*.raw")
    parser.add_argument("--quiet", action="store_true", help="print only the final count line")
    add_config_argument(parser, "for channel patterns and region")
    parser.add_argument(
        "--region",
        default=None,
        help="default region for numbers without a country code "
        "(default: numbers.default_region from config)",
    )
    parser.add_argument(
        "--channel-pattern",
        action="append",
        dest="channel_patterns",
        metavar="REGEX",
        help="channel-to-extension rule with a (?P<ext>...) group; repeatable "
        "(default: calls.channel_patterns from config)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cti replay: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"cti replay: {problem}", file=sys.stderr)
        return 2
    region = (args.region or config.numbers.default_region).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        print(f"cti replay: unknown region {region!r} (use e.g. US, GB, DE)", file=sys.stderr)
        return 2
    try:
        check_transcript(data)
        rules = ExtensionRules.from_strings(args.channel_patterns or config.calls.channel_patterns)
    except (TranscriptError, ValueError) as exc:
        print(f"cti replay: {path}: {exc}", file=sys.stderr)
        return 2

    def emit(event: WireEvent) -> None:
        if not args.quiet:
            line = {"type": event.type, "data": event.data()}
            print(json.dumps(line, ensure_ascii=False), flush=True)

    pipeline = event_pipeline(rules, default_region=region)
    try:
        stats = asyncio.run(replay_transcript(data, pipeline, emit))
    except (OSError, TimeoutError) as exc:
        print(f"cti replay: replay failed: {exc}", file=sys.stderr)
        return 1
    summary = f"{stats.events} events from {stats.ami_events} AMI events"
    # stdout stays pure JSON lines unless --quiet asked for the count alone
    print(summary, file=sys.stdout if args.quiet else sys.stderr)
    return 0
