"""Pydantic models: the single source of truth for request/response bodies, documents and OpenAPI."""
