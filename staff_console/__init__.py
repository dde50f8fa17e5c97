"""The staff console: triage queue, transcripts, audit log; its own process (`python -m staff_console`)."""
