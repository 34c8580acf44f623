"""Tests of the printer simulator itself."""
