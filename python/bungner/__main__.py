"""`python -m bungner ARGS...` is `bungner ARGS...`: the command-line tool bundled with the package."""
import os
import sys

from . import executable


def main():
    tool = executable()
    os.execv(tool, [tool, *sys.argv[1:]])


if __name__ == "__main__":
    main()
