"""Rasa server extensions: a tracker store that refuses to lose conversations,
and a REST channel that rejects bad input with a clear error."""
