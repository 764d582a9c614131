"""Call control over AMI: how each desktop button reaches the call in Asterisk."""

from cti.control.ami import ActionSender, error_for
from cti.control.service import AmiCallControl
from cti.control.settings import ControlSettings, settings_from

__all__ = ["ActionSender", "AmiCallControl", "ControlSettings", "error_for", "settings_from"]
