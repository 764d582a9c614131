"""The AMI ingest benchmark behind ``bench/ami_ingest.py``.

* `stream`: the deterministic synthetic AMI stream, built from the recordings;
* `server`: the AMI server process that blasts a stream at one client;
* `contenders`: the client processes (ours, ours+tracker[+filter], panoramisk, pyst2);
* `runner`: runs, rows, validation and the whole benchmark;
* `report`: the Markdown table and summary.
"""
