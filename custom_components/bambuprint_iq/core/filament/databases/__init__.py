"""The open filament databases: download, parse, cache."""
