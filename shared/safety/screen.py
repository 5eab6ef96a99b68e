"""Inline crisis screen: graded, C-SSRS-aligned risk levels for one user message (and its recent context),
and an unsafe-content screen for AI replies.

Method (docs/safety-screen.md): one tokenisation (`shared.conversation.analysis.tokenize`), from which the
same pass also derives sentiment and topics. Each sentence that holds a risk word is matched against
token-level rules (`_rule_table`); every hit becomes a *mention* with a signal, a base level and a reliability.
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
by a small learned model (`learned_risk`, `shared/safety/learned.py`); it never lowers a level.

Everything is compiled on first use; importing this module costs nothing but reading it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from shared.conversation.analysis import Analysis, PhraseIndex, analyze_tokens, tokenize
from shared.models.messages import Sentiment
from shared.safety import learned as _learned
from shared.safety.levels import SafetyLevel, Screening

__all__ = ["CONTEXT_WINDOW", "screen_message", "screen_reply"]

CONTEXT_WINDOW = 5
"""How many of the most recent earlier user messages the screen looks at."""

_N, _W, _E, _H, _S = range(5)
_NO_ANALYSIS = Analysis(sentiment=Sentiment(label="neutral", score=0.0), topics=[])
_LEVELS = (
    SafetyLevel.NORMAL,
    SafetyLevel.WATCH,
    SafetyLevel.ELEVATED_CONCERN,
    SafetyLevel.HIGH_RISK,
    SafetyLevel.SAFETY_MODE,
)

# Output order of signals (stable): own-risk cues by severity, then qualifiers, then context.
SIGNAL_ORDER = (
    "imminent",
    "farewell",
    "means_access",
    "preparation",
    "plan",
    "intent",
    "recent_attempt",
    "past_attempt",
    "method_mention",
    "suicidal_thoughts",
    "self_harm",
    "harm_to_others",
    "wish_dead",
    "suicide_mention",
    "hopelessness",
    "burden",
    "worthlessness",
    "threatened",
    "past_self_harm",
    "past_ideation",
    "past_recovered",
    "negated",
    "third_person",
    "second_person",
    "figurative",
    "reported_speech",
    "context_escalation",
    "context_carryover",
    "learned_risk",
    # screen_reply
    "method_detail",
    "encouragement",
    "dismissal",
    "discourages_help",
    "crisis_resource",
)
_SIGNAL_RANK = {name: n for n, name in enumerate(SIGNAL_ORDER)}
MODIFIER_SIGNALS = frozenset(
    {"negated", "third_person", "second_person", "figurative", "reported_speech", "past_recovered"}
)
# Own cues that open the gate for context-dependent rules and count towards escalation.
_GATE_SIGNALS = frozenset(
    {
        "suicidal_thoughts",
        "wish_dead",
        "self_harm",
        "method_mention",
        "intent",
        "plan",
        "preparation",
        "past_attempt",
        "recent_attempt",
        "farewell",
        "imminent",
        "means_access",
        "hopelessness",
        "burden",
        "past_self_harm",
    }
)
_ACTION_SIGNALS = frozenset(
    {"intent", "plan", "preparation", "means_access", "farewell", "method_mention", "recent_attempt"}
)
_IDEATION_SIGNALS = frozenset({"suicidal_thoughts", "wish_dead", "intent", "plan", "hopelessness", "burden"})
_SUICIDE_FAMILY = frozenset(
    {"intent", "plan", "suicidal_thoughts", "method_mention", "past_attempt", "preparation"}
)
_FAREWELL_PARTNERS = frozenset(
    {"suicidal_thoughts", "intent", "plan", "method_mention", "means_access", "wish_dead"}
)
_DESPAIR_SIGNALS = frozenset({"hopelessness", "burden", "worthlessness"})
_WATCH_CUES = frozenset(
    {
        "wish_dead",
        "hopelessness",
        "burden",
        "worthlessness",
        "past_ideation",
        "past_self_harm",
        "suicide_mention",
    }
)

# -- token classes -----------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_SENTENCE_END = frozenset(".!?;")
_CLAUSE_STOP = frozenset(
    {
        ",",
        ":",
        "but",
        "because",
        "cause",
        "cuz",
        "coz",
        "so",
        "although",
        "though",
        "yet",
        "or",
        "when",
        "whenever",
        "if",
        "that",
        "which",
        "who",
        "why",
        "how",
        "until",
        "unless",
        "whether",
        "and",
        "while",
        "since",
        "what",
    }
)
_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nor",
        "cannot",
        "dont",
        "cant",
        "wont",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "didnt",
        "doesnt",
        "couldnt",
        "shouldnt",
        "wouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "aint",
        "nah",
        "nope",
    }
)
# "can't stop thinking about it", "couldn't help wanting to": the negation intensifies.
_NEGATION_INVERTERS = frozenset(
    {"stop", "help", "wait", "shake", "resist", "escape", "quit", "control", "fight"}
)
_HEDGE_VERBS = frozenset({"think", "believe", "guess", "know", "saying", "say", "mean", "sure"})

_FIRST = frozenset(
    {
        "i",
        "i'm",
        "im",
        "i've",
        "ive",
        "i'd",
        "i'll",
        "me",
        "myself",
        "my",
        "mine",
        "imma",
        "i'ma",
        "we",
        "we're",
        "us",
        "our",
        "ourselves",
    }
)
_FIRST_SUBJECT = frozenset({"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "myself", "imma", "i'ma"})
_SECOND = frozenset(
    {
        "you",
        "you're",
        "youre",
        "your",
        "yours",
        "you've",
        "youve",
        "you'd",
        "youd",
        "you'll",
        "youll",
        "u",
        "ur",
        "yourself",
        "urself",
        "ya",
        "y'all",
        "yall",
        "yourselves",
    }
)
_THIRD_GENERIC = frozenset(
    {
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "people",
        "everyone",
        "everybody",
        "person",
        "those",
        "whoever",
        "others",
        "one",
        "nobody",
        "they",
        "them",
        "their",
        "themselves",
        "individuals",
    }
)
_THIRD_SPECIFIC = frozenset(
    _words(
        """he she he's hes she's shes he'd she'd he'll she'll him her his hers himself herself they're theyre
    themself friend friends bestie bff brother sister bro sis mom mum mommy mother dad daddy father son daughter
    boyfriend girlfriend bf gf partner husband wife cousin uncle aunt grandma grandpa grandmother grandfather
    roommate classmate coworker co-worker colleague student client patient kid child teen teenager sibling niece
    nephew fiance fiancee ex neighbor neighbour boss teacher guy girl man woman boy dude stepdad stepmom stepbrother
    stepsister parent parents family buddy pal mate character narrator singer he'll she'll"""
    )
)
_MEDIA = frozenset(
    _words(
        """song songs lyric lyrics line lines chorus verse movie movies film show series episode book novel poem
    character characters meme memes quote title tweet post video tiktok comment caption joke jokes game album
    rapper singer band scene play sitcom anime manga comic podcast headline article news tv youtube youtuber
    streamer sign shirt t-shirt slogan script sings sang lyricist"""
    )
)
_SPEECH_VERBS = frozenset(
    _words(
        """said says say goes go went sang sings sing wrote writes yelled yells screamed screams told tells texted
    texts posted posts tweeted commented joked jokes whispered shouted asked asks replied replies called calls
    like"""
    )
)
_ASK_VERBS = frozenset({"asked", "asks", "ask", "asking", "wondered", "wonders", "wondering"})
_LAUGH = frozenset(
    _words(
        """lol lool lolol lmao lmfao lmaoo lmaooo rofl haha hahaha hahahaha hehe hehehe jk jkjk xd xD lel kek
    lmaoooo hah"""
    )
)
_LAUGH_EMOJI = ("😂", "🤣", "💀", "😅", "😆", "😹", "🙃", "😜", "😝")
_QUOTE_CHARS = frozenset("\"\u201c\u201d\u00ab\u00bb\u2018\u2019'")
_TIME_NOW_RE = (
    r"(?:tonight|tonite|right now|rn|today|this evening|this afternoon|this morning|"
    r"in (?:an|a|one|a few|few|\d+|ten|five|fifteen|twenty|thirty) (?:minutes|minute|mins|min|hours|hour|seconds|secs)|"
    r"after (?:this|i post this|i send this|i finish this|everyone is asleep|everyone's asleep|everyone goes to bed)|"
    r"before (?:morning|sunrise|dawn|the sun comes up)|when everyone(?:'s| is) asleep|now) "
)
_PAST_RE = (
    r"(?:used to|use to|when i was|as a (?:kid|child|teen|teenager)|years ago|yrs ago|months ago|"
    r"(?:\d+|a few|few|several|many|couple|a couple of|two|three|four|five|ten) (?:years|yrs|months) ago|"
    r"in (?:high school|middle school|highschool|college|uni|university|my teens|my twenties|my early|my late|the past|\d{4})|"
    r"back (?:then|in)|a long time ago|long ago|last year|in the past|when i was younger|at (?:age )?(?:\d+|thirteen|fourteen|fifteen|sixteen)|"
    r"previously|once before|was once) "
)
_RECENT_RE = (
    r"(?:last night|yesterday|today|tonight|this morning|this afternoon|this evening|earlier|just|already|"
    r"a (?:few|couple of?) (?:days|hours|minutes) ago|(?:\d+|two|three|few|couple|an|one|a) (?:days|day|hours|hour|minutes|minute|mins|min) ago|earlier today|"
    r"last week|this week|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|again|relapsed|still|"
    r"right now|recently|lately|been|keep|keeps|kept|currently|every day|everyday|every night|daily|worse than ever|getting worse|coming back|came back|back again|returned) "
)
_RECOVERED_RE = (
    r"(?:(?:i'm|im|i am|doing|feel|feeling) (?:much |so much |a lot |way )?(?:okay|ok|fine|better|good|well|great|safe|happy|healthy|alright|stable|clean) (?:now|these days|today|nowadays)|"
    r"(?:i'm|im|i am) (?:in a (?:better|good|much better) place|doing (?:better|well|okay|ok|good)|recovered|in recovery|clean|past that|over it|glad i'm still here|glad im still here)|"
    r"(?:\d+|a few|few|two|three|four|five|six|many|several) (?:years|months|weeks|days) clean|(?:been |stayed |i'm |im )?clean (?:for|since)|"
    r"(?:haven't|havent|have not|hasn't|hasnt) (?:self-harmed|self harmed|cut|hurt myself|tried|attempted|felt (?:like )?that|felt that way|done it|relapsed) (?:in|for|since)|"
    r"(?:recovered|recovery|got help|got better|got through it|made it through|pulled through)|"
    r"(?:it|things|life) (?:got|gets|has gotten|have gotten) better|"
    r"glad (?:i'm|im|i am|i'm still|im still) (?:here|alive)|(?:no longer|not anymore|don't feel that way anymore|dont feel that way anymore)|"
    r"(?:those|these) (?:days|thoughts) are (?:over|behind me|gone)) "
)


# -- rules -------------------------------------------------------------------------------------------

_G1 = r"(?:[^ ]+ )?"
_G2 = r"(?:[^ ]+ ){0,2}"
_G3 = r"(?:[^ ]+ ){0,3}"
_G4 = r"(?:[^ ]+ ){0,4}"
_SELF = r"(?P<o>myself|my self|meself|mysef|himself|herself|themselves|themself|yourself|yourselves|urself|ourselves|oneself) "
_POSS = r"(?P<o>my|his|her|their|your|our|ur) (?:own )?"
_KILL = r"(?:kill|killing|kil|killin|killed|kills|murder|murdering|off|offing|unalive|unaliving) "
_PILLS = (
    r"(?:pills|meds|medication|medications|medicine|tablets|painkillers|pain killers|sleeping pills|antidepressants|"
    r"tylenol|paracetamol|acetaminophen|ibuprofen|aspirin|xanax|benzos|insulin|oxy|opioids|prescription|pill bottle|pill) "
)
# A suicidal act with its object (person from the object).
_ACT = (
    rf"(?P<t>{_KILL}{_SELF}|(?:end|ending|ended|ends|take|taking|took|takes) {_POSS}(?:life|lives|existence) |"
    r"(?:commit|commits|commiting|committing|comitting|commited|committed|comit) suicide |kms |"
    r"(?:end|ending) (?:it|this|everything) all |(?:end|ending) everything |(?:end|ending) my suffering )"
)
_ACT_GERUND_OK = _ACT  # the verbs above already include -ing forms ("thinking about killing myself")
_DESIRE = (
    r"(?:want|wanted|wanting|wants|wanna|wana|wish|wished|wishing|need|needed|needing|long|longing|urge|urges|"
    r"urged|tempted|temptation|temptations|impulse|impulses|desire|desires|thought|thoughts|thinking|think|thinks|thinkin|"
    r"considering|consider|considered|contemplate|contemplating|contemplated|fantasize|fantasizing|fantasise|"
    r"fantasising|fantasies|dream|dreaming|obsess|obsessing|obsessed|like|should|shall|might|may|could|would|"
    r"gotta|ideation|close to|tempting|idea|ideas) "
)
_INTENT = (
    r"(?:going to|gonna|goin to|gunna|will|i'll|ill|decided to|deciding to|ready to|determined to|intend to|"
    r"intending to|i'm doing|im doing|have decided to|finally going to|am going to|plan on|try to|gonna try to|"
    r"made up my mind to|have made up my mind to) "
)
_SH_STRONG_VERB = (
    r"(?:cut|cutting|cuts|burn|burning|burnt|burned|scratch|scratching|scratched|carve|carving|carved|slash|"
    r"slashing|slashed|mutilate|mutilating|mutilated|bruise|bruising|bruised) "
)
_SH_WEAK_VERB = (
    r"(?:hurt|hurting|hurts|harm|harming|harmed|hit|hitting|punch|punching|punched|starve|starving|starved|injure|"
    r"injuring|injured|bang|banging|banged|bite|biting|beat|beating|punish|punishing) "
)
_BODY = r"(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?|ankles?|body|belly|chest|forearms?) "
_SH_WORD = (
    r"(?:self-harm|self harm|selfharm|self-harming|self harming|self-harmed|self harmed|self-injury|self injury|"
    r"self-injure|self injure|self-injuring|self-injured|self-mutilation|self mutilation|self-mutilate|"
    r"self-mutilating|sh-ing|shing) "
)
_SH_ACT = (
    rf"(?:{_SH_STRONG_VERB}{_SELF}|(?:cut|cutting|cuts|slash|slashing|slit|slitting|burn|burning|scratch|"
    rf"scratching|carve|carving) {_POSS}{_BODY}|{_SH_WORD})"
)
_SH_ACT_VERB = (
    rf"(?:{_SH_STRONG_VERB}{_SELF}|(?:cut|cutting|cuts|slash|slashing|slit|slitting|burn|burning|scratch|"
    rf"scratching|carve|carving) {_POSS}{_BODY})"
)
_CUT_BARE = (
    r"(?:started|start|starting|stop|stopped|quit|quitting|been|keep|kept|began|begin|back to|urge to|urges to|used to|use to|"
    r"want to|wanna|relapsed|relapse|into|addicted to|hide my|hiding my|the urge to|go back to|went back to) "
    r"(?:cutting|cut)(?! (?:the|a|an|my|some|back|down|class|classes|school|ties|off|out|corners|carbs|sugar|hair|"
    r"onions?|bread|meat|wood|paper|grass|costs?|expenses?|spending|people|him|her|them|it|that|this|contact|"
    r"calories|coffee|alcohol|drinking|weight|in|through|up|across|loose|short|class|lines?|the) )"
)
_PERSON_TARGET = (
    r"(?:him|her|them|someone|somebody|people|everyone|everybody|anyone|anybody|"
    r"that (?:guy|girl|man|woman|bitch|bastard|person|kid|teacher|dude|asshole)|"
    r"my (?:boss|dad|mom|mum|father|mother|stepdad|stepmom|brother|sister|husband|wife|boyfriend|girlfriend|bf|gf|ex|"
    r"partner|roommate|neighbor|neighbour|teacher|coworker|co-worker|family|parents|son|daughter|kids|baby|classmates?|"
    r"bully|bullies|abuser|landlord|manager|uncle|aunt|cousin)|"
    r"the (?:kids|people|guys|students|bullies|bully|teacher|boss|neighbors|neighbours|baby|class)|"
    r"those (?:people|kids|guys|bullies)|(?:all|each) of them) "
)
_HARM_VERB = (
    r"(?:kill|killing|hurt|hurting|stab|stabbing|shoot|shooting|strangle|strangling|murder|murdering|beat up|"
    r"beating up|poison|poisoning|attack|attacking|choke|choking|harm|harming|torture|torturing|run over|slaughter) "
)
_MEANS = (
    r"(?:gun|guns|pistol|handgun|rifle|firearm|shotgun|pills|meds|medication|tablets|sleeping pills|painkillers|"
    r"rope|noose|razor|razors|blade|blades|poison|knife|bottle of pills) "
)


class _Rule(NamedTuple):
    id: str
    signal: str
    level: int
    weight: float  # reliability of the cue, 0..1
    pattern: str
    needs: tuple[str, ...]  # the sentence must hold one of these tokens (or prefixes ending in '*')
    flags: str = ""
    ungated: int = -1  # level when a gated rule ("g") fires without own risk in the window; -1 drops it
    group: str = ""  # within a group, an earlier rule's hit hides later overlapping hits
    also: tuple[str, ...] = ()  # and one of these tokens too (a cheap pre-filter; the pattern decides)


# Flags: p = person from the subject (else from the object group, else first person);
#        P = like p, but needs an explicit first-person word; n = negatable; N = negation is part of the
#        pattern (look only before it); t = temporal (past / recent / recovered); g = gated by own risk;
#        h = hyperbole markers cap it at WATCH; a = action cue (a time-now cue makes it imminent).
_KILLWORDS = (
    "kill",
    "killing",
    "kil",
    "killin",
    "killed",
    "kills",
    "murder",
    "murdering",
    "off",
    "offing",
    "unalive",
    "unaliving",
)
# An act needs its object: these are the words every `_ACT` hit contains.
_ACT_NEEDS = (
    "myself",
    "self",
    "meself",
    "mysef",
    "himself",
    "herself",
    "themselves",
    "themself",
    "yourself",
    "yourselves",
    "urself",
    "ourselves",
    "oneself",
    "life",
    "lives",
    "existence",
    "suicide",
    "kms",
    "end",
    "ending",
)
_SH_NEEDS = (
    "cut",
    "cutting",
    "cuts",
    "burn",
    "burning",
    "burnt",
    "burned",
    "scratch",
    "scratching",
    "scratched",
    "carve",
    "carving",
    "carved",
    "slash",
    "slashing",
    "slashed",
    "slit",
    "slitting",
    "mutilate",
    "mutilating",
    "mutilated",
    "bruise",
    "bruising",
    "bruised",
    "self-harm",
    "self",
    "selfharm",
    "self-harming",
    "self-harmed",
    "self-injury",
    "self-injure",
    "self-injuring",
    "self-injured",
    "self-mutilation",
    "self-mutilate",
    "self-mutilating",
    "sh-ing",
    "shing",
)
_SH_WEAK_NEEDS = (
    "hurt",
    "hurting",
    "hurts",
    "harm",
    "harming",
    "harmed",
    "hit",
    "hitting",
    "punch",
    "punching",
    "punched",
    "starve",
    "starving",
    "starved",
    "injure",
    "injuring",
    "injured",
    "bang",
    "banging",
    "banged",
    "bite",
    "biting",
    "beat",
    "beating",
    "punish",
    "punishing",
)
_DIE_NEEDS = (
    "asleep",
    "forever",
    "die",
    "dead",
    "exist",
    "existing",
    "alive",
    "gone",
    "disappear",
    "wake",
    "sleep",
    "live",
    "living",
    "rot",
    "vanish",
    "death",
    "dying",
    "born",
    "existed",
    "breathing",
    "here",
    "around",
    "end",
    "over",
    "stop",
)


def _rule_table() -> list[_Rule]:
    r = _Rule
    act = _ACT
    return [
        # -- imminent, stated outright
        r(
            "imm_about",
            "imminent",
            _S,
            0.9,
            rf"(?:about to|bout to|abt to|getting ready to|i'm going to go|im going to go|im gonna go|i'm gonna go) {_G1}(?:{act}|do it |end it |jump |pull the trigger |take (?:the|all the|all my|them|these|those) {_PILLS}|hang myself |overdose |od |cut |slit )",
            (
                *_ACT_NEEDS,
                "it",
                "jump",
                "trigger",
                "pills",
                "meds",
                "tablets",
                "overdose",
                "od",
                "cut",
                "slit",
            ),
            "pnh",
            group="act",
            also=("about", "bout", "abt", "ready"),
        ),
        r(
            "imm_scene",
            "imminent",
            _S,
            0.8,
            r"(?:standing|sitting|stood|sat|i'm|im|i am|on my way to|walking to|driving to|heading to|here at|up on) (?:on |at |to |up on )?(?:the |a |this |that |my |our )?(?:edge of (?:the |a )?)?(?:bridge|ledge|roof|rooftop|cliff|train tracks|tracks|railing|overpass) ",
            ("bridge", "ledge", "roof", "rooftop", "cliff", "tracks", "railing", "overpass"),
            "png",
            ungated=-1,
        ),
        r(
            "imm_holding",
            "means_access",
            _S,
            0.85,
            rf"(?<!took )(?<!took a )(?<!took the )(?<!took my )(?<!used )(?<!used a )(?<!used the )(?<!used my )(?<!put )(?<!put a )(?<!put the )(?<!put my )(?<!ran )(?<!ran a )(?<!ran the )(?<!ran my )(?<!dragged )(?<!dragged a )(?<!dragged the )(?<!dragged my )(?<!take )(?<!take a )(?<!take the )(?<!take my )(?<!a )(?<!the )(?<!my )(?<!all )(?<!some )(?:(?:holding|have|got|i've got|ive got|with|there's|theres|there is|there are|i'm holding|im holding) )?(?:a |the |my |all my |all the |these |those |some |his |her |dad's |my dad's )?{_MEANS}(?:is |are |'s |s )?(?:right )?(?:in my hand|in my hands|in front of me|next to me|beside me|on my lap|on my desk|(?:to|against|on) my (?:head|chest|wrist|wrists|throat|neck|arm|temple|skin)|loaded|ready|here with me|right here|with me now|with me right now|lined up) ",
            (
                "gun",
                "guns",
                "pistol",
                "handgun",
                "rifle",
                "firearm",
                "shotgun",
                "pills",
                "meds",
                "medication",
                "tablets",
                "rope",
                "noose",
                "razor",
                "razors",
                "blade",
                "blades",
                "poison",
                "knife",
                "bottle",
            ),
            "nga",
            ungated=_W,
        ),
        r(
            "take_them",
            "intent",
            _H,
            0.75,
            r"(?:going to|gonna|about to|will|i'll|ready to|want to|planning to|plan to|plan on|planning on) (?:just )?(?:take|swallow|use|down|load) (?:them|it|those|these|the pills|all of them|them all|the lot|the whole bottle|all my pills|the gun|the rope|the blade|the razor) ",
            ("take", "swallow", "use", "down", "load"),
            "pntga",
            ungated=-1,
        ),
        r(
            "note_written",
            "preparation",
            _H,
            0.7,
            r"(?:wrote|written|writing|finished|left|leaving|typed) (?:my|a|the|all my|all the|some) (?:note|notes|letter|letters) ",
            ("note", "notes", "letter", "letters"),
            "pntga",
            ungated=-1,
        ),
        r(
            "imm_bleeding",
            "imminent",
            _S,
            0.8,
            r"(?:bleeding (?:out|a lot|heavily|everywhere|badly|so much|too much)|(?:can't|cant|cannot|won't|wont) stop (?:the )?bleeding|losing (?:a lot of|so much|too much) blood) ",
            ("bleeding", "blood"),
            "g",
            ungated=_W,
        ),
        # -- the suicidal act, framed (intent, plan, attempt, research, desire) or bare
        r(
            "voices",
            "suicidal_thoughts",
            _E,
            0.8,
            rf"(?:voice|voices|my head|my brain|my mind|something in my head|a voice in my head|the voice) (?:is |are |keeps |keep |has been |have been |)(?:telling|tell|tells|told|saying|say|says|ordering|order|orders|commanding|command|commands|urging|urge) (?:me )?(?:to |that i should |i should |i need to |i have to |i must )?(?:just |go )?{act}",
            _ACT_NEEDS,
            "n",
            group="act",
            also=("voice", "voices", "head", "brain", "mind"),
        ),
        r(
            "told_to",
            "reported_speech",
            _W,
            0.6,
            rf"(?:told|tell|tells|telling|want|wants|wanted|asked|asks|said|says|keep telling|keeps telling) me (?:to |i should |that i should |i ought to |to go )?(?:just |go )?{act}",
            _ACT_NEEDS,
            "n",
            group="act",
            also=(
                "told",
                "tell",
                "tells",
                "telling",
                "want",
                "wants",
                "wanted",
                "asked",
                "asks",
                "said",
                "says",
            ),
        ),
        r(
            "deterrent",
            "suicidal_thoughts",
            _E,
            0.8,
            r"(?:(?:only|one|main|biggest) (?:reason|thing|things|reasons|person|people) (?:[^ ]+ ){0,5}(?:keeping|keeps|kept|holding|holds) me (?:alive|here|from)|(?:only|one|main|biggest) (?:reason|thing|reasons) (?:[^ ]+ ){0,4}(?:haven't|havent|have not|didn't|didnt|did not|hasn't|hasnt|am not|i'm not|im not|won't|wont|don't|dont|never) (?:[^ ]+ ){0,3}(?:killed|kill|commit|committed|done|do|gone|go|ended|end|attempted|tried|dead)|(?:if it (?:wasn't|wasnt|weren't|werent|was not|were not) for|were it not for|if (?:i|we) (?:didn't|didnt|did not) have|without) (?:[^ ]+ ){1,6}(?:i'd|id|i (?:[^ ]+ ){0,2}would|i (?:[^ ]+ ){0,2}'d) (?:[^ ]+ ){0,3}(?:dead|killed myself|kill myself|committed suicide|done it|gone through with it|ended it|ended my life|be gone|not be here|not be alive)) ",
            (
                "only",
                "main",
                "biggest",
                "wasn't",
                "wasnt",
                "weren't",
                "werent",
                "without",
                "were",
                "didn't",
                "didnt",
            ),
            "pNthe",
            group="act",
            also=(
                "reason",
                "reasons",
                "thing",
                "things",
                "person",
                "people",
                "dead",
                "killed",
                "kill",
                "committed",
                "done",
                "gone",
                "ended",
                "alive",
                "here",
                "end",
                "tried",
                "attempted",
                "commit",
                "do",
                "go",
            ),
        ),
        r(
            "courage",
            "suicidal_thoughts",
            _E,
            0.75,
            r"(?:(?:not|never|isn't|wasn't|isnt|wasnt) (?:even |quite |yet )?(?:strong|brave|courageous|man|bold) enough to|(?:haven't|havent|don't|dont|didn't|didnt|never|lack|lacked|lacking|no|not) (?:yet )?(?:had |have |got |the |enough )*(?:balls|guts|courage|nerve|strength|bravery) to|too (?:scared|afraid|cowardly|much of a coward|chicken|weak|pussy|frightened) to|(?:i'm|im|i am) (?:too )?(?:a |such a )?coward to|(?:couldn't|couldnt|can't|cant|cannot|could not|never could) bring (?:myself|my self) to) (?:[^ ]+ ){0,4}(?:kill myself|killing myself|end my life|commit suicide|suicide|pull the trigger|jump|take the pills|swallow the pills|pick up the gun|die|end it all|off myself) ",
            ("enough", "balls", "guts", "courage", "nerve", "strength", "bravery", "too", "coward", "bring"),
            "pNth",
            group="act",
        ),
        r(
            "courage_doit",
            "suicidal_thoughts",
            _E,
            0.6,
            r"(?:(?:not|never|isn't|wasn't|isnt|wasnt) (?:even |quite |yet )?(?:strong|brave|courageous|bold) enough to|(?:haven't|havent|don't|dont|didn't|didnt|never|lack|lacked|lacking|no|not) (?:yet )?(?:had |have |got |the |enough )*(?:balls|guts|courage|nerve|bravery) to|too (?:scared|afraid|cowardly|much of a coward|chicken) to|(?:i'm|im|i am) (?:too )?(?:a |such a )?coward to) (?:actually |just |finally )?(?:do it|go through with it|end it) ",
            ("enough", "balls", "guts", "courage", "nerve", "bravery", "too", "coward"),
            "pNtg",
            ungated=-1,
        ),
        r(
            "act_intent",
            "intent",
            _H,
            0.85,
            rf"{_INTENT}{_G2}{act}",
            _ACT_NEEDS,
            "pntha",
            group="act",
            also=(
                "mind",
                "going",
                "gonna",
                "goin",
                "gunna",
                "will",
                "i'll",
                "ill",
                "decided",
                "deciding",
                "ready",
                "determined",
                "intend",
                "intending",
                "doing",
                "plan",
                "try",
            ),
        ),
        r(
            "act_plan",
            "plan",
            _H,
            0.85,
            rf"(?:plan|plans|planning|planned|plotting|plot|scheduled|schedule|preparing|prepared|prepare) (?:on |to |for |out |how to |when to |a way to |the day to |the date to )?{_G2}{act}",
            (
                "plan",
                "plans",
                "planning",
                "planned",
                "plotting",
                "plot",
                "scheduled",
                "schedule",
                "preparing",
                "prepared",
                "prepare",
            ),
            "pntha",
            group="act",
            also=(
                "plan",
                "plans",
                "planning",
                "planned",
                "plotting",
                "plot",
                "scheduled",
                "schedule",
                "preparing",
                "prepared",
                "prepare",
            ),
        ),
        r(
            "failed_attempt",
            "past_attempt",
            _H,
            0.8,
            rf"(?:wasn't able to|wasnt able to|was not able to|was unable to|couldn't manage to|didn't manage to|didnt manage to|failed to|failed at|survived trying to) {_G1}{_ACT}",
            _ACT_NEEDS,
            "pNt",
            group="act",
            also=("able", "unable", "manage", "failed", "survived"),
        ),
        r(
            "act_attempt",
            "past_attempt",
            _H,
            0.85,
            rf"(?:tried|trying|tries|attempt|attempted|attempting|attempts|failed to|fail to) (?:to )?{_G2}{act}",
            ("tried", "trying", "tries", "attempt", "attempted", "attempting", "attempts", "failed", "fail"),
            "pnt",
            group="act",
            also=(
                "tried",
                "trying",
                "tries",
                "attempt",
                "attempted",
                "attempting",
                "attempts",
                "failed",
                "fail",
            ),
        ),
        r(
            "act_research",
            "method_mention",
            _H,
            0.8,
            rf"(?:how|ways|way|methods|method|best way|easiest way|quickest way|painless way|fastest way|surest way|most painless way|least painful way) (?:to |of |for |i could |can i |do i |should i |i can |i should |would i |i would |i'd |id |i will |i'll |i'm going to |im going to |im gonna |i'm gonna |people |someone can |to just |to finally )(?:just |finally )?{act}",
            ("how", "ways", "way", "methods", "method"),
            "pnh",
            group="act",
            also=("how", "ways", "way", "methods", "method"),
        ),
        r(
            "act_desire",
            "suicidal_thoughts",
            _E,
            0.85,
            rf"{_DESIRE}{_G3}{act}",
            _ACT_NEEDS,
            "pnth",
            group="act",
            also=(
                "want",
                "wanted",
                "wanting",
                "wants",
                "wanna",
                "wana",
                "wish",
                "wished",
                "wishing",
                "need",
                "needed",
                "needing",
                "long",
                "longing",
                "urge",
                "urges",
                "urged",
                "tempted",
                "temptation",
                "temptations",
                "impulse",
                "impulses",
                "desire",
                "desires",
                "thought",
                "thoughts",
                "thinking",
                "think",
                "thinks",
                "thinkin",
                "considering",
                "consider",
                "considered",
                "contemplate",
                "contemplating",
                "contemplated",
                "fantasize",
                "fantasizing",
                "fantasise",
                "fantasising",
                "fantasies",
                "dream",
                "dreaming",
                "obsess",
                "obsessing",
                "obsessed",
                "like",
                "should",
                "shall",
                "might",
                "may",
                "could",
                "would",
                "gotta",
                "ideation",
                "close",
                "tempting",
                "idea",
                "ideas",
            ),
        ),
        r("act_bare", "suicidal_thoughts", _E, 0.7, act, _ACT_NEEDS, "pnth", group="act"),
        r(
            "attempt_noun",
            "past_attempt",
            _H,
            0.7,
            r"(?:my|this|that|last|first|second|third|latest|recent|previous|prior|failed|botched|halfhearted|half-hearted|serious|two|three|several|multiple|\d+) (?:suicide )?(?:attempt|attempts)(?! (?:at|to|in|on|of|for|with|not) (?!(?:my life|suicide|killing|ending|it) ))(?! (?:was|is) (?:a )?(?:success|successful|good|great|fun|delicious))",
            ("attempt", "attempts"),
            "pntg",
            ungated=_W,
        ),
        r(
            "attempted_bare",
            "past_attempt",
            _H,
            0.75,
            r"(?:i|i've|ive|i have|i had|had) (?:already |once |previously |actually |)attempted(?= [.!?,;] | $| (?:twice|once|before|several|multiple|\d+|many|a few|again|in|when|at|last|years|as|and|but|myself) )",
            ("attempted",),
            "pnt",
        ),
        r(
            "cutter",
            "self_harm",
            _H,
            0.7,
            r"(?:i was|i'm|im|i am|been|was|used to be) a (?:cutter|self-harmer|self harmer) ",
            ("cutter", "self-harmer", "harmer"),
            "pnt",
            group="sh",
        ),
        r(
            "kill_me",
            "wish_dead",
            _W,
            0.5,
            r"(?:someone|somebody|anyone|anybody|just|please|god|lord|pls|plz|can someone|could someone) (?:please |pls |just |plz )?(?:kill|shoot|end) me |(?:kill|shoot|end) me (?:now|already|please|pls|plz|rn) ",
            ("kill", "shoot"),
            "nh",
            also=(
                "someone",
                "somebody",
                "anyone",
                "anybody",
                "just",
                "please",
                "god",
                "lord",
                "pls",
                "plz",
                "now",
                "already",
                "rn",
                "can",
                "could",
            ),
        ),
        r(
            "suicidal_adj",
            "suicidal_thoughts",
            _E,
            0.8,
            r"(?:suicidal|suicidally|suicidality) ",
            ("suicidal", "suicidally", "suicidality"),
            "Pnth",
            group="suicidal",
        ),
        r(
            "suicide_option",
            "suicidal_thoughts",
            _E,
            0.8,
            r"(?:suicide|death|dying|killing myself|ending it) (?:is|seems|feels|looks|would be|sounds|was) (?:like )?(?:the |my |an |a )?(?:only |best |last |easiest |obvious |right |better )?(?:answer|option|way out|solution|escape|choice|way|thing left|relief) ",
            ("suicide", "death", "dying", "killing", "ending"),
            "pnth",
            group="suicidal",
            also=("answer", "option", "way", "solution", "escape", "choice", "thing", "relief"),
        ),
        r(
            "suicide_plan",
            "plan",
            _H,
            0.85,
            r"(?:suicide|suicidal) (?:plan|plans|pact|date|kit) |(?:plan|plans|planning|planned) (?:my )?suicide ",
            ("suicide", "suicidal", "plan", "plans", "planning", "planned"),
            "pntha",
            group="suicidal",
            also=("plan", "plans", "pact", "date", "kit", "planning", "planned"),
        ),
        r(
            "suicide_method",
            "method_mention",
            _H,
            0.8,
            r"(?:suicide|suicidal) (?:method|methods|means) |(?:method|methods|way|ways) (?:of|for) suicide ",
            ("suicide", "suicidal", "method", "methods"),
            "pnth",
            group="suicidal",
            also=("method", "methods", "means", "way", "ways"),
        ),
        r(
            "suicide_attempt",
            "past_attempt",
            _H,
            0.85,
            r"(?:suicide|suicidal) (?:attempt|attempts|try|tries|gesture) |attempted suicide |(?:attempt|attempts) (?:at|on) (?:my )?(?:own )?(?:life|suicide) |survived (?:an |my |a |the |two |three |multiple |several |\d+ )?(?:suicide )?(?:attempt|attempts|overdose|overdoses|od) ",
            ("suicide", "suicidal", "attempted", "attempt", "attempts", "survived"),
            "pnt",
            group="suicidal",
            also=("attempt", "attempts", "try", "tries", "gesture", "attempted", "survived", "life"),
        ),
        r(
            "suicide_think",
            "suicidal_thoughts",
            _E,
            0.8,
            r"(?:(?:think|thinking|thought|thoughts|thinkin|obsessing|obsessed|fantasizing|fantasize|dreaming|dream|idea|ideas|feelings|feeling|talking|talk|joking|reading|researching|googling) (?:about|of|on) |(?:considering|consider|considered|contemplating|contemplate|contemplated|contemplation|want|wanted|urge|urges|ideation|resort to|turn to|option of|close to|tempted by|considering committing|seriously considering) (?:about |of |on )?)(?:committing )?suicide ",
            ("suicide",),
            "pnth",
            group="suicidal",
        ),
        r(
            "on_my_mind",
            "suicidal_thoughts",
            _E,
            0.75,
            r"(?:suicide|killing myself|ending it all|ending my life|taking my own life|dying|death) (?:has been|have been|is|was|keeps|kept|has|had been) (?:always |constantly |really |a lot |often )?(?:on|in|crossing|popping into|creeping into|running through) (?:my|the back of my) (?:mind|head|thoughts) ",
            ("suicide", "killing", "ending", "taking", "dying", "death"),
            "pnth",
            group="suicidal",
            also=("mind", "head", "thoughts"),
        ),
        r("suicide_bare", "suicide_mention", _W, 0.4, r"suicide ", ("suicide",), "PInthf", group="suicidal"),
        # -- wish to be dead, life not worth living
        r(
            "die_desire",
            "wish_dead",
            _W,
            0.75,
            r"(?:want|wanted|wanting|wants|wanna|wana|wish|wished|wishing|need|long|longing|yearn|yearning|ready|pray|praying|prayed|hope|hoping|deserve|deserved|rather|prefer|urge|urges|desire|desires) (?:[^ ]+ ){0,2}(?:to |too )?(?P<t>die|be dead|die already|not exist|stop existing|cease to exist|not be alive|be gone|disappear forever|disappear for good|vanish forever|sleep forever|sleep and never wake up|never wake up|not wake up|stop living|not live|not be here|not be around|rot|just die|fall asleep and never wake up|go to sleep and never wake up|fall asleep forever|go to sleep forever|sleep and not wake up|fall asleep and not wake up|disappear(?! (?:for|to|into|on|with|from|until|till|off|and go|and travel|somewhere|abroad|to a|into the)))(?= )",
            _DIE_NEEDS,
            "pnth",
            group="wish",
            also=(
                "want",
                "wanted",
                "wanting",
                "wants",
                "wanna",
                "wana",
                "wish",
                "wished",
                "wishing",
                "need",
                "long",
                "longing",
                "yearn",
                "yearning",
                "ready",
                "pray",
                "praying",
                "prayed",
                "hope",
                "hoping",
                "deserve",
                "deserved",
                "rather",
                "prefer",
                "urge",
                "urges",
                "desire",
                "desires",
            ),
        ),
        r(
            "own_funeral",
            "wish_dead",
            _W,
            0.6,
            r"(?:imagining|imagine|imagined|picture|picturing|thinking about|think about|thought about|planning|plan) (?:my|my own) (?:funeral|death|grave|obituary) |(?:nobody|no one|noone) (?:would|will) (?:come|show up|turn up|go) to my funeral ",
            ("funeral", "death", "grave", "obituary"),
            "nth",
            group="wish",
        ),
        r(
            "ambivalent_but",
            "suicidal_thoughts",
            _E,
            0.7,
            r"(?:kill myself|killing myself|suicide|end my life|ending my life|ending it|do it) (?:[^ .!?]+ ){0,8}but (?:i )?(?:still |do |often |sometimes |constantly |really |keep )?(?:think|thinking|thought|dream|dreaming|fantasize|fantasizing) about (?:it|doing it|that|dying|death|killing myself|suicide)(?: a lot| all the time| every day| constantly| often)? ",
            ("but",),
            "pth",
            group="wish",
            also=("think", "thinking", "thought", "dream", "dreaming", "fantasize", "fantasizing"),
        ),
        r(
            "join_dead",
            "suicidal_thoughts",
            _E,
            0.7,
            r"(?:died|dead|passed|passed away|killed himself|killed herself|killed themselves|suicide|heaven|grave|death|lost) (?:[^ ]+ ){0,14}(?P<t>want to|wanna|should|could|going to|think i should|thinking i should|thinking of|thinking about|wish i could|need to|ready to|just want to|long to) (?:just )?(?:join|be with|go be with|follow) (?:him|her|them|my (?:mom|mum|dad|brother|sister|friend|grandma|grandpa|son|daughter|husband|wife|partner|boyfriend|girlfriend|baby)) ",
            ("join", "follow", "with"),
            "pnth",
            also=("died", "dead", "passed", "killed", "suicide", "heaven", "grave", "death", "lost"),
        ),
        r(
            "think_dying",
            "wish_dead",
            _W,
            0.6,
            r"(?:think|thinking|thought|dream|dreaming|fantasize|fantasizing|fantasise) (?:a lot |often |constantly |sometimes |all the time )?about (?:dying|death|being dead|not existing|not being here|my death|my own death|not waking up) |(?:want to|wanna|wish i could|just want to) (?:go )?be with (?:my |our )?(?:[^ ]+ )?in heaven |(?:can't|cant|cannot) be bothered (?:to live|living|to stay alive|to exist|staying alive) |(?:want|wish|wanting) (?:it all|everything|this all) to (?:stop|go away) ",
            ("dying", "death", "dead", "existing", "here", "waking", "heaven", "bothered", "stop", "away"),
            "pNth",
            group="wish",
        ),
        r(
            "wish_death",
            "wish_dead",
            _W,
            0.75,
            r"(?:want|wish|wishing|pray|praying|long|longing|beg|begging|welcome|embrace|crave|craving|hoping|hope) (?:for )?(?:death|my death|the end|it all to end|it to be over|it all to be over|everything to end|everything to be over|my life to end|my life to be over|for it all to end|to not exist) ",
            ("death", "end", "over"),
            "pnth",
            group="wish",
            also=(
                "want",
                "wish",
                "wishing",
                "pray",
                "praying",
                "long",
                "longing",
                "beg",
                "begging",
                "welcome",
                "embrace",
                "crave",
                "craving",
                "hoping",
                "hope",
            ),
        ),
        r(
            "wish_self",
            "wish_dead",
            _W,
            0.85,
            r"(?:wish|wishes|wished|wishing) (?P<o>i|i'd|id|she|he|they|she'd|he'd|they'd|you|you'd) (?:was|were|wasn't|wasnt|weren't|werent|had|hadn't|hadnt|could|would|wouldn't|wouldnt|didn't|didnt|never|just|would just|could just|had never|was never|were never|'d never|d never|was not|were not|did not|had not) (?:[^ ]+ ){0,3}(?:dead|die|died|born|exist|existed|existing|wake up|woke up|gone|disappear|vanish|alive) (?!(?:to|into|for|on|with|from|at|in) )",
            ("wish", "wishes", "wished", "wishing"),
            "Nth",
            group="wish",
        ),
        r(
            "dont_live",
            "wish_dead",
            _W,
            0.8,
            r"(?:don't|dont|do not|didn't|didnt|did not|never|no longer|not|can't|cant|cannot|no) (?:really |even |honestly |actually |ever |just |wanna |want to |feel like |see the point in |see a point in |see any point in |see the point of |have the will to |have a reason to |have any reason to |deserve to |deserve )*(?:want to |wanna |wish to |feel like |care to )?(?:live|living|be alive|being alive|exist|existing|be here anymore|be here any more|be here any longer|be around anymore|be around right now|be here right now|be around any more|be around any longer|be on this earth|keep living|go on living|wake up|waking up|survive|be alive anymore|see tomorrow|wake up tomorrow)(?! (?:here|there|in|with|at|near|like that|next to|on my own|alone|without|for|a|the|this|that|up to) )",
            (
                "live",
                "living",
                "alive",
                "exist",
                "existing",
                "here",
                "around",
                "earth",
                "wake",
                "waking",
                "survive",
                "tomorrow",
            ),
            "pNth",
            group="wish",
        ),
        r(
            "dont_care_live",
            "wish_dead",
            _W,
            0.75,
            r"(?:don't|dont|do not) care (?:if|whether) i (?:die|live|wake up|make it|survive|get hit|drop dead) ",
            ("care",),
            "pNth",
            group="wish",
        ),
        r(
            "better_dead",
            "wish_dead",
            _W,
            0.85,
            r"(?:better off|be better|happier|more peaceful|better) dead |(?:should|should've|shoulda|ought to) (?:have |of )?(?:died|been dead|be dead|not survived|not have survived|never have been born|never been born) |(?:shouldn't|shouldnt|should not) (?:have |of )?(?:survived|been born|woken up|made it) |(?:rather|sooner) (?:be dead|die|not exist|not be alive|not wake up|not be here) |(?:wouldn't|wouldnt|would not|won't|wont) mind (?:dying|being dead|not waking up|not existing|if i died|if i didn't wake up|if i didnt wake up|death|if i never woke up) |(?:can't|cant|cannot) wait (?:to die|for death|to be dead|until i die|till i die|til i die) |(?:looking forward to|long for|longing for|crave|craving) (?:death|dying|being dead|the day i die) |(?:hope|hoping|pray|praying) (?:that )?i (?:die|don't wake up|dont wake up|never wake up|won't wake up|wont wake up|get hit by|crash|don't make it|dont make it|get cancer|drop dead) ",
            (
                "dead",
                "die",
                "died",
                "survived",
                "born",
                "woken",
                "made",
                "mind",
                "wait",
                "death",
                "dying",
                "hope",
                "hoping",
                "pray",
                "praying",
                "rather",
                "sooner",
            ),
            "pNth",
            group="wish",
            also=(
                "off",
                "better",
                "happier",
                "peaceful",
                "rather",
                "sooner",
                "should",
                "should've",
                "shoulda",
                "ought",
                "shouldn't",
                "shouldnt",
                "mind",
                "wait",
                "forward",
                "long",
                "longing",
                "crave",
                "craving",
                "hope",
                "hoping",
                "pray",
                "praying",
            ),
        ),
        r(
            "no_reason",
            "wish_dead",
            _W,
            0.7,
            r"(?:can't|cant|cannot|can not|don't|dont|do not|couldn't|couldnt) (?:see|find|think of|come up with|give) (?:any|a|one|the|a single) (?:single |good )?(?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|life|live|continuing|keep living|keep going|stay alive|be here|being here|carry on) ",
            ("point", "reason", "purpose"),
            "pNth",
            group="wish",
        ),
        r(
            "why_alive",
            "wish_dead",
            _W,
            0.7,
            r"(?:why (?:am|do|should|would|must) i (?:still )?(?:alive|even alive|be alive|exist|bother living|keep living|keep going|live|still here|go on|bother) |(?:what's|whats|what is) (?:even |really |honestly |actually )?the point (?:of|in) (?:living|life|being alive|existing|going on|me|my life|staying alive|my existence|anything anymore|it all) |(?:no|zero|any) (?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|me being here|live|to live|continuing|keep living|stay alive|me to live|my existence) |nothing (?:left )?to live for |(?:haven't|havent|have not|hasn't|hasnt|don't|dont|do not|didn't|didnt) (?:had |have |got |found )?(?:a |any |one )?(?:single )?reason to (?:be alive|live|stay alive|keep living|keep going|go on|exist) |(?:isn't|isnt|is not|wasn't|wasnt|ain't|aint|not) (?:any|a|much|really any) (?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|life|live|continuing|keep living|any of this|it all|anything) |(?:no|nothing|nobody|no one|noone) (?:left )?(?:to|worth) live for |life (?:is|isn't|isnt|is not|ain't|aint|isn't even|just isn't) (?:not )?worth (?:living|it anymore|it any more) |(?:no|not any|don't have any|dont have any|lost my|lost the|losing my|losing the|have no|lost all) (?:will|reason|reasons|desire) to (?:live|keep living|go on|stay alive) |(?:tired|sick|exhausted|weary) of (?:living|being alive|life|existing|being here|breathing|waking up|this life|my life|existence) (?!(?:out of|in a|in this|in the|with|at|on|paycheck|near|next to|under|alone with|here|there|so far|in my) )|done with (?:life|living|being alive|existing|this life) )",
            (
                "why",
                "point",
                "reason",
                "reasons",
                "purpose",
                "worth",
                "will",
                "desire",
                "tired",
                "sick",
                "exhausted",
                "weary",
                "done",
                "nothing",
                "nobody",
                "noone",
                "live",
            ),
            "pNth",
            group="wish",
        ),
        # -- hopelessness, burden, worthlessness
        r(
            "hopeless",
            "hopelessness",
            _W,
            0.6,
            r"(?:hopeless|hopelessness|no hope|lost (?:all )?hope|losing hope|lose hope|without hope|zero hope|no hope left|nothing to look forward to|no future|no way out|no escape|no light at the end|never going to get better|never gonna get better|(?:will|gonna|going to) never (?:get better|change|be okay|be ok|be happy|improve|end|stop|be normal)|(?:won't|wont|will not|isn't going to|isnt going to|never) (?:ever )?(?:get|gets|getting) (?:any )?better|nothing (?:will )?ever (?:changes|change|gets better|get better|works|helps)|(?:life|everything|living|existence|it all|my life|this) (?:is|feels|seems) (?:so |completely |totally |just |utterly )?(?:pointless|meaningless|hopeless|worthless)|(?:feel|feeling|felt|i'm|im|i am|so|completely|totally) (?:so |completely |totally )?trapped(?! in (?:traffic|an elevator|a lift|(?:the|that|this|a|an|my) (?:elevator|lift|snow|rain|car|bathroom|house|office|room|meeting|queue|line|train|bus|plane|traffic|jam)))) (?!(?:romantic|romantics|at|with|case|cook) )",
            (
                "hopeless",
                "hopelessness",
                "hope",
                "nothing",
                "future",
                "way",
                "escape",
                "light",
                "never",
                "better",
                "pointless",
                "meaningless",
                "worthless",
                "trapped",
                "change",
                "improve",
            ),
            "pNth",
        ),
        r(
            "life_over",
            "hopelessness",
            _W,
            0.6,
            r"(?:my life is (?:basically |completely |pretty much |just )?over|(?:it's|its|it is) (?:all )?over for me) ",
            ("over",),
            "pNth",
            also=("life", "me"),
        ),
        r(
            "cant_go_on",
            "hopelessness",
            _W,
            0.65,
            r"(?:(?:don't|dont|do not|can't|cant|cannot|can not) see (?:a |any |the )?(?:way out|future|light|end to (?:this|it))|(?:don't|dont|do not|can't|cant|cannot) see the point(?: anymore| any more| in anything| of anything| in (?:living|life|trying|going on))?(?= [.!?] | $)|(?:can't|cant|cannot) (?:try|keep trying) (?:anymore|any more|any longer) )|(?:can't|cant|cannot|can not|couldn't|couldnt|unable to) (?:go on|keep going|keep living|take (?:it|this|much more|any more|anymore|it anymore|this anymore)|do this anymore|do this any more|do it anymore|do life|handle (?:it|this|life|anything) anymore|cope anymore|cope (?:with (?:it|this|life) )?any ?more|bear (?:it|this) anymore|live like this|keep doing this|carry on|hold on (?:any ?more|much longer)|survive this|fight (?:it|this|anymore|any more)|keep fighting) |(?:given|giving|give|gave) up on (?:life|living|everything|myself|me|hope) |(?:i'm|im|i am) (?:so |just |completely |totally |fucking |honestly )*done with (?:everything|it all|all of it|trying|fighting) (?!(?:for today|for tonight|today|at work|on my list) )|i (?:give|gave|have given|ve given|'ve given) up(?! (?:on )?(?:smoking|drinking|sugar|caffeine|coffee|alcohol|meat|carbs|gluten|dairy|social media|on (?:him|her|them|the|that|this)))",
            (
                "can't",
                "cant",
                "cannot",
                "can",
                "couldn't",
                "couldnt",
                "unable",
                "given",
                "giving",
                "give",
                "gave",
                "up",
                "see",
                "try",
                "trying",
                "done",
            ),
            "pNth",
        ),
        r(
            "burden",
            "burden",
            _W,
            0.75,
            r"(?:(?:i'm|im|i am|feel like|felt like|being|become|becoming|such|just|only|nothing but|be|been|am|was|i'd be|i would be) (?:a |such a |the |nothing but a |just a |an |a huge |a big |a massive |such a big )?(?:burden|burdens|waste of space|waste of air|waste of oxygen|waste of life) |(?:burden|burdensome) (?:to|on|for) (?:everyone|everybody|my|them|you|people|others|those|the people|all) |(?:better|happier|easier) (?:off )?(?:without me|if i (?:was|were|wasn't|wasnt|weren't|werent|was not|were not|wasn't here|died|disappeared|was gone|were gone|left|didn't exist|didnt exist|never existed)) |(?:nobody|no one|noone|no-one|not one person|not a single person|not a soul) (?:would|will|'d|d|is going to|gonna) (?:even )?(?:miss me|care|notice|cry|mourn|come to my funeral) |(?:nobody|no one|noone) (?:cares|cared|would care) (?:if|whether) i (?:live|lived|die|died|was gone|disappeared|killed|exist|existed) |(?:everyone|everybody|they|people|my family|the world|their lives) (?:would|'d|will|would all) (?:be )?(?:better|happier) (?:off )?(?:without me|if i) )(?!of proof )",
            (
                "burden",
                "burdens",
                "burdensome",
                "waste",
                "better",
                "happier",
                "easier",
                "miss",
                "care",
                "cares",
                "cared",
                "notice",
                "cry",
                "mourn",
                "funeral",
            ),
            "Nth",
        ),
        r(
            "worthless",
            "worthlessness",
            _W,
            0.55,
            r"(?:(?:i'm|im|i am|feel|feeling|felt|i'm so|im so|so|completely|totally|utterly) (?:so |completely |totally |utterly |such a |a )?(?:worthless|useless piece of shit|failure at (?:life|everything)|failure of a (?:person|human|human being|son|daughter|man|woman)|failure as a (?:person|human|human being|son|daughter|man|woman|mother|father|parent)|complete failure|total failure|waste of space|piece of shit|disgrace|disappointment to everyone)|(?:i )?(?:hate|loathe|despise) (?:myself|my self|my life|being alive|who i am|everything about me|my existence)|self-loathing|self loathing|self-hatred|self hatred) ",
            (
                "worthless",
                "useless",
                "failure",
                "waste",
                "piece",
                "disgrace",
                "disappointment",
                "hate",
                "loathe",
                "despise",
                "self-loathing",
                "self",
                "self-hatred",
            ),
            "pnt",
        ),
        # -- self-harm
        r(
            "sh_about",
            "self_harm",
            _S,
            0.85,
            rf"(?:about to|bout to|abt to) {_G1}(?:{_SH_ACT}|cut |burn myself )",
            _SH_NEEDS + _SH_WEAK_NEEDS,
            "pnh",
            group="sh",
            also=("about", "bout", "abt"),
        ),
        r(
            "sh_desire",
            "self_harm",
            _E,
            0.8,
            rf"(?:want|wanna|wanted|wanting|urge|urges|tempted|temptation|itching|need|needing|needed|craving|crave|cravings|thinking|thought|thoughts|think|considering|feel like|felt like|scared i'll|afraid i'll|scared i will|afraid i will|close to|might|could|resist|resisting|fighting) (?:to |of |about |the urge to )?{_G2}(?:{_SH_ACT}|{_SH_WEAK_VERB}{_SELF}|cut |cutting )",
            _SH_NEEDS + _SH_WEAK_NEEDS,
            "pnth",
            group="sh",
            also=(
                "want",
                "wanna",
                "wanted",
                "wanting",
                "urge",
                "urges",
                "tempted",
                "temptation",
                "itching",
                "need",
                "needing",
                "needed",
                "craving",
                "crave",
                "cravings",
                "thinking",
                "thought",
                "thoughts",
                "think",
                "considering",
                "feel",
                "felt",
                "scared",
                "afraid",
                "close",
                "might",
                "could",
                "resist",
                "resisting",
                "fighting",
            ),
        ),
        r(
            "sh_intent",
            "self_harm",
            _H,
            0.8,
            rf"(?:going to|gonna|will|i'll|ill|decided to) {_G2}(?:{_SH_ACT}|{_SH_WEAK_VERB}{_SELF}|cut again )",
            _SH_NEEDS + _SH_WEAK_NEEDS,
            "pntha",
            group="sh",
            also=("going", "gonna", "will", "i'll", "ill", "decided"),
        ),
        r(
            "sh_tool",
            "self_harm",
            _H,
            0.75,
            r"(?:took|take|taking|put|putting|used|use|using|ran|run|dragged|drag) (?:a |the |my |some )?(?:razor|blade|knife|scissors|lighter|glass|compass|pencil sharpener blade) (?:to|on|across|over|against) (?P<o>my|his|her|their|your) (?:arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach|body|hip|hips) ",
            ("razor", "blade", "knife", "scissors", "lighter", "glass", "compass"),
            "pnth",
            group="sh",
        ),
        r(
            "sh_seek",
            "self_harm",
            _H,
            0.75,
            r"(?:looked|looking|look|searched|searching|search|went looking|hunting) for (?:something|anything|a way|ways|a blade|a razor|a knife|glass) (?:sharp )?(?:to|i could use to|i can use to|to use to) (?:hurt|cut|harm|burn|kill) (?:myself|my self) ",
            ("looked", "looking", "look", "searched", "searching", "search", "hunting"),
            "pnth",
            group="sh",
        ),
        r("sh_act", "self_harm", _H, 0.8, _SH_ACT_VERB, _SH_NEEDS, "pnth", group="sh"),
        r("sh_word", "self_harm", _H, 0.7, _SH_WORD, _SH_NEEDS, "Pnth", group="sh"),
        r("sh_cut_bare", "self_harm", _H, 0.7, _CUT_BARE, ("cutting", "cut"), "pnth", group="sh"),
        r(
            "sh_cut_time",
            "self_harm",
            _H,
            0.7,
            r"(?:i|i've|ive|and|then|so) (?:just )?(?:cut|burned|burnt) (?:again|last night|yesterday|today|tonight|this morning|deep|deeper|really deep|too deep|for the first time|myself again)(?= )",
            ("cut", "burned", "burnt"),
            "pnth",
            group="sh",
        ),
        r(
            "sh_weak",
            "self_harm",
            _H,
            0.75,
            rf"(?:{_SH_WEAK_VERB}{_SELF}(?:on purpose|deliberately|intentionally|purposely|to punish|to feel|so i could feel|so i can feel|again|every day|every night|when i|whenever i)|(?:been|keep|kept|started) {_SH_WEAK_VERB}{_SELF})",
            _SH_WEAK_NEEDS,
            "pnth",
            group="sh",
        ),
        r(
            "sh_relapse",
            "self_harm",
            _H,
            0.75,
            r"(?:relapsed|relapse|relapsing)(?: (?:on |with |into |back into )?(?:self-harm|self harm|sh|cutting|self-harming))? ",
            ("relapsed", "relapse", "relapsing"),
            "pntg",
            ungated=-1,
        ),
        r(
            "sh_marks",
            "self_harm",
            _H,
            0.7,
            r"(?:fresh|new|deep|bleeding|open) (?:cuts|cut|wounds|scars|burns) (?!(?:from|on my (?:hands?|fingers?) from) )",
            ("cuts", "cut", "wounds", "scars", "burns"),
            "pntg",
            ungated=_E,
        ),
        # -- methods
        r(
            "method_act",
            "method_mention",
            _H,
            0.85,
            rf"(?:(?:hang|hanging|hung|hanged|shoot|shooting|shot|drown|drowning|drowned|poison|poisoning|poisoned|suffocate|suffocating|electrocute|electrocuting|gas|gassing|stab|stabbing|stabbed|strangle|strangling|choke|choking|choked|throw|throwing|threw|set fire to|burn) {_SELF}|(?:slit|slitting|slice|slicing|cut|cutting|open|opening|slash|slashing) {_POSS}(?:wrists?|throat|veins?|arteries|artery) |blow {_POSS}(?:brains|head) (?:out|off) |(?:bullet|gun|pistol|barrel|shotgun) (?:in|to|into|through|against) {_POSS}(?:head|brain|mouth|temple|chest|skull) |(?:jump|jumping|leap|leaping|throw myself|dive|diving) (?:off|from|in front of|infront of|under|onto|into|out of) (?:a |the |this |that |my |our |some |an )?(?:[^ ]+ )?(?:bridge|building|roof|rooftop|cliff|balcony|window|ledge|train|trains|bus|truck|traffic|car|cars|tracks|overpass|tower|skyscraper|parking garage|subway|highway|motorway|freeway|river|lake|ocean|sea) |(?:drive|driving|crash|crashing|swerve|swerving|steer|steering) (?:my car |the car |my truck |myself )?(?:off|into|in front of) (?:a |the |an )?(?:bridge|cliff|tree|wall|traffic|oncoming|river|lake|truck|pole) |(?:take|taking|swallow|swallowing|down|downing) (?:all|every one|the whole bottle|a whole bottle|the rest|a bottle|a bunch|a handful|handfuls|lots|loads|tons|too many|way too many|enough|\d+|twenty|thirty|forty|fifty|hundred|dozens) (?:of )?(?:my |the |those |these |her |his |some )?{_PILLS}|(?:overdose|overdosing|od|oding|od'ing) (?:on )?(?!(?:sugar|caffeine|coffee|candy|chocolate|netflix|cuteness|tiktok|anime|carbs|pizza|love|nostalgia|memes|vitamins?|sunshine|cheese|cookies|cake|christmas|content|screen time|social media|games) )|(?:carbon monoxide|car exhaust|exit bag|charcoal burning|noose|nooses) )",
            (
                "choke",
                "choking",
                "choked",
                "hang",
                "hanging",
                "hung",
                "hanged",
                "shoot",
                "shooting",
                "shot",
                "drown",
                "drowning",
                "drowned",
                "poison",
                "poisoning",
                "poisoned",
                "suffocate",
                "suffocating",
                "electrocute",
                "electrocuting",
                "gas",
                "gassing",
                "stab",
                "stabbing",
                "stabbed",
                "strangle",
                "strangling",
                "throw",
                "throwing",
                "threw",
                "burn",
                "set",
                "slit",
                "slitting",
                "slice",
                "slicing",
                "cut",
                "cutting",
                "open",
                "opening",
                "slash",
                "slashing",
                "blow",
                "bullet",
                "gun",
                "pistol",
                "barrel",
                "shotgun",
                "jump",
                "jumping",
                "leap",
                "leaping",
                "dive",
                "diving",
                "drive",
                "driving",
                "crash",
                "crashing",
                "swerve",
                "swerving",
                "steer",
                "steering",
                "take",
                "taking",
                "swallow",
                "swallowing",
                "down",
                "downing",
                "overdose",
                "overdosing",
                "od",
                "oding",
                "od'ing",
                "carbon",
                "exhaust",
                "exit",
                "charcoal",
                "noose",
                "nooses",
            ),
            "Pntha",
            group="method",
        ),
        r(
            "method_done",
            "past_attempt",
            _H,
            0.85,
            rf"(?:(?:drank|drunk|swallowed|ingested|took|drinking|drink) (?:a |the |some |half a |a whole )?(?:bottle of |cup of |glass of |can of )?(?:bleach|antifreeze|poison|rat poison|weed killer|drain cleaner|detergent|pesticide) |overdosed|od'd|odd|oded|(?:took|taken|taking|had) (?:an |a )?(?:pill |drug |paracetamol |tylenol |deliberate |intentional )?overdose|(?:took|taken|downed|swallowed|drank|chugged) (?:all|the whole bottle|a whole bottle|a bottle|a bunch|a handful|handfuls|too many|way too many|\d+|twenty|thirty|forty|fifty|a hundred) (?:of )?(?:my |the |those |these |some )?{_PILLS}|swallowed (?:all|the whole bottle|a whole bottle|a bottle|a bunch|a handful|too many|way too many|\d+) (?:of )?(?:my |the |those |these |some )?{_PILLS}|(?:slit|cut) {_POSS}(?:wrists?|throat) |(?:hung|hanged) {_SELF}|jumped (?:off|from|in front of) (?:a |the |this |that )?(?:[^ ]+ )?(?:bridge|building|roof|cliff|balcony|window|train|bus|truck|traffic|car) )(?!(?:on )?(?:sugar|caffeine|coffee|candy|chocolate|netflix|cuteness) )",
            (
                "overdosed",
                "od'd",
                "odd",
                "oded",
                "overdose",
                "bleach",
                "antifreeze",
                "poison",
                "detergent",
                "pesticide",
                "killer",
                "cleaner",
                "wrists",
                "wrist",
                "throat",
                "myself",
                "himself",
                "herself",
                "themselves",
                "yourself",
                "bridge",
                "building",
                "roof",
                "cliff",
                "balcony",
                "window",
                "train",
                "bus",
                "truck",
                "traffic",
                "car",
                "pills",
                "meds",
                "medication",
                "medications",
                "medicine",
                "tablets",
                "painkillers",
                "antidepressants",
                "tylenol",
                "paracetamol",
                "acetaminophen",
                "ibuprofen",
                "aspirin",
                "xanax",
                "benzos",
                "insulin",
                "oxy",
                "opioids",
                "prescription",
                "pill",
            ),
            "Pnt",
            group="method",
        ),
        r(
            "method_research",
            "preparation",
            _H,
            0.8,
            r"(?:googled|googling|google|researched|researching|research|searched|searching|search|looked up|looking up|look up|reading about|read about|read up on|watched videos|studying|studied|looked into|looking into) (?:[^ ]+ ){0,5}(?:kill myself|killing myself|to die|painless|painlessly|lethal|fatal|overdose|suicide|noose|bleed out|end my life|od on|hang myself|how many pills|how much it takes) ",
            (
                "googled",
                "googling",
                "google",
                "researched",
                "researching",
                "research",
                "searched",
                "searching",
                "search",
                "looked",
                "looking",
                "look",
                "reading",
                "read",
                "watched",
                "studying",
                "studied",
            ),
            "pnt",
        ),
        # -- preparation, plan, means
        r(
            "prep_note",
            "preparation",
            _H,
            0.85,
            r"(?:(?:wrote|written|writing|write|drafted|drafting|finished|left|leaving|started|typed|typing|composed|composing|prepared|preparing|recorded|recording) (?:a |my |the |some |all my |all the |out |up )?(?:suicide|goodbye|farewell|final|last) (?:note|notes|letter|letters|message|messages|words|video)|suicide (?:note|notes|letter|letters)) ",
            ("note", "notes", "letter", "letters", "message", "messages", "words", "video"),
            "Pnta",
        ),
        r(
            "prep_giveaway",
            "preparation",
            _H,
            0.7,
            r"(?:gave|giving|give|given) away (?:all |most |some )?(?:of )?(?:my|most of my|all my) (?:stuff|things|belongings|possessions|clothes|games|books|pets?|cat|dog|money|savings|prized|favorite|favourite|valuables) ",
            ("away",),
            "pntga",
            ungated=-1,
        ),
        r(
            "prep_stockpile",
            "preparation",
            _H,
            0.75,
            rf"(?:stockpiled|stockpiling|stockpile|hoarded|hoarding|hoard|saving up|saved up|been saving|stashed|stashing|stash|collecting|collected|keeping|kept|hiding|hid) (?:up )?(?:a |some |the |enough |my |a bunch of |lots of |a lot of |extra |more |all my |all of my |a stash of )?{_PILLS}",
            (
                "pills",
                "meds",
                "medication",
                "medications",
                "medicine",
                "tablets",
                "painkillers",
                "sleeping",
                "antidepressants",
                "tylenol",
                "paracetamol",
                "acetaminophen",
                "ibuprofen",
                "aspirin",
                "xanax",
                "benzos",
                "insulin",
                "oxy",
                "opioids",
                "prescription",
                "pill",
            ),
            "pntga",
            ungated=_W,
            group="prep",
        ),
        r(
            "prep_acquire",
            "preparation",
            _H,
            0.75,
            rf"(?:bought|buying|buy|ordered|ordering|purchased|purchasing|got|getting|obtained|acquired|collected|collecting|stockpiled|stockpiling|hoarded|hoarding|saving|saved|saving up|saved up|stashed|stashing|stored|storing|stock up on|stocking up on) (?:up )?(?:a |some |the |enough |my |a bunch of |lots of |a lot of |extra |more |all my |a stash of )?(?:rope|ropes|gun|guns|pistol|handgun|rifle|firearm|bullets|ammo|razor blades|razors|blades|helium|charcoal|poison|rat poison|noose|{_PILLS[3:-2]}) ",
            (
                "rope",
                "ropes",
                "gun",
                "guns",
                "pistol",
                "handgun",
                "rifle",
                "firearm",
                "bullets",
                "ammo",
                "razors",
                "blades",
                "helium",
                "charcoal",
                "poison",
                "noose",
                "pills",
                "meds",
                "medication",
                "tablets",
                "painkillers",
                "sleeping",
            ),
            "pntga",
            ungated=-1,
            group="prep",
        ),
        r(
            "prep_affairs",
            "preparation",
            _H,
            0.7,
            r"(?:(?:put|putting|get|getting|got|sort|sorting|sorted) (?:all )?my affairs in order|(?:wrote|writing|made|making|updated|updating|finalized|finalizing) (?:out )?my will|(?:said|saying|say) (?:my )?(?:last |final )?goodbyes) ",
            ("affairs", "will", "goodbyes"),
            "pntga",
            ungated=-1,
        ),
        r(
            "prep_rope",
            "preparation",
            _H,
            0.8,
            r"(?:tied|tying|tie|tested|testing|test|made|making|hung|hanging|set up|setting up|put up|bought) (?:up )?(?:a |the |my )?(?:noose|rope|belt|cord) (?:to|from|around|on|in|over|is|up)? ?",
            ("noose", "rope", "belt", "cord"),
            "pntga",
            ungated=-1,
        ),
        r(
            "plan_date",
            "plan",
            _H,
            0.8,
            r"(?:picked|picking|pick|chose|chosen|choosing|choose|set|setting|decided on|deciding on|planned|planning) (?:a |the |my )?(?:date|day|time|place|spot|location|method|way|bridge|night) ",
            (
                "picked",
                "picking",
                "pick",
                "chose",
                "chosen",
                "choosing",
                "choose",
                "set",
                "setting",
                "decided",
                "deciding",
                "planned",
                "planning",
            ),
            "pntga",
            ungated=-1,
        ),
        r(
            "plan_have",
            "plan",
            _H,
            0.8,
            r"(?:(?:have|got|made|making|make|came up with|come up with|working on|worked out|figured out|figure out) (?:a |the |my |out )?(?:plan|plans|how i'?m going to do it|how im gonna do it|how i'll do it|how ill do it|how to do it|how i would do it|when i'?ll do it|a way to do it|the details)|(?:know|knew|decided|figured out|worked out|thought about) (?:exactly )?(?:how|when|where) (?:i'd|id|i would|i'll|ill|i will|i'm going to|im going to|im gonna|i'm gonna|to) (?:do it|end it|go)) ",
            (
                "plan",
                "plans",
                "details",
                "know",
                "knew",
                "decided",
                "figured",
                "worked",
                "thought",
                "working",
            ),
            "pntga",
            ungated=-1,
        ),
        r(
            "intent_doit",
            "intent",
            _H,
            0.75,
            r"(?:going to|gonna|will|i'll|ill|i'm|im|about to|ready to|decided to|finally|made up my mind to|have to|need to) (?:just |finally |actually |really |probably )?(?:do it|doing it|go through with it|going through with it|finish it|act on it|act on them|follow through|go through with this) ",
            ("do", "doing", "finish", "act", "follow", "go", "going"),
            "pntgha",
            ungated=-1,
            also=("it", "this", "them", "through"),
        ),
        r(
            "intent_endit",
            "intent",
            _H,
            0.7,
            r"(?:going to|gonna|will|i'll|ill|i'm|im|about to|ready to|decided to|finally|made up my mind to|have to|need to) (?:just |finally |actually |really |probably )?(?:end it|ending it|end this|ending this|end everything|end things)(?! (?:with|between|for|on|off|up|early|at|by|here|there) )",
            ("end", "ending"),
            "pntgha",
            ungated=_E,
        ),
        r(
            "intent_jump",
            "intent",
            _H,
            0.7,
            r"(?:going to|gonna|about to|will|i'll|ready to|want to|wanna|decided to) (?:just )?jump(?= [.!?,;] | $| (?:off|from|tonight|now|right now|in front|again|and|before) )",
            ("jump",),
            "pntga",
            ungated=_W,
        ),
        r(
            "do_something",
            "suicidal_thoughts",
            _E,
            0.65,
            r"(?:might|may|could|going to|gonna|scared i'll|afraid i'll|worried i'll|scared i will|afraid i will|scared i might|afraid i might|worried i might|will|want to|urge to|close to) (?:end up )?(?:do|doing) (?:something|anything) (?:to myself|permanent|i can't take back|i cant take back|i can't undo|i cant undo|drastic|irreversible|stupid to myself) ",
            ("do", "doing"),
            "pnth",
        ),
        r(
            "end_it_desire",
            "suicidal_thoughts",
            _E,
            0.65,
            r"(?:want|wanna|wanted|wish|need|thinking about|think about|thought about|thinking of|considering|tempted|feel like|felt like|feeling like) (?:to )?(?:just )?(?:end it|end this|end things|end everything|end my pain|make it stop|make it all stop|not be here|ending it|ending things|ending everything|ending this)(?! (?:with|between|for|on|at|off|up|there|early|soon|now that) )",
            ("end", "make", "not", "ending"),
            "pntgh",
            ungated=_W,
            also=(
                "feel",
                "felt",
                "feeling",
                "of",
                "want",
                "wanna",
                "wanted",
                "wish",
                "need",
                "thinking",
                "think",
                "thought",
                "considering",
                "tempted",
            ),
        ),
        r(
            "means_have",
            "means_access",
            _H,
            0.75,
            rf"(?:have|has|got|i've got|ive got|own|keep|kept|there's|theres|access to|know where) (?:a |the |my |some |enough |plenty of |lots of |a lot of |a bunch of |a stash of |a bottle of |\d+ |my dad's |my dads |my mom's |my moms |my father's |my parents' |my parents |a loaded )?{_MEANS}",
            (
                "gun",
                "guns",
                "pistol",
                "handgun",
                "rifle",
                "firearm",
                "shotgun",
                "pills",
                "meds",
                "medication",
                "tablets",
                "sleeping",
                "painkillers",
                "rope",
                "noose",
                "razor",
                "razors",
                "blade",
                "blades",
                "poison",
                "knife",
                "bottle",
            ),
            "pntga",
            ungated=-1,
        ),
        # -- farewells
        r(
            "farewell_strong",
            "farewell",
            _H,
            0.85,
            r"(?:(?:goodbye|bye|farewell) (?:forever|for good|cruel world|for the last time|for ever)|this is (?:my )?(?:goodbye|farewell|the end for me|my last (?:message|post|text|goodbye|day|night|words))(?! (?:before|for|until|till|of the|at|on|in|here|today|tonight|this))|(?:this will be|this is|these are|this'll be|these will be) my (?:last|final) (?:message|post|text|words|goodbye|note|day|night)(?! (?:before|for|until|till|of the|at|on|in|here|today|tonight|this))|by the time (?:you|anyone|someone|they|u) (?:read|reads|see|sees|find|finds|get|gets) this|(?:i )?(?:won't|wont|will not) (?:be alive|wake up|see the morning|see the sunrise|see another day|make it to morning|make it through the night) (?:tomorrow|in the morning|much longer|for long|by morning|after tonight|past tonight|anymore)?|(?:i'll|ill|i will) be (?:dead|gone) (?:by|before) (?:tomorrow|morning|tonight|then|the time)) ",
            (
                "goodbye",
                "bye",
                "farewell",
                "last",
                "final",
                "time",
                "alive",
                "wake",
                "sunrise",
                "another",
                "dead",
                "gone",
                "end",
            ),
            "Nta",
        ),
        r(
            "farewell_weak",
            "farewell",
            _H,
            0.6,
            r"(?:(?:goodbye|bye|farewell) (?:everyone|everybody|all|guys|y'all|yall|friends|world|you all)(?! (?:, )?(?:i'm off|im off|off to|see you|see ya|back (?:on|in|soon)|talk (?:soon|tomorrow|later)|until|till|for now|have fun|for (?:the|a|two|three|one|now|tonight|today|the weekend))|(?:[^ ]+ ){0,3}(?:see you|back on|back in|for now|talk soon|talk tomorrow|have a good))|(?:tell|please tell) (?:my )?(?:family|mom|mum|dad|parents|kids|wife|husband|sister|brother|everyone|them) (?:that )?i (?:love|loved|am sorry|'m sorry|m sorry|was sorry)|(?:take|please take) care of my (?:cat|dog|kids|children|pets|family|mom|mum|dad|plants|sister|brother) (?:for me|when i'm gone|when im gone|after i'm gone|after im gone)|(?:i'm|im|i am) sorry for everything(?! (?:i|that|you|we|he|she|they|yesterday|earlier|last|today|this|about) )|(?:you'll|youll|you will|you won't|you wont|won't|wont|will not|never) (?:never )?(?:hear from|see|talk to) me again|(?:it's|its) been (?:nice|good|real|a pleasure) knowing (?:you|y'all|everyone)|see you (?:on the other side|in another life|in the next life)|(?:look after|take care of|feed|care for) my (?:cat|dog|kids|children|pets|family|plants|mum|mom) (?:when|after|once) (?:i'm|im|i am) gone|when (?:i'm|im|i am) gone ,? (?:please )?(?:look after|take care of|tell|give|feed)|(?:won't|wont|will not|not going to|not gonna) need (?:them|it|these|those|my things|my stuff|anything|any of it|any of this)(?: anymore| any more| where i'm going| where im going| after (?:tonight|this|today))?(?= [.!?,;] | $)|(?:not going to|not gonna|am not going to) be (?:here|around|alive) (?:much longer|for long|anymore|any more|after tonight|tomorrow)|(?:i )?(?:won't|wont|will not) be (?:here|around) (?:tomorrow|much longer|for long|anymore|any more|after tonight)) ",
            (
                "goodbye",
                "bye",
                "farewell",
                "tell",
                "care",
                "sorry",
                "again",
                "knowing",
                "side",
                "life",
                "here",
                "around",
                "alive",
                "gone",
                "need",
            ),
            "Ntga",
            ungated=_W,
        ),
        # -- harm to others; threats against the user
        r(
            "hto_school",
            "harm_to_others",
            _H,
            0.9,
            r"(?:(?:shoot|shooting|shot|blow|blowing|bomb|bombing) up (?:the |my |a |this |that |our )?(?:school|office|work|workplace|class|church|mall|campus|building|store|party)|(?:bring|bringing|take|taking) (?:a |my |the |dad's |my dad's )?(?:gun|guns|knife|rifle|weapon|bomb) (?:to|into) (?:school|work|class|the office|campus|church)) ",
            ("up", "bring", "bringing", "take", "taking"),
            "pna",
        ),
        r(
            "hto_desire",
            "harm_to_others",
            _E,
            0.7,
            rf"(?:want|wanna|wanted|going|gonna|plan|planning|planned|thinking about|thought about|think about|fantasize|fantasizing|fantasise|fantasising|dream of|dream about|urge|urges|feel like|will|i'll|ill|might|ready|need|needed|tempted|considering|imagine|imagining|thoughts of|about) (?:to |about |of |on )?(?:really |just |actually |literally |seriously |finally )?{_HARM_VERB}{_PERSON_TARGET}",
            (
                "kill",
                "killing",
                "hurt",
                "hurting",
                "stab",
                "stabbing",
                "shoot",
                "shooting",
                "strangle",
                "strangling",
                "murder",
                "murdering",
                "beat",
                "beating",
                "poison",
                "poisoning",
                "attack",
                "attacking",
                "choke",
                "choking",
                "harm",
                "harming",
                "torture",
                "torturing",
                "run",
                "slaughter",
            ),
            "pnha",
            also=(
                "want",
                "wanna",
                "wanted",
                "going",
                "gonna",
                "plan",
                "planning",
                "planned",
                "thinking",
                "thought",
                "think",
                "fantasize",
                "fantasizing",
                "fantasise",
                "fantasising",
                "dream",
                "urge",
                "urges",
                "feel",
                "will",
                "i'll",
                "ill",
                "might",
                "ready",
                "need",
                "needed",
                "tempted",
                "considering",
                "imagine",
                "imagining",
                "thoughts",
                "about",
            ),
        ),
        r(
            "hto_could",
            "harm_to_others",
            _W,
            0.4,
            rf"could (?:literally |just |actually )?{_HARM_VERB}{_PERSON_TARGET}",
            ("could",),
            "pnh",
        ),
        r(
            "threatened",
            "threatened",
            _W,
            0.7,
            r"(?:threatened|threatens|threatening|threaten|tried) to (?:kill|hurt|beat|stab|shoot|strangle|choke) me |(?:said|says|told me|tells me|swore|swears) (?:that )?(?:he|she|they)(?:'d|'ll| would| will| is going to| was going to) (?:kill|hurt|beat|stab|shoot|strangle) me |(?:he|she|they) (?:hits|beats|chokes|choked|strangled|hit|beat) me ",
            (
                "said",
                "says",
                "told",
                "tells",
                "swore",
                "swears",
                "threatened",
                "threatens",
                "threatening",
                "threaten",
                "tried",
                "hits",
                "beats",
                "chokes",
                "choked",
                "strangled",
                "hit",
                "beat",
            ),
            "n",
            also=(
                "kill",
                "hurt",
                "beat",
                "stab",
                "shoot",
                "strangle",
                "choke",
                "hits",
                "beats",
                "chokes",
                "choked",
                "strangled",
                "hit",
            ),
        ),
    ]


# Figurative idioms: a risk hit that overlaps one of these never becomes a mention.
_IDIOMS = (
    r"(?:is|are|was|were|'s|s|keeps|keep|been|it's|its|that's|thats|you're|youre|they're|theyre|feet|back|legs|head|heat|traffic|boss|kids|job|commute) (?:literally |actually |honestly |slowly |really |seriously |absolutely )?killing me ",
    r"(?:kills|killed|kill) me (?:with|every time|lol|lmao|haha|😂)",
    r"(?:kill|killing|killed|kills) (?:myself|me) (?:laughing|with laughter) ",
    r"(?:would be|will be|is|was|it's|its|that's|thats|that'd be|thatd be|be) (?:basically |literally |pure |total |absolute |like |a )?suicide (?:for|to|lol|lmao|haha|in|with|on) ",
    r"(?:that|this|the|it|joke|show|movie|episode|video|meme|set|performance|comedian|line) (?:literally |absolutely |totally |just )?(?:killed|kills) (?:me|it)? ?",
    r"(?:killed|kill|killing|killin|smashed|nailed|crushed|slayed|murdered) (?:it|that|this|the (?:exam|test|game|interview|presentation|set|show|performance|audition|workout)) ",
    r"(?:kill|killing|killed) (?:time|the (?:lights|light|music|engine|process|vibe|mood|app|tab|server|job|power|noise|conversation|momentum|tv)|two birds|the buzz|my buzz|the pain|the germs|weeds|bacteria|mosquitoes|spiders|a bug|bugs|the fly|flies|a plant|my plants|the plant|my phone battery|my battery|the battery|the joke|the party|my vibe|the moment|switch) ",
    r"(?:i'd|id|i would|i could|would|could) (?:literally |honestly )?(?:kill|murder|die) for (?:a |an |some |that |this |the |one |another )?",
    r"(?:could|would|i'd|id|i could) (?:literally |totally |so |honestly )?(?:murder|destroy|demolish|devour|inhale|kill) (?:a |an |some |the |that |this )?(?:burger|pizza|pint|beer|curry|kebab|sandwich|steak|taco|tacos|donut|coffee|drink|meal|cake|plate|bowl|bag|box|whole|large|entire)",
    r"(?:dying|dyin|die) (?:to|for) (?!(?:die|be dead|end|not exist|kill) )",
    r"(?:dying|died|die|dead|dyin) (?:of|from|laughing|of laughter|of embarrassment|of boredom|of cringe|of cuteness|of heat|of thirst|of hunger) ?",
    r"(?:i'm|im|i am|we're|were|i was|literally|lmao|lol|omg|i) (?:literally |so |actually |totally )?(?:dead|dying|deceased|ded|crying) (?:lol|lmao|lmfao|haha|hahaha|rn|right now|😂|💀|at this|over this|omg|bro)",
    r"(?:dead|deadly) (?:tired|serious|set|end|ends|last|on|center|centre|quiet|silent|wrong|giveaway|weight|heat|ringer|beat|battery|phone|even|straight|simple|easy|calm|still|broke|sure|asleep|lift|lifts|lifting|bug|pixel|zone|air|space|link|code|leaves|skin|body|bolt|cert|sexy|cute|accurate|funny)",
    r"(?:phone|battery|laptop|car|plant|plants|fish|goldfish|party|chat|server|game|town|bar|club|mouse|keyboard|tv|printer|engine|conversation|wifi|internet|vibe|line) (?:is |was |has |just |literally |totally |completely )*(?:dead|died|dying|deceased) ",
    r"(?:to die for|die hard|die-hard|never say die|do or die|die is cast|tie-dye|tie dye|die-cast|die cast|dice|dead or alive|dead to me|dead man walking|dead of night|dead of winter|grateful dead|walking dead|dead by daylight|dead space|dead sea|day of the dead|dead poets|evil dead|red dead|dead inside joke|deadpool|deadline|deadlines|deadlift|deadlifts|beat a dead horse|flogging a dead horse|over my dead body|dead heat|knock em dead|knock them dead|dressed to kill|killer|killers|painkiller|overkill|roadkill|killjoy|killswitch|kill switch|kill streak|killstreak|kill count|kill cam|curiosity killed the cat|if looks could kill|kill with kindness|kill them with kindness|kill two birds) ",
    r"(?:shoot|shot|shooting) (?:me |us |him |her |them )?(?:a |an )?(?:message|text|email|e-mail|dm|line|note|pm|msg|call|quick) ",
    r"(?:shoot|shooting|shot) (?:your|my|his|her|their|a|the) (?:shot|hoops|breeze|photos?|video|scene|film|movie|commercial|wedding|pictures?|footage|episode|selfie|goal|three|basket|ball|arrow|gun|moon|for|star|stars) ",
    r"(?:photo|video|film|movie|music video|fashion|wedding|engagement) (?:shoot|shoots|shooting) ",
    r"(?:flu|covid|booster|vaccine|tetanus|b12|allergy|insulin|espresso|tequila|vodka|whiskey|jello|jager|big|long|screen|head|mug|money|best|good|cheap|parting|nice|great|hot) shots? ",
    r"(?:give it a shot|shot in the dark|shot at|shoot for the stars|shoot for|shooting star|shooting stars|shoot!|oh shoot|aw shoot|shoot the messenger|shot down|shoot down|shoot up (?:in|like) (?:height|popularity|price|value|the charts))",
    r"(?:hang|hanging|hung|hangs) (?:out|on|in there|up|tight|around|with|loose|back|over|about|the (?:picture|laundry|painting|clothes|photo|poster|lights|decorations|washing|curtains|shelf|art|frame|mirror|flag|towels?|coat|jacket)|a (?:picture|painting|photo|poster|shelf|mirror|frame|flag|left|right|hammock)|pictures|paintings|photos|posters|curtains|decorations|lights|ten) ",
    r"(?:hangover|hung over|hungover|hangry|get the hang|got the hang|getting the hang|cliffhanger|hang glider|hang gliding|hanger|hangers) ",
    r"(?:jump|jumped|jumping) (?:in(?! front)|on a call|on the call|to conclusions|the gun|start|rope|ropes|for joy|at the chance|through hoops|ship|on the bandwagon|into the pool|into the lake|into the water|in the pool|in the lake|off the diving board|off the dock|out of a plane|out of an airplane) ",
    r"(?:if (?:all )?(?:your|my|his|her|their) (?:friends|mates|buddies) (?:jumped|jump) off a (?:bridge|cliff)|if everyone (?:else )?jumped off a (?:bridge|cliff))",
    r"(?:cut|cutting|burned|burnt|burn|scratched|nicked|hurt|injured|bruised) (?:myself|my (?:finger|thumb|hand|knee|leg|arm|foot|toe|lip|face|chin|back|ankle)) (?!(?:[^ ]+ )*(?:on purpose|deliberately|intentionally|purposely|to feel|to punish) )(?:shaving|cooking|chopping|slicing|while|on|with a|with the|with my|at the|at work|at the gym|playing|running|lifting|by accident|accidentally|opening|making|baking|ironing|gardening|skiing|skating|climbing|falling|in the kitchen|doing|this morning on|pretty bad on|badly on|again on)",
    r"(?:cut|cutting|cuts) (?:the cake|my hair|his hair|her hair|your hair|class|classes|school|ties|corners|carbs|sugar|back|down|it out|it close|loose|costs|me off|him off|her off|them off|the grass|the lawn|onions|vegetables|veggies|the line|in line|the crap|to the chase)",
    r"(?:suicide|suicidal) (?:squad|doors?|sprints?|runs?|drills?|mission|missions|king|blonde|bomber|bombers|bombing|bombings|pact song|squeeze|forest|boys|girls|silence|bunny|bunnies|prevention|awareness|rates?|statistics|stats|hotline|hotlines|lifeline|helpline|research|risk assessment|training|squirrel|squirrels|deer|bird|birds|pigeon|pigeons|drivers?|cyclists?|pedestrians?|pace|move|tendencies of my) ",
    r"(?:career|social|political|commercial|financial|electoral|brand|fashion|professional|academic|ego|cell|cellular|mission) suicide ",
    r"(?:squirrel|squirrels|deer|bird|birds|pigeon|pigeons|driver|drivers|cyclist|cyclists|cat|cats|dog|dogs|fly|moth|bug|bugs|pedestrian|pedestrians|lemming|lemmings|battery|phone) (?:is|are|was|were|seems|seem|looks|look|must be|being) (?:so |literally |actually |kinda |totally |clearly )?suicidal ",
    r"(?:rather|sooner) die than (?!(?:live|living|go on|keep|be alive|wake|exist|continue|feel|suffer|spend my life|face|stay|go back) )",
    r"(?:cross my heart and hope to die|hope to die|scared to death|bored to death|sick to death|worried to death|freezing to death|starving to death|laughed to death|tickled to death|love (?:you |him |her |them |it )?to death|loved to death|stressed to death|frightened to death|work(?:ed|ing)? (?:myself |me )?to death|talk(?:ed)? (?:it |me )?to death|to death by|death metal|death star|death note|death stranding|death by chocolate|death row|death trap|deathtrap|death stare|death grip|death wish movie|til death do us part|till death do us part|near death experience|cause of death|black death|death valley|sudden death|death cab|matter of life and death|life or death)",
    r"(?:i'm|im|i am|you're|youre|we're|were|he's|hes|she's|shes|so|totally|literally|be|gonna be|going to be) (?:so |totally |literally |soooo |sooo |so so )?dead (?:if|when|meat|lol|lmao|haha|once|after|tomorrow when)",
    r"(?:my |her |his |their |your |the )?(?:mom|mum|dad|mother|father|parents|boss|teacher|coach|wife|husband|girlfriend|boyfriend|sister|brother|roommate|she|he|they|she's|he's|shes|hes|they're|theyre|everyone|you) (?:is |are |was |will |'ll |would |)(?:going to |gonna |literally |actually |totally |so |)?kill (?:me|us) ",
    r"(?:kill|murder|strangle|choke|hurt) (?:him|her|them|you|my \w+|the \w+) (?:for|if|when) (?:[^ ]+ ){0,6}(?:again|eating|taking|stealing|spoiling|forgetting|breaking|being late|being|touching|using|borrowing|telling|losing|leaving|calling|doing|not|one more|ever) ",
    r"(?:end|ending|ended) (?:it|things|this) (?:with|between) ",
    r"(?:killing|killed|kill) (?:it|the game) ",
    r"(?:drop|dropped) dead (?:gorgeous|sexy|beautiful)",
    r"(?:wanted|want|wanna) to die (?:of|from|laughing|inside lol) ",
    r"(?:die|dying|died) (?:a )?little (?:bit )?inside (?:lol|lmao|haha|when|every time|at)",
    r"(?:overdose|overdosed|od|od'd|oding) (?:on )?(?:sugar|caffeine|coffee|candy|chocolate|netflix|cuteness|tiktok|anime|carbs|pizza|love|nostalgia|memes|vitamins?|sunshine|cheese|cookies|cake|christmas|content|screen time|social media|games) ",
    r"(?:dead|die|died|dying) (?:in|on) (?:the game|game|minecraft|fortnite|the level|that level|level \d+|dark souls|elden ring|the boss fight|pubg|valorant|call of duty|cod|raid|wow) ",
    r"(?:kill|killed|killing|shoot|shot|shooting) (?:the |a |that )?(?:boss|zombie|zombies|enemy|enemies|dragon|monster|monsters|character|npc|npcs|creeper|creepers|player|players|mob|mobs|orc|orcs|demon|demons|alien|aliens) ",
    r"(?:tie|tied|tying) the knot ",
    r"(?:slit|slitting) (?:the )?(?:envelope|package|box|bag|dress|skirt) ",
    r"(?:bleed|bleeding) (?:you dry|me dry|us dry|money|cash|red ink) ",
)
_IDIOM_NEEDS = frozenset(
    _words(
        """killing kills killed kill killin dying died die dead deadly dyin deceased ded crying shoot shot shooting shots
    shoot! hang hanging hung hangs hangover hungover hangry hang cliffhanger hanger hangers jump jumped jumping cut
    cutting burned burnt burn scratched nicked hurt injured bruised cuts suicide suicidal death rather sooner hope
    murder destroy demolish devour inhale end ending ended drop dropped overdose overdosed od od'd oding tie tied tying
    slit slitting bleed bleeding killer killers painkiller overkill roadkill killjoy killswitch deadline deadlines
    deadlift deadlifts deadpool dice smashed nailed crushed slayed murdered strangle choke wanted want wanna"""
    )
)

_WORD_RE_PATTERN = r"(?:[^ ]+)"


@dataclass(frozen=True)
class _CompiledRule:
    rule: _Rule
    regex: re.Pattern[str]
    also: frozenset[str]
    grouped: bool  # has named groups (the object "o…", the target "t")


@dataclass(frozen=True)
class _Compiled:
    rules: tuple[_CompiledRule, ...]
    by_token: dict[str, tuple[int, ...]]  # trigger token -> indexes of the rules it can start
    idioms: tuple[re.Pattern[str], ...]  # idioms that need a regex (gaps, lookaheads)
    idiom_index: dict[str, tuple[int, ...]]  # risk-adjacent word -> regex idioms that contain it
    idiom_phrases: PhraseIndex  # every other idiom, expanded to its fixed phrases
    time_now: re.Pattern[str]
    past: re.Pattern[str]
    recent: re.Pattern[str]
    recovered: re.Pattern[str]
    hyperbole: re.Pattern[str]


_MAX_PER_FIRST_WORD = 15
_MAX_EXPANSION = 600


def _expand(pattern: str) -> list[str] | None:
    """The fixed phrases of a pattern made only of words, `(?:a|b)` groups and `?`; None otherwise."""
    pos = 0

    def alternatives() -> list[str]:
        nonlocal pos
        found = sequence()
        while pos < len(pattern) and pattern[pos] == "|":
            pos += 1
            found = found + sequence()
        return found

    def sequence() -> list[str]:
        nonlocal pos
        out = [""]
        while pos < len(pattern) and pattern[pos] not in "|)":
            if pattern.startswith("(?:", pos):
                pos += 3
                inner = alternatives()
                if pos >= len(pattern) or pattern[pos] != ")":
                    raise ValueError(pattern)
                pos += 1
                if pos < len(pattern) and pattern[pos] == "?":
                    pos += 1
                    inner = [*inner, ""]
                if len(out) * len(inner) > _MAX_EXPANSION:
                    raise ValueError(pattern)
                out = [a + b for a in out for b in inner]
            elif pattern[pos] in "[]{}*+\\.^$(?":
                raise ValueError(pattern)
            else:
                out = [a + pattern[pos] for a in out]
                pos += 1
        return out

    try:
        phrases = alternatives()
    except ValueError:
        return None
    return phrases if pos == len(pattern) else None


def _index_idioms(patterns: Sequence[str]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for n, pattern in enumerate(patterns):
        words = set(re.findall(r"[a-z][a-z'!-]*", pattern)) & _IDIOM_NEEDS or _IDIOM_NEEDS
        for word in words:
            index.setdefault(word, []).append(n)
    return {word: tuple(ns) for word, ns in index.items()}


def _number_groups(pattern: str) -> str:
    counter = iter(range(1, 1000))
    return re.sub(r"\(\?P<o>", lambda _m: f"(?P<o{next(counter)}>", pattern)


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    rules = [
        _CompiledRule(
            rule,
            regex := re.compile(r"(?<= )(?:" + _number_groups(rule.pattern) + r")(?:(?<= )|(?= ))"),
            frozenset(rule.also),
            bool(regex.groupindex),
        )
        for rule in _rule_table()
    ]
    rules.sort(key=lambda cr: "f" in cr.rule.flags)  # fallbacks last: they yield to any other hit
    phrases: list[str] = []
    regex_idioms: list[str] = []
    for pattern in _IDIOMS:
        raw = [" ".join(p.split()) for p in _expand(pattern) or ()]
        expanded = [" ".join(tokenize(p)) for p in raw]
        firsts = Counter(p.split(" ", 1)[0] for p in expanded if p)
        risky_first = all(word in _IDIOM_NEEDS for word in firsts)
        if expanded != raw or not firsts or not risky_first or max(firsts.values()) > _MAX_PER_FIRST_WORD:
            regex_idioms.append(pattern)  # PhraseIndex tries every phrase that starts with a word
        else:
            phrases.extend(p for p in expanded if p)
    by_token: dict[str, list[int]] = {}
    for n, cr in enumerate(rules):
        for word in cr.rule.needs:
            by_token.setdefault(word, []).append(n)
    return _Compiled(
        rules=tuple(rules),
        by_token={word: tuple(indexes) for word, indexes in by_token.items()},
        idioms=tuple(re.compile(r"(?<= )(?:" + p + ")") for p in regex_idioms),
        idiom_index=_index_idioms(regex_idioms),
        idiom_phrases=PhraseIndex({"idiom": phrases}),
        time_now=re.compile(r"(?<= )" + _TIME_NOW_RE),
        past=re.compile(r"(?<= )" + _PAST_RE),
        recent=re.compile(r"(?<= )" + _RECENT_RE),
        recovered=re.compile(r"(?<= )" + _RECOVERED_RE),
        hyperbole=re.compile(
            r"(?<= )(?:if (?:i|we|you) (?:have to|gotta|got to|need to|must|hear|see|watch|sit through|listen to|read|eat|do|get|spend) (?:[^ ]+ ){0,8}(?:again|one more|another|more|twice)|if (?:he|she|they|my \w+|this|that|it) (?:[^ ]+ ){0,8}(?:again|one more|another|twice)|(?:just )?(?:kidding|joking)(?! about))"
        ),
    )


# -- scanning ----------------------------------------------------------------------------------------


class _Mention(NamedTuple):
    rule: str
    signal: str  # the own-risk signal (or the qualifier when nothing of the user's own remains)
    level: int  # effective level after qualifiers
    weight: float
    mods: tuple[str, ...]  # qualifier signals: negated, third_person, figurative, ...
    gated: bool  # counts only when the window shows own risk
    ungated: int  # level to use when the gate is closed (-1: drop)
    action: bool  # intent/plan/preparation/...: a time-now cue makes it imminent
    now: bool  # a time-now cue in its sentence
    sentence: int
    span: tuple[int, int] = (0, 0)  # token span within the sentence


@dataclass(frozen=True)
class _Scan:
    mentions: tuple[_Mention, ...]
    analysis: Analysis
    figurative: bool  # an idiom with a risk word was seen


class _Sentence(NamedTuple):
    tokens: list[str]
    quoted: list[bool] | None
    laugh: bool
    start: int  # index of its first token in the message's tokens


@lru_cache(maxsize=1)
def _quote_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(sorted(_QUOTE_CHARS))) + "]")


def _split_quotes(line: str) -> list[tuple[str, bool]]:
    """Segments of one line, each marked inside/outside quotes. Quote marks are never part of a token,
    so tokenising the segments gives exactly the tokens of the whole line."""
    marks: list[int] = []
    n = len(line)
    for found in _quote_re().finditer(line):
        i = found.start()
        if line[i] in "'\u2019":  # an apostrophe unless it opens or closes a quotation
            before = line[i - 1] if i else " "
            after = line[i + 1] if i + 1 < n else " "
            if before.isalnum() == after.isalnum():
                continue
        marks.append(i)
    if len(marks) < 2:
        return [(line, False)]
    segments: list[tuple[str, bool]] = []
    last = 0
    inside = False
    pairs = len(marks) - len(marks) % 2
    for i in marks[:pairs]:
        segments.append((line[last:i], inside))
        inside = not inside
        last = i + 1
    segments.append((line[last:], False))
    return segments


def _sentences(text: str) -> tuple[list[str], list[_Sentence]]:
    tokens: list[str] = []
    sentences: list[_Sentence] = []
    for line in text.splitlines() or [text]:
        if not line.strip():
            continue
        laugh = not line.isascii() and any(e in line for e in _LAUGH_EMOJI)
        quoted: list[bool] | None = None
        if _QUOTE_CHARS.isdisjoint(line):
            line_tokens = tokenize(line)
        else:
            line_tokens = []
            quoted = []
            for segment, inside in _split_quotes(line):
                seg_tokens = tokenize(segment)
                line_tokens.extend(seg_tokens)
                quoted.extend([inside] * len(seg_tokens))
            if not any(quoted):
                quoted = None
        base = len(tokens)
        tokens.extend(line_tokens)
        start = 0
        for k, tok in enumerate(line_tokens):
            if tok in _SENTENCE_END and k + 1 > start:
                if k > start:
                    sentences.append(
                        _Sentence(
                            line_tokens[start : k + 1],
                            quoted[start : k + 1] if quoted else None,
                            laugh,
                            base + start,
                        )
                    )
                start = k + 1
        if start < len(line_tokens):
            sentences.append(
                _Sentence(line_tokens[start:], quoted[start:] if quoted else None, laugh, base + start)
            )
    return tokens, sentences


def _person(
    tokens: Sequence[str], start: int, obj: str | None, explicit: bool, *, strict: bool = False
) -> str:
    """'first', 'second', 'third', 'generic' or '' (no explicit person and `explicit` required)."""
    if obj:
        if obj in ("myself", "my self", "meself", "mysef", "my", "ourselves", "our", "i", "i'd", "id"):
            return "first"
        if obj in ("yourself", "yourselves", "urself", "your", "ur", "you", "you'd"):
            return "second"
        if obj == "oneself":
            return "generic"
        # third-person object: generic ("people who kill themselves") or specific
        return "generic" if _nearest_person(tokens, start) == "generic" else "third"
    found = _nearest_person(tokens, start)
    if strict and found == "first":  # an own subject, not just "my essay is about ..."
        window = tokens[max(0, start - 12) : start + 12]
        if not any(t in _FIRST_SUBJECT for t in window):
            return ""
    if found:
        return found
    if explicit:
        for tok in tokens[start : start + 12]:
            if tok in _SUBJECT_STOP or tok in (",", "."):
                break
            if tok in _FIRST:
                return "first"
        for j in range(start - 1, -1, -1):  # an own subject earlier in the sentence, same clause run
            if tokens[j] in _SUBJECT_STOP:
                break
            if tokens[j] in _FIRST_SUBJECT:
                return "first"
        words = sum(1 for t in tokens if t not in _SENTENCE_END and t not in (",", ":"))
        if words <= 6 or (tokens and tokens[0] in _SUBJECTLESS_START):
            return "first"  # "Feeling suicidal again.", "Felt hopeless and suicidal all week."
        return ""
    return "first"


_SUBJECTLESS_START = frozenset(
    {
        "felt",
        "feel",
        "feeling",
        "feels",
        "been",
        "was",
        "am",
        "getting",
        "got",
        "being",
        "having",
        "had",
        "struggling",
    }
)
_SUBJECT_STOP = frozenset(
    {"but", "because", "although", "though", "however", ";", ":", "cause", "cuz", "coz"}
)


def _completed(tokens: Sequence[str], start: int, hit: str) -> bool:
    before = tokens[max(0, start - 4) : start]
    if any(
        t in ("almost", "nearly", "tried", "attempted", "try", "attempt", "attempting", "trying")
        for t in before
    ):
        return False
    return (
        "committed suicide" in hit or "commited suicide" in hit or "succeeded" in before or "died" in before
    )


def _nearest_person(tokens: Sequence[str], start: int) -> str:
    for j in range(start - 1, max(-1, start - 13), -1):
        tok = tokens[j]
        if tok in _SUBJECT_STOP:
            return ""
        if tok.endswith("'s") and len(tok) > 2:
            tok = tok[:-2]
        if tok in _FIRST:
            return "first"
        if tok in _SECOND:
            return "second"
        if tok in _THIRD_SPECIFIC:
            return "third"
        if tok in _THIRD_GENERIC:
            return "generic"
    # an own word after the phrase ("killing myself is all I think about") still counts
    return ""


def _negation(tokens: Sequence[str], start: int, inner_end: int, pattern_negates: bool) -> str:
    """'' (none), 'negated' or 'hedged' for a hit starting at `start` whose framing words end at
    `inner_end` (exclusive; the act itself is not searched)."""
    lo = max(0, start - 6)
    stop_at = start if pattern_negates else inner_end
    first = lo
    for j in range(start - 1, lo - 1, -1):
        if tokens[j] in _CLAUSE_STOP or tokens[j] in _SENTENCE_END:
            first = j + 1
            break
    for j in range(first, stop_at):
        tok = tokens[j]
        if tok in _NEGATORS or tok.endswith("n't"):
            if any(t in ("if", "unless", "whether", "reason", "reasons") for t in tokens[max(0, j - 3) : j]):
                continue  # "if I didn't ...", "the only reason I haven't ...": not a denial
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            if nxt in _NEGATION_INVERTERS or (
                nxt in ("even", "really") and j + 2 < len(tokens) and tokens[j + 2] in _NEGATION_INVERTERS
            ):
                continue
            if tok in ("no", "not") and nxt in ("one", "longer") and tok == "no" and nxt == "one":
                continue
            between = tokens[j + 1 : stop_at]
            if any(t in _HEDGE_VERBS for t in between[:2]) and (
                "i" in between or "i'm" in between or "im" in between
            ):
                return "hedged"
            return "negated"
    return ""


_POST_NEGATION_RE = re.compile(
    r"^(?:is|was|would be|will never be|'s|s)? ?(?:not|never|isn't|isnt|wasn't|wasnt|no longer) (?:ever )?(?:something|an option|on the table|a thing|for me|in my plans|what i want)"
)


def _negated_after(tokens: Sequence[str], end: int) -> bool:
    return _POST_NEGATION_RE.match(" ".join(tokens[end : end + 6])) is not None


def _quoted_source(sentence: _Sentence, start: int, end: int) -> str:
    """'reported' when the hit is attributed to a song, a film, or another person; '' otherwise."""
    tokens = sentence.tokens
    quoted = sentence.quoted
    inside = quoted is not None and all(quoted[start:end])
    outside = (
        [t for k, t in enumerate(tokens) if not (quoted is not None and quoted[k])]
        if inside
        else tokens[:start]
    )
    if any(t in _MEDIA for t in outside):
        return "reported"
    if not inside:
        # a question put to the user: "my therapist asked if I was suicidal (and I said no)"
        for j in range(start - 1, max(-1, start - 6), -1):
            if tokens[j] in _ASK_VERBS and tokens[j + 1] in ("if", "whether", "me"):
                return "" if "yes" in tokens[end:] else "reported"
        # a speech frame before the hit: "<third person> said/goes ..."
        for j in range(start - 1, max(-1, start - 8), -1):
            if tokens[j] in _SPEECH_VERBS and tokens[j] != "like":
                who = _nearest_person(tokens, j)
                if (
                    who in ("third", "generic", "second")
                    and j + 1 < len(tokens)
                    and tokens[j + 1] in ("to", "that", "i", "you", "we", "she", "he", "they")
                ):
                    return "reported" if tokens[j + 1] != "i" else ""
                return ""
        return ""
    # inside quotes: whose words? the speech verb nearest before the quote
    for j in range(start - 1, -1, -1):
        if quoted is not None and quoted[j]:
            continue
        if tokens[j] in _SPEECH_VERBS or tokens[j] in (
            "goes",
            "like",
            "thinking",
            "think",
            "thought",
            "wrote",
            "typed",
            "tell",
            "told",
        ):
            who = _nearest_person(tokens, j)
            return "" if who == "first" else "reported"
    # no frame before: look after ("... ", she said)
    for j in range(end, len(tokens)):
        if quoted is not None and not quoted[j] and tokens[j] in _SPEECH_VERBS:
            who = _nearest_person(tokens, j + 2) if j + 1 < len(tokens) else ""
            nxt = tokens[j - 1] if j else ""
            if nxt in _FIRST or who == "first":
                return ""
            return "reported"
    return ""


def _tense(tokens: Sequence[str], start: int, end: int, c: _Compiled) -> tuple[bool, bool]:
    """(distant past, recent) time markers: in the hit's own clause first, else anywhere in the sentence."""
    lo = start
    while lo > 0 and tokens[lo - 1] not in (",", ";", "but", "and", "though", "although", "now"):
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi] not in (",", ";", "but", "and", "though", "although", "now"):
        hi += 1
    clause = " " + " ".join(tokens[lo:hi]) + " "
    past = c.past.search(clause) is not None
    recent = c.recent.search(clause) is not None
    if past or recent:
        return past, recent
    s = " " + " ".join(tokens) + " "
    return c.past.search(s) is not None, c.recent.search(s) is not None


def _sentence_string(tokens: Sequence[str]) -> tuple[str, list[int]]:
    offsets = []
    pos = 1
    for tok in tokens:
        offsets.append(pos)
        pos += len(tok) + 1
    return " " + " ".join(tokens) + " ", offsets


def _token_at(offsets: list[int], char: int) -> int:
    return max(0, bisect.bisect_right(offsets, char) - 1)


def _any_idiom(tokens: Sequence[str], idioms: Sequence[int], c: _Compiled) -> bool:
    s = " " + " ".join(tokens) + " "
    return any(c.idioms[n].search(s) for n in idioms)


def _scan_sentence(
    sentence: _Sentence,
    index: int,
    message_recovered: bool,
    c: _Compiled,
    phrase_spans: Sequence[tuple[int, int]],
) -> tuple[list[_Mention], bool]:
    tokens = sentence.tokens
    by_token = c.by_token
    candidates = sorted({n for tok in tokens if tok in by_token for n in by_token[tok]})
    idiom_index = c.idiom_index
    idioms = sorted({n for tok in tokens if tok in idiom_index for n in idiom_index[tok]})
    if not candidates:
        return [], bool(phrase_spans) or (bool(idioms) and _any_idiom(tokens, idioms, c))
    tokset = set(tokens)
    s, offsets = _sentence_string(tokens)
    idiom_spans = [(offsets[a], offsets[b - 1] + len(tokens[b - 1]) + 1) for a, b in phrase_spans]
    figurative = bool(idiom_spans)
    for n in idioms:
        for m in c.idioms[n].finditer(s):
            idiom_spans.append((m.start(), m.end()))
            figurative = True
    if not candidates:
        return [], figurative
    laugh = sentence.laugh or not _LAUGH.isdisjoint(tokset)
    has_negator = not _NEGATORS.isdisjoint(tokset) or any(t.endswith("n't") for t in tokens)
    maybe_reported = (
        sentence.quoted is not None
        or not _MEDIA.isdisjoint(tokset)
        or not _SPEECH_VERBS.isdisjoint(tokset)
        or not _ASK_VERBS.isdisjoint(tokset)
    )
    sentence_tense: tuple[bool, bool] | None = None
    hyperbole: bool | None = None
    now: bool | None = None

    mentions: list[_Mention] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    spans: list[tuple[int, int]] = []
    for n in candidates:
        cr = c.rules[n]
        rule = cr.rule
        if cr.also and cr.also.isdisjoint(tokset):
            continue
        for m in cr.regex.finditer(s):
            a, b = m.start(), m.end()
            if idiom_spans and any(a < ie and ia < b for ia, ie in idiom_spans):
                continue
            if spans and "f" in rule.flags and any(a < se and sa < b for sa, se in spans):
                continue
            spans.append((a, b))
            if rule.group:
                group_spans = taken.setdefault(rule.group, [])
                if group_spans and any(a < se and sa < b for sa, se in group_spans):
                    continue
                group_spans.append((a, b))
            start = bisect.bisect_right(offsets, a) - 1
            end = bisect.bisect_right(offsets, b - 1)
            obj: str | None = None
            obj_at = b
            groups: dict[str, str | None] = m.groupdict() if cr.grouped else {}
            for key, value in groups.items():
                if value and key[0] == "o":
                    obj, obj_at = value, m.start(key)
                    break
            if groups.get("t"):
                obj_at = m.start("t")
            inner_end = bisect.bisect_right(offsets, obj_at) - 1 if obj_at < b else end
            flags = rule.flags
            level = rule.level
            signal = rule.signal
            weight = rule.weight
            mods: list[str] = []
            if rule.id == "told_to":
                mentions.append(
                    _Mention(
                        rule.id,
                        "reported_speech",
                        _W,
                        weight,
                        ("reported_speech",),
                        False,
                        -1,
                        False,
                        False,
                        index,
                    )
                )
                continue
            # who
            if "p" in flags or "P" in flags or obj is not None:
                person_at = (
                    end if "e" in flags else (_token_at(offsets, m.start("t")) if groups.get("t") else start)
                )
                who = _person(tokens, person_at, obj, "P" in flags, strict="I" in flags)
                if who == "":
                    continue
                if who == "first" and _completed(tokens, start, s[a:b]):
                    near = tokens[max(0, start - 8) : start]
                    who = (
                        "generic" if not _THIRD_GENERIC.isdisjoint(near) else "third"
                    )  # "a man I know committed suicide": nobody reports their own completed suicide
                if who == "second":
                    mods.append("second_person")
                    level = _N
                elif who in ("third", "generic"):
                    mods.append("third_person")
                    level = min(level, _W) if who == "third" else _N
            # negation
            if has_negator and ("n" in flags or "N" in flags):
                neg = _negation(tokens, start, max(start + 1, inner_end), "N" in flags)
                if not neg and _negated_after(tokens, end):
                    neg = "negated"
                if neg == "negated":
                    mods.append("negated")
                    level = _N
                elif neg == "hedged":  # "I don't think I'd kill myself": ambivalent, not a denial
                    mods.append("negated")
                    level = min(level, _W)
                    weight *= 0.6
                    if signal in _SUICIDE_FAMILY:
                        signal = "suicide_mention"
            # reported speech / quotes
            if maybe_reported and (level > _N or "second_person" in mods):
                src = _quoted_source(sentence, start, end)
                if src == "reported":
                    mods.append("reported_speech")
                    level = _N
                elif sentence.quoted is not None and all(sentence.quoted[start:end]):
                    weight *= 0.8
            # time
            if "t" in flags and level > _N and not mods:
                if sentence_tense is None:
                    sentence_tense = (c.past.search(s) is not None, c.recent.search(s) is not None)
                past, recent = _tense(tokens, start, end, c) if any(sentence_tense) else (False, False)
                if past and not (recent and rule.signal in ("past_attempt", "self_harm")):
                    if message_recovered:
                        signal, level = "past_recovered", min(level, _W)
                        mods.append("past_recovered")
                    elif rule.signal == "past_attempt":
                        level = _E
                    elif rule.signal == "self_harm":
                        signal, level = "past_self_harm", _W
                    elif rule.signal in ("suicidal_thoughts", "wish_dead"):
                        signal, level = "past_ideation", _W
                    else:
                        level = min(level, _E)
                elif rule.signal == "past_attempt":
                    if recent:
                        signal = "recent_attempt"
                        if re.search(r"(?<= )(?:just|already|right now|tonight|minutes ago|an hour ago)", s):
                            level = _S
                            mods.append("imminent")
                    elif message_recovered:
                        signal, level = "past_recovered", _W
                        mods.append("past_recovered")
            # hyperbole
            if "h" in flags and level > _N and hyperbole is None:
                hyperbole = laugh or c.hyperbole.search(s) is not None
            if "h" in flags and level > _N and hyperbole:
                mods.append("figurative")
                level = _N if rule.id == "kill_me" else _W  # "someone shoot me lol" is an idiom
                weight *= 0.6
            if rule.id == "hto_could" and level > _N:
                mods.append("figurative")
            for qualifier in ("third_person", "second_person", "reported_speech", "past_recovered"):
                if qualifier in mods:
                    signal = qualifier
                    break
            mentions.append(
                _Mention(
                    rule=rule.id,
                    signal=signal,
                    level=level,
                    weight=weight,
                    mods=tuple(mods),
                    gated="g" in flags,
                    ungated=rule.ungated,
                    action="a" in flags,
                    now=((now := c.time_now.search(s) is not None) if now is None else now)
                    if "a" in flags
                    else False,
                    sentence=index,
                    span=(start, end),
                )
            )
    return mentions, figurative


_CACHE_LIMIT = 2048
_cache: dict[str, tuple[tuple[_Mention, ...], bool]] = {}


def _clear_cache() -> None:
    global _cache
    _cache = {}


def _find(sentences: Sequence[_Sentence], tokens: Sequence[str]) -> tuple[tuple[_Mention, ...], bool]:
    c = _compiled()
    mentions: list[_Mention] = []
    figurative = False
    if not c.by_token.keys().isdisjoint(tokens) or not _IDIOM_NEEDS.isdisjoint(tokens):
        recovered = c.recovered.search(" " + " ".join(tokens) + " ") is not None
        phrase_hits = c.idiom_phrases.find(tokens)
        starts = [sentence.start for sentence in sentences]
        by_sentence: dict[int, list[tuple[int, int]]] = {}
        for hit in phrase_hits:
            k = bisect.bisect_right(starts, hit.start) - 1
            local = hit.start - starts[k]
            by_sentence.setdefault(k, []).append((local, local + hit.length))
        for index, sentence in enumerate(sentences):
            found, fig = _scan_sentence(sentence, index, recovered, c, by_sentence.get(index, ()))
            mentions.extend(found)
            figurative = figurative or fig
    return tuple(mentions), figurative


def _remember(text: str, found: tuple[tuple[_Mention, ...], bool]) -> None:
    global _cache
    cache = _cache
    if len(cache) >= _CACHE_LIMIT:  # replaced, never mutated while full: safe for concurrent readers
        cache = _cache = {}
    cache[text] = found


def _scan(text: str) -> _Scan:
    """The current message: one tokenisation for the screen, the sentiment and the topics."""
    tokens, sentences = _sentences(text)
    analysis = analyze_tokens(tokens, text)
    found = _cache.get(text)
    if found is None:
        found = _find(sentences, tokens)
        _remember(text, found)
    return _Scan(mentions=found[0], analysis=analysis, figurative=found[1])


def _scan_context(text: str) -> _Scan:
    """An earlier message: its mentions only (usually cached from the turn it was sent)."""
    found = _cache.get(text)
    if found is None:
        tokens, sentences = _sentences(text)
        found = _find(sentences, tokens)
        _remember(text, found)
    return _Scan(mentions=found[0], analysis=_NO_ANALYSIS, figurative=found[1])


# -- deciding ----------------------------------------------------------------------------------------


class _Verdict(NamedTuple):
    level: int
    confidence: float
    signals: tuple[str, ...]
    own: frozenset[str]  # own-risk signals that stand
    watch_cues: int  # WATCH-level own cues (for escalation across messages)
    rules: tuple[str, ...]


_DISCOUNTING = frozenset(
    {"figurative", "negated", "third_person", "second_person", "reported_speech", "past_recovered"}
)


def _is_own(m: _Mention) -> bool:
    """A cue of the user's own, taken at face value (no negation, other person, quote, joke, recovery)."""
    return m.level > _N and _DISCOUNTING.isdisjoint(m.mods)


def _own_open(mentions: Sequence[_Mention]) -> bool:
    """Own risk in these mentions: an ungated cue, or two different gated action cues together."""
    if any(_is_own(m) and not m.gated and m.signal in _GATE_SIGNALS for m in mentions):
        return True
    gated = [m for m in mentions if m.gated and _is_own(m) and m.level >= _H]
    return any(
        x.signal != y.signal
        and (x.sentence != y.sentence or x.span[1] <= y.span[0] or y.span[1] <= x.span[0])
        for n, x in enumerate(gated)
        for y in gated[n + 1 :]
    )


def _decide(scan: _Scan, gate_open: bool) -> _Verdict:
    standing: list[tuple[int, float, str, bool]] = []  # (level, weight, signal, own) of cues that stand
    own_rules: set[str] = set()
    signals: set[str] = set()
    rules: list[str] = []
    discounted = 0
    for m in scan.mentions:
        level = m.level
        if m.gated and not gate_open:
            if m.ungated < 0:
                continue
            level = min(level, m.ungated)
        signals.update(x for x in m.mods if x != "imminent")
        rules.append(m.rule)
        if level <= _N:
            discounted += 1
            continue
        own = _DISCOUNTING.isdisjoint(m.mods)
        if m.signal not in MODIFIER_SIGNALS:
            signals.add(m.signal)
        if "imminent" in m.mods:
            signals.add("imminent")
        if own and m.action and m.now and level >= _H:
            level = _S
            signals.add("imminent")
        standing.append((level, m.weight, m.signal, own))
        if own:
            own_rules.add(m.rule)
    if scan.figurative:
        signals.add("figurative")

    own_signals = frozenset(sig for lvl, _, sig, own in standing if own)
    level = max((lvl for lvl, _, _, _ in standing), default=_N)
    # clinical combinations (own cues only)
    if level < _H and "method_mention" in own_signals and own_signals & _IDEATION_SIGNALS:
        level = _H
    if (
        level >= _H
        and "farewell" in own_signals
        and (
            own_signals & _FAREWELL_PARTNERS
            or ("farewell_strong" in own_rules and "preparation" in own_signals)
        )
    ):
        level = _S
    if "means_access" in own_signals and own_signals & {"suicidal_thoughts", "intent", "plan"}:
        level = max(level, _H)
    watch_kinds = own_signals & _WATCH_CUES
    watch_cues = sum(1 for _, _, sig, own in standing if own and sig in _WATCH_CUES)
    if level == _W and (
        len(watch_kinds) >= 3 or ("wish_dead" in watch_kinds and watch_kinds & _DESPAIR_SIGNALS)
    ):
        level = _E
    if level == _S:
        signals.add("imminent")
    # confidence: independent cues that support the level agree
    if level > _N:
        support = [w for lvl, w, _, _ in standing if lvl >= level]
        combined = not support  # the level comes from a combination of lower cues
        miss = 1.0
        for w in support or [w for _, w, _, own in standing if own]:
            miss *= 1.0 - w
        others = [w for lvl, w, _, _ in standing if lvl < level] if support else []
        confidence = (1.0 - miss * (0.9 ** len(others))) * (0.8 if combined else 1.0)
    else:
        confidence = 0.95 - 0.1 * min(discounted, 3)
        if scan.analysis.sentiment.score <= -0.5:
            confidence -= 0.1
    ordered = tuple(sorted(signals, key=lambda x: _SIGNAL_RANK.get(x, len(SIGNAL_ORDER))))
    return _Verdict(
        level,
        round(max(0.05, min(0.99, confidence)), 3),
        ordered,
        own_signals,
        watch_cues,
        tuple(dict.fromkeys(rules)),
    )


def screen_message(text: str, *, recent_user_messages: Sequence[str] = ()) -> Screening:
    """Screen one user message, with up to `CONTEXT_WINDOW` earlier user messages (oldest first) as
    context. The level reports what the whole window shows: an earlier HIGH_RISK disclosure is not erased
    by a later "I'm fine" (`context_carryover`), and WATCH cues piling up over the window raise it to
    ELEVATED_CONCERN (`context_escalation`). A window the rules leave at NORMAL or WATCH, with nothing
    explained away, is raised to ELEVATED_CONCERN when the learned model reads it as urgent
    (`learned_risk`, `shared/safety/learned.py`). `analysis` is the current message's sentiment and topics."""
    return _screen(text, recent_user_messages, learned=True)


def _learned_allowed(verdicts: Sequence[_Verdict]) -> bool:
    """The learned score may raise the window only if the rules explained nothing away anywhere in it: it
    never overrules a negated, figurative, quoted, recovered, second- or third-person mention."""
    return all(_DISCOUNTING.isdisjoint(v.signals) for v in verdicts)


@lru_cache(maxsize=_CACHE_LIMIT)
def _message_words(text: str) -> tuple[frozenset[str], int]:
    """The learned model's view of one message (cached: earlier messages come back on every turn)."""
    return _learned.words_of(tokenize(text))


def _window_words(window: Sequence[str], current: str) -> tuple[frozenset[str], int]:
    parts = [_message_words(message) for message in (*window, current)]
    return frozenset().union(*(words for words, _ in parts)), sum(count for _, count in parts)


def _screen(text: str, recent_user_messages: Sequence[str], *, learned: bool) -> Screening:
    """`screen_message`; `learned=False` gives the rules' verdict alone (training and the benchmark)."""
    previous = list(recent_user_messages)
    if previous and previous[-1] == text:  # the current message itself (a retried post already stored)
        previous.pop()
    window = [m for m in previous[-CONTEXT_WINDOW:] if m and m.strip()]
    scans = [_scan_context(m) for m in window]
    current = _scan(text)
    gate_open = _own_open(current.mentions) or any(_own_open(s.mentions) for s in scans)
    verdict = _decide(current, gate_open)
    level, confidence = verdict.level, verdict.confidence
    signals = list(verdict.signals)
    details: dict[str, str] = {"current_level": _LEVELS[verdict.level].value}
    if verdict.rules:
        details["rules"] = ",".join(verdict.rules)

    earlier: list[_Verdict] = []
    if scans:
        earlier = [_decide(s, gate_open) for s in scans]
        carried = _N
        carried_signals: set[str] = set()
        for age, v in enumerate(reversed(earlier)):  # age 0: the message just before this one
            lvl = v.level if age == 0 else min(v.level, _H)
            if lvl > carried:
                carried = lvl
            if v.level >= _E:
                carried_signals |= v.own
        context_level = max((v.level for v in earlier), default=_N)
        details["context_level"] = _LEVELS[context_level].value
        if carried_signals:
            details["context_signals"] = ",".join(
                sorted(carried_signals, key=lambda x: _SIGNAL_RANK.get(x, 99))
            )
        if carried > level:
            level = carried
            signals.append("context_carryover")
            confidence = max(0.5, round(0.85 * max(v.confidence for v in earlier if v.level >= carried), 3))
        # WATCH-level cues building up over the window
        cues = verdict.watch_cues + sum(v.watch_cues for v in earlier)
        with_cues = (verdict.watch_cues > 0) + sum(1 for v in earlier if v.watch_cues > 0)
        if level <= _W and cues >= 3 and with_cues >= 2:
            level = _E
            signals.append("context_escalation")
            confidence = round(min(0.85, 0.45 + 0.08 * cues), 3)
    words, count = _window_words(window, text) if learned and level <= _W else (frozenset(), 0)
    if _learned.applies_to_words(words, count) and _learned_allowed([verdict, *earlier]):
        rules_signals = sorted({*signals, *(x for v in earlier for x in v.signals)})
        model = _learned.load_model()
        vector = _learned.features_of_words(words, count, _LEVELS[level].value, rules_signals)
        probability = model.probability(vector)
        details["learned_score"] = f"{probability:.3f}"
        if probability >= model.threshold:
            level = _E
            signals.append("learned_risk")
            confidence = round(min(0.9, probability), 3)
    ordered = tuple(sorted(dict.fromkeys(signals), key=lambda x: _SIGNAL_RANK.get(x, len(SIGNAL_ORDER))))
    return Screening(
        level=_LEVELS[level],
        confidence=confidence,
        signals=ordered,
        analysis=current.analysis,
        details=details,
    )


# -- AI replies --------------------------------------------------------------------------------------

# Patterns are words separated by single spaces, matched on whole tokens.
_REPLY_RULES: tuple[tuple[str, str, int, float, str], ...] = (
    (
        "encourage_directive",
        "encouragement",
        _H,
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
        _H,
        0.9,
        r"(?:^|[.!?]) (?:just |go |then |so |well |please )?(?:kill yourself|kys|end your life|end it all|go die|die already)",
    ),
    (
        "encourage_worth",
        "encouragement",
        _H,
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
        _H,
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
        _H,
        0.85,
        r"(?:take|taking|swallow|swallowing) (?:[^ ]+ ){0,5}(?:pills|tablets|meds|medication|painkillers)"
        r"(?: [^ ]+){0,4} (?:at once|at the same time|in one go|all together)",
    ),
    (
        "method_detail",
        "method_detail",
        _H,
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
        _E,
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
        _E,
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
    tokens, sentences = _sentences(text)
    analysis = analyze_tokens(tokens, text)
    found: list[tuple[int, float, str, str]] = []
    signals: set[str] = set()
    for sentence in sentences:
        s, _ = _sentence_string(sentence.tokens)
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
    level = max((lvl for lvl, _, _, _ in found), default=_N)
    if level > _N:
        miss = 1.0
        for lvl, w, _, _ in found:
            if lvl >= level:
                miss *= 1.0 - w
        confidence = 1.0 - miss
    else:
        confidence = 0.9
    ordered = tuple(sorted(signals, key=lambda x: _SIGNAL_RANK.get(x, len(SIGNAL_ORDER))))
    details = {"rules": ",".join(dict.fromkeys(rid for _, _, _, rid in found))} if found else {}
    return Screening(
        level=_LEVELS[level],
        confidence=round(max(0.05, min(0.99, confidence)), 3),
        signals=ordered,
        analysis=analysis,
        details=details,
    )
