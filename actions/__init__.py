"""Custom actions of the spinal implant safety assistant.

One module per job: content_base (load and validate), content_reload (serve
edits live), rendering (answer + source line + buttons), answering, triage,
handoff, and server (the action server with dependencies passed in).
"""
