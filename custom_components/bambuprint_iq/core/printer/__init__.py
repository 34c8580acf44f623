"""Talking to Bambu Lab printers: transport, parsing, state model and commands."""
