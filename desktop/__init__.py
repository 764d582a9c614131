"""The agent desktop (`cti-desktop`): PyQt6 screen-pops and call controls over protocol v1."""
