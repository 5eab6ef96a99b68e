"""Adapters of Google Cloud services other than Firestore: Pub/Sub, Cloud Tasks timers, FCM, and the
lazily created SDK clients. The names of topics and queues live in `names.py`."""
