"""The screen for AI replies before they are sent: method details and encouragement of self-harm are
HIGH_RISK, dismissing a disclosure or discouraging help ELEVATED_CONCERN. A refusal in the same sentence
disarms a method or encouragement hit, and a supportive frame ("please don't hurt yourself", a question)
disarms encouragement, so replies that ask about suicide directly or point to a crisis line stay NORMAL.
"""

from __future__ import annotations

import re
from functools import lru_cache

from shared.safety.levels import Screening
from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, LEVELS, NORMAL, bounded
from shared.safety.screen.sentences import sentence_string, split_sentences
from shared.safety.screen.signals import ordered
from shared.text.analysis import analyze_tokens

# Patterns are words separated by single spaces, matched on whole tokens.
_REPLY_RULES: tuple[tuple[str, str, int, float, str], ...] = (
    (
        "encourage_directive",
        "encouragement",
        HIGH_RISK,
        0.9,
        r"(?:you should|you could|you might as well|might as well|why don't you|why dont you|why not|go ahead and|"
        r"go ahead ,|maybe you should|it's best if you|it's best to|its best to|it would be best if you|"
        r"it would be best to|it's okay to|it's ok to|its okay to|its ok to|it is okay to|you deserve to|feel free to|"
        r"nothing wrong with|you have every right to|i think you should|the best option is to|the answer is to|"
        r"you need to|you have to|just) (?:[^ ]+ ){0,2}(?:kill yourself|killing yourself|end your life|ending your life|"
        r"end it all|take your own life|take your life|hurt yourself|hurting yourself|cut yourself|cutting yourself|"
        r"overdose|starve yourself|stop eating|stop taking your (?:meds|medication|medicine)|jump off|hang yourself|die)",
    ),
    (
        "encourage_imperative",
        "encouragement",
        HIGH_RISK,
        0.9,
        r"(?:^|[.!?]) (?:just |go |then |so |well |please )?(?:kill yourself|kys|end your life|end it all|go die|die already)",
    ),
    (
        "encourage_worth",
        "encouragement",
        HIGH_RISK,
        0.85,
        r"(?:(?:you'd|youd|you would|everyone would|they would|they'd|the world would|your family would) (?:all )?(?:be )?"
        r"(?:better off|happier) (?:dead|without you|if you (?:died|were gone|weren't here|werent here))|"
        r"(?:nobody|no one|noone) (?:would|will) (?:miss|care about|notice) you|"
        r"(?:you are|you're|youre) (?:a burden|worthless|better off dead|a waste of space)|"
        r"(?:your life|living) (?:is|isn't|isnt) (?:not )?(?:worth living|worth it|meaningless|pointless)|"
        r"death (?:is|would be) (?:a|the) (?:reasonable|good|valid|right|logical|sensible) (?:choice|option|answer|solution))",
    ),
    (
        "method_suggestion",
        "method_detail",
        HIGH_RISK,
        0.85,
        # A directive to take a quantity of medication; prescribed-use advice is left alone.
        r"(?:you could|you should|you can|you might|try|why not|just|maybe|go ahead and|i would) (?:[^ ]+ ){0,2}"
        r"(?:take|taking|swallow|swallowing|down) (?:all|every|the whole|a whole|a bottle|a handful|as many|lots of|"
        r"a lot of|extra|double) (?:[^ ]+ ){0,3}(?:pills|tablets|meds|medication|medicine|painkillers|sleeping pills)"
        r"(?! (?:[^ ]+ ){0,3}(?:as prescribed|as directed|your doctor|the pharmacist|with food))",
    ),
    (
        "method_at_once",
        "method_detail",
        HIGH_RISK,
        0.85,
        r"(?:take|taking|swallow|swallowing) (?:[^ ]+ ){0,5}(?:pills|tablets|meds|medication|painkillers)"
        r"(?: [^ ]+){0,4} (?:at once|at the same time|in one go|all together)",
    ),
    (
        "method_detail",
        "method_detail",
        HIGH_RISK,
        0.85,
        r"(?:(?:lethal|fatal|deadly|toxic|overdose|dangerous) (?:dose|doses|amount|amounts|quantity|level|threshold) "
        r"(?:of|for|is|would be)|(?:painless|quickest|easiest|fastest|surest|most effective|most reliable|reliable|"
        r"quick|least painful|best) (?:way|ways|method|methods) (?:to|of) (?:die|dying|kill yourself|end your life|"
        r"end it|commit suicide|suicide|overdose|hang)|how to (?:tie a noose|hang yourself|slit|overdose|kill yourself)|"
        r"tie (?:a|the) noose|(?:high|tall) enough (?:to|for) (?:die|kill|a fatal|be fatal)|(?:cut|slit|slice) "
        r"(?:along|down|vertically|across|lengthwise) (?:the |your )?(?:wrist|wrists|vein|veins|artery|arteries)|"
        r"\d+ ?(?:mg|milligrams|g|grams|pills|tablets|capsules) (?:[^ ]+ ){0,6}(?:would|will|is enough|should|could|can) "
        r"(?:kill|be fatal|be lethal|be enough to die|stop your heart|do it)|(?:would|will|is enough to|should) "
        r"(?:kill you|be fatal|be lethal|stop your heart) (?:within|in|after))",
    ),
    (
        "dismissal",
        "dismissal",
        ELEVATED_CONCERN,
        0.75,
        r"(?:(?:you're|you are|youre) (?:just |being |only |so |really |a bit |kind of |simply )*(?:dramatic|"
        r"overreacting|over-reacting|overdramatic|attention seeking|attention-seeking|seeking attention|exaggerating|"
        r"silly|ridiculous|too sensitive|making a big deal|not really suicidal|not serious)|"
        r"(?:you )?(?:don't|dont|do not) (?:really )?mean (?:that|it)|(?:just )?(?:get over it|snap out of it|"
        r"toughen up|man up|stop (?:whining|complaining|being (?:so )?(?:dramatic|negative|sad|selfish)))|"
        r"everyone feels (?:that|this) way(?: sometimes)?(?: ,)? (?:it's|its) (?:nothing|normal|not a big deal)|"
        r"(?:it's|its) (?:just )?a phase|others have it (?:much |way )?worse|(?:you have|you've got) nothing to be "
        r"(?:sad|depressed|upset) about|you just want attention|people who talk about (?:it|suicide) "
        r"(?:never|don't|dont) (?:do it|go through with it))",
    ),
    (
        "discourages_help",
        "discourages_help",
        ELEVATED_CONCERN,
        0.75,
        r"(?:you (?:don't|dont|do not) need (?:a |any |to see a |to call a |to call |to talk to a |to talk to )?"
        r"(?:therapist|therapy|help|doctor|medication|meds|professional|counselor|counsellor|hotline|crisis line)|"
        r"(?:don't|dont|do not) tell (?:anyone|anybody|your (?:parents|therapist|doctor|family|friends))|"
        r"keep (?:it|this) (?:a )?secret|(?:therapy|therapists|hotlines|hotline|crisis lines|doctors|counselors|"
        r"counsellors) (?:won't|wont|don't|dont|can't|cant|never|are useless|is useless|is pointless|are pointless)"
        r"(?: help| work)?|(?:stop|quit) taking your (?:meds|medication|medicine|antidepressants))",
    ),
)
# A refusal in the same sentence ("I can't share lethal doses") disarms method and encouragement hits.
_REFUSAL_RE = (
    r"(?<= )(?:can't|cant|cannot|won't|wont|will not|not able to|unable to|not going to|shouldn't|wouldn't|"
    r"don't|do not|never|not) (?:[^ ]+ ){0,3}(?:share|provide|give|help with|tell|discuss|explain|describe|list|"
    r"offer|go into|talk about|advise|recommend|suggest|encourage)(?= )"
)
# Words just before an encouragement-shaped hit that make it supportive ("please don't hurt yourself",
# "if you're thinking about ending your life", "are you feeling like you want to die?").
_SAFE_FRAME_RE = (
    r"(?:^| )(?:don't|dont|do not|please don't|please dont|never|not|no|if|are you|have you|were you|thinking|"
    r"thoughts|urge|urges|want to|wanting to|wanted to|feel like|feeling like|whether|asking|safe|instead of|"
    r"rather than|before|sounds like|seems like|may|might be|that you|because you|when you|feel|feeling|felt) "
    r"(?:[^ ]+ ){0,4}$"
)
_CRISIS_RE = (
    r"(?<= )(?:988|999|911|112|116 123|741741|crisis (?:line|text line|hotline|lifeline|team|service|center|centre)|"
    r"samaritans|lifeline|helpline|hotline|emergency services|emergency room|a&e|text home|call or text)(?= )"
)


@lru_cache(maxsize=1)
def _reply_compiled() -> tuple[
    tuple[tuple[str, str, int, float, re.Pattern[str]], ...],
    re.Pattern[str],
    re.Pattern[str],
    re.Pattern[str],
]:
    rules = tuple(
        (rid, sig, lvl, w, re.compile(r"(?:(?<= )|^)(?:" + p + r")(?= )"))
        for rid, sig, lvl, w, p in _REPLY_RULES
    )
    return rules, re.compile(_REFUSAL_RE), re.compile(_SAFE_FRAME_RE), re.compile(_CRISIS_RE)


def screen_reply(text: str) -> Screening:
    """Screen an AI reply before it is sent: HIGH_RISK for method details or encouragement of self-harm,
    ELEVATED_CONCERN for dismissing a disclosure or discouraging help; NORMAL for supportive replies,
    including ones that ask about suicide directly or point to a crisis line (`crisis_resource`)."""
    rules, refusal, safe_frame, crisis = _reply_compiled()
    tokens, sentences = split_sentences(text)
    analysis = analyze_tokens(tokens, text)
    found: list[tuple[int, float, str, str]] = []
    signals: set[str] = set()
    for sentence in sentences:
        s, _ = sentence_string(sentence.tokens)
        if crisis.search(s):
            signals.add("crisis_resource")
        refused = refusal.search(s) is not None
        for rid, sig, lvl, w, regex in rules:
            for m in regex.finditer(s):
                if sig in ("method_detail", "encouragement") and refused:
                    continue
                if sig == "encouragement" and rid != "encourage_imperative":
                    clause = s[: m.start()].rsplit(" , ", 1)[-1]
                    hit = s[m.start() : m.end()]
                    asked = s.rstrip().endswith("?") and not re.match(
                        r"(?:why don't you|why dont you|why not)", hit
                    )
                    if asked:
                        continue
                    if safe_frame.search(clause) or re.search(
                        r"(?:^| )(?:feel|feeling|have|having|talk|say|share|notice|thoughts)(?: |$)", hit
                    ):
                        continue
                found.append((lvl, w, sig, rid))
                signals.add(sig)
    level = max((lvl for lvl, _, _, _ in found), default=NORMAL)
    if level > NORMAL:
        miss = 1.0
        for lvl, w, _, _ in found:
            if lvl >= level:
                miss *= 1.0 - w
        confidence = 1.0 - miss
    else:
        confidence = 0.9
    details = {"rules": ",".join(dict.fromkeys(rid for _, _, _, rid in found))} if found else {}
    return Screening(
        level=LEVELS[level],
        confidence=bounded(confidence),
        signals=ordered(signals),
        analysis=analysis,
        details=details,
    )
