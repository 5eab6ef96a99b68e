"""Firestore adapters of the service ports in `shared.services`."""
