"""HTTP plumbing shared by every API function: routing, auth, limits, errors, OpenAPI."""
