"""python -m cadre_desktop → the window."""

import sys


def main() -> int:
    from .ui.app import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
