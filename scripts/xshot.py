"""Save what an X display shows as a PNG: ``python scripts/xshot.py OUT.png``.

A separate X client that reads the screen through Qt's xcb platform (X GetImage of the
root window), so the picture is what the X server really shows, not a widget rendering
itself. Used by the Xvfb screenshot test and `scripts/screenshot.sh`.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", help="PNG file to write")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("xshot: DISPLAY is not set", file=sys.stderr)
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PyQt6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    if screen is None:
        print("xshot: no screen", file=sys.stderr)
        return 1
    image = screen.grabWindow(0)
    if image.isNull() or not image.save(args.out, "PNG"):
        print(f"xshot: could not save {args.out}", file=sys.stderr)
        return 1
    print(f"{args.out}: {image.width()}x{image.height()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
