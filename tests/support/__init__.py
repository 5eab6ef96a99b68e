"""Helpers for tests that talk to the real Firebase Emulator Suite."""
