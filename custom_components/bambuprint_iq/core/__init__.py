"""HA-free library behind BambuPrint IQ: printer protocol, analysis, filament, profiles, history.

Nothing in this package imports Home Assistant, so it can be tested and reused on its own.
"""
