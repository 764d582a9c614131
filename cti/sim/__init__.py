"""The built-in PBX simulator: real AMI on loopback, calls shaped like Asterisk 22's."""

from cti.sim.scripts import CallPlan, Script
from cti.sim.simulator import ANONYMOUS, Contact, PbxSimulator

__all__ = ["ANONYMOUS", "CallPlan", "Contact", "PbxSimulator", "Script"]
