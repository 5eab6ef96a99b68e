"""Firestore vector search, shared by the memory stores: one cosine `find_nearest` over an already filtered
query, answering each hit's document without its vector, and its similarity.

The query's equality filters must match a vector index in firestore.indexes.json (the emulators do not
check; `make deploy-check` does, from the recorded query shapes)."""

from __future__ import annotations

from typing import Any

EMBEDDING_FIELD = "embedding"
_DISTANCE_FIELD = "distance"


def nearest_documents(query: Any, *, vector: list[float], limit: int) -> list[tuple[dict[str, Any], float]]:
    """(document data without its vector, cosine similarity in [0, 1]) for the `limit` nearest, best first."""
    from google.cloud.firestore_v1.base_vector_query import DistanceMeasure
    from google.cloud.firestore_v1.vector import Vector

    nearest = query.find_nearest(
        vector_field=EMBEDDING_FIELD,
        query_vector=Vector(vector),
        distance_measure=DistanceMeasure.COSINE,
        limit=limit,
        distance_result_field=_DISTANCE_FIELD,
    )
    hits = []
    for snapshot in nearest.get():
        data = snapshot.to_dict() or {}
        distance = float(data.pop(_DISTANCE_FIELD, 1.0))
        data.pop(EMBEDDING_FIELD, None)
        # Cosine distance is 0..2; rounding can put an identical vector a hair outside [0, 1].
        hits.append((data, min(1.0, max(0.0, 1.0 - distance))))
    return hits
