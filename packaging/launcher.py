"""Entry script for the PyInstaller build: the window, as `cadre-desktop` starts it."""

import sys

from cadre_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
