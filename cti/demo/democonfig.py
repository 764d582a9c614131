"""The config `cti demo` writes for its server: cti.yaml and secrets.yaml in the work dir.

As `cti serve` would read them: the simulator's AMI, the demo agents and supervisor, the
queue, and (with `DemoChannels`) the mailbox, chat and web form of the universal queue.
"""

from __future__ import annotations

from pathlib import Path

from cti.config import Config, load_config
from cti.demo.channels import DemoChannels
from cti.demo.contacts import build_demo_directory
from cti.demo.universal import agent_names
from cti.lookup import ContactStore

DEMO_AGENTS = ("1001", "1002", "1003", "1004")
SUPERVISOR = "9000"  # the supervisor's own phone (listen, whisper, barge ring it)
QUEUE = "support"
SERVICE_LEVEL = 20  # simulated seconds: queues.service_level_seconds' default
SHORT_ABANDON = 5  # simulated seconds: queues.short_abandon_seconds' default


def write_demo_config(
    directory: Path,
    ami_port: int,
    ami_secret: str,
    tokens: dict[str, str],
    *,
    supervisor_token: str | None = None,
    wrapup_seconds: int = 0,
    speed: float = 1.0,
    channels: DemoChannels | None = None,
) -> Config:
    """The config `cti serve` would read, for the simulator on `ami_port`: each agent
    logs in to queue `support`; the supervisor (if any) has extension 9000.

    The service level's seconds shrink with `speed`, like the calls: at 20 times the
    speed a caller's simulated 20-60 s of patience are 1-3 s, which the default 5 s
    would count as short abandons (docs/service-level.md)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        f"ami:\n  port: {ami_port}\n  auth: md5\n"
        f"lookup:\n  database: '{directory / 'contacts.db'}'\n"
        "agi:\n  enabled: false\n"  # the simulator runs no dialplan
        # simulated desk phones that answer on NOTIFY, so every button works in the demo
        "calls:\n  devices:\n"
        + "".join(f"    '{ext}': {{kind: deskphone, model: Yealink T54W}}\n" for ext in DEMO_AGENTS)
        + f"queues:\n  wrapup_seconds: {wrapup_seconds}\n"
        + f"  service_level_seconds: {max(1, round(SERVICE_LEVEL / speed))}\n"
        + f"  short_abandon_seconds: {round(SHORT_ABANDON / speed)}\n"
        + "agents:\n"
        + "".join(f"  '{ext}': {{queues: [{QUEUE}]}}\n" for ext in tokens)
        + (channels.config_yaml(agent_names(list(tokens))) if channels else ""),
        encoding="utf-8",
    )
    agents = "".join(
        f"    agent{ext}: {{token: '{token}', extension: '{ext}'}}\n"
        for ext, token in tokens.items()
    )
    if supervisor_token is not None:
        agents += (
            f"    supervisor: {{token: '{supervisor_token}', extension: '{SUPERVISOR}', "
            "role: supervisor}\n"
        )
    secrets_file = directory / "secrets.yaml"
    secrets_file.touch(mode=0o600)
    secrets_file.write_text(
        f"ami:\n  secret: '{ami_secret}'\nbroker:\n  agents:\n{agents}"
        + (channels.secrets_yaml() if channels else ""),
        encoding="utf-8",
    )
    return load_config(directory, require_secrets=True)


def build_directory(database: Path, count: int, seed: int) -> list[tuple[str, str]]:
    store = ContactStore(database)
    try:
        return build_demo_directory(store, count=count, seed=seed)
    finally:
        store.close()
