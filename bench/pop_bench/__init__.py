"""Parts of bench/pop_latency.py: the PBX, the agents and the server, each in its own process."""
