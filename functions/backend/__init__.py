"""Adapters and HTTP entry points of the deployed functions (the pure core is `shared`)."""
