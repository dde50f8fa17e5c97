"""`python -m actions`: run the action server (see actions/server.py)."""

from actions.server import main

main()
