"""Inline crisis screen: graded, C-SSRS-aligned risk levels for one user message (and its recent context),
and an unsafe-content screen for AI replies.

Method (docs/safety-screen.md): one tokenisation (`shared.text.analysis.tokenize`), from which the
same pass also derives sentiment and topics. Each sentence that holds a risk word is matched against
token-level rules (`rule_table`); every hit becomes a *mention* with a signal, a base level and a reliability.
Then each mention is qualified by its surroundings:

- **who**: the nearest subject or the reflexive object ("kill *my*self", "*my friend* wants to die");
  another person's risk is a `third_person` signal capped at WATCH; "you" is `second_person` (NORMAL);
- **negation** in the same clause ("I would never kill myself") -> `negated`, no risk from that mention;
- **figurative** idioms ("this traffic is killing me", "dying to see it") never become mentions, and
  hyperbole markers ("lol", "if I have to sit through one more...") cap a mention at WATCH;
- **reported speech**: inside quotes or after a media/third-person speech frame ("the song goes ...")
  -> `reported_speech`;
- **time**: distant past ("years ago", "used to") lowers attempts and self-harm; a recovery statement
  ("I'm okay now") makes it `past_recovered` (WATCH at most); recency ("last night") keeps it HIGH_RISK;
- some rules are **gated**: they only count when the window already shows own risk ("I have the pills",
  "I'm going to do it tonight").

Levels combine by maximum, plus a few clinical combinations (method with ideation -> HIGH_RISK; an action
cue with a time-now cue, or a farewell with ideation -> SAFETY_MODE; WATCH cues piling up over the last
messages -> ELEVATED_CONCERN, `context_escalation`). `confidence` grows as independent cues agree.
A window the rules leave at NORMAL or WATCH, with nothing explained away, may be raised to ELEVATED_CONCERN
(`learned_risk`), or from NORMAL to WATCH (`learned_concern`), by a learned model over the message's MiniLM
embedding and the rules' verdict (`shared/safety/learned.py`); it never lowers a level.

Everything is compiled on first use; importing this module costs nothing but reading it.

Layout (each module says what it decides): `common` (the level ranks), `signals` (signal families), `wordlists` and
`time_markers` (closed word classes, time and tone markers), `rule_parts` and the `rules_*` families (the
rule table, assembled in `rules`), `idioms`, `compiled` (compiled on first use), `sentences`, the
qualifiers `person`, `negation` and `reported`, `sentence_scan` (mentions of one sentence), `scanning`
(per-message cache), `verdict` (one message), `window` (context, learned model, `screen_message`) and
`reply` (`screen_reply`).
"""

from __future__ import annotations

from shared.safety.screen.compiled import compiled_rules as compiled_rules
from shared.safety.screen.reply import _reply_compiled as _reply_compiled
from shared.safety.screen.reply import screen_reply as screen_reply
from shared.safety.screen.rules import rule_table as rule_table
from shared.safety.screen.scanning import _clear_cache as _clear_cache
from shared.safety.screen.signals import MODIFIER_SIGNALS as MODIFIER_SIGNALS
from shared.safety.screen.signals import SIGNAL_ORDER as SIGNAL_ORDER
from shared.safety.screen.window import CONTEXT_WINDOW as CONTEXT_WINDOW
from shared.safety.screen.window import _screen as _screen
from shared.safety.screen.window import screen_message as screen_message

__all__ = ["CONTEXT_WINDOW", "screen_message", "screen_reply"]
