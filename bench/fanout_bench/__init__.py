"""Parts of bench/agent_fanout.py: the PBX and the WebSocket clients, each in its own process."""
