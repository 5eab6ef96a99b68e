"""Service ports (abstract) and the in-memory adapter; storage adapters live with the functions."""
