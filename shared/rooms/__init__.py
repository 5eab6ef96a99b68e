"""Rooms: multi-party sessions (2..N people and an AI host) with phases. Pure core, no cloud imports."""
