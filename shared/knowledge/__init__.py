"""The app's knowledge base: documents cut into chunks, indexed and searched by the memory retrieval engine."""
