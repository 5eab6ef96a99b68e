"""Retrieval over memory items (finer than a session): lexical + dense, fused, grouped per session.

Pure: no Firestore here. `port.ItemStore` is what the engine needs from storage; `port.InMemoryItemStore`
serves unit tests and the benchmark, `backend/store/memory_items.py` serves production.
"""
