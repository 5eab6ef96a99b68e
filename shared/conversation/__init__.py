"""Conversation core: personas, context for the model, text analysis, the offline responder."""
