"""Tests of the print-photo analysis engine."""
