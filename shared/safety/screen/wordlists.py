"""Closed word classes the qualifiers look for: sentence and clause boundaries, negators, first/second/third
person words, media and speech-frame words, laughter. They are plain sets so that each test is one lookup
per token; which class decides what is up to the modules that use them (person, negation, reported).
"""

from __future__ import annotations


def word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SENTENCE_END = frozenset(".!?;")
CLAUSE_STOP = frozenset(
    word_list(
        """, : but because cause cuz coz so although though yet or when whenever if that which who why how
until unless whether and while since what"""
    )
)
NEGATORS = frozenset(
    word_list(
        """not no never nor cannot dont cant wont isnt arent wasnt werent didnt doesnt couldnt shouldnt wouldnt
havent hasnt hadnt aint nah nope"""
    )
)
# "can't stop thinking about it", "couldn't help wanting to": the negation intensifies.
NEGATION_INVERTERS = frozenset(
    {"stop", "help", "wait", "shake", "resist", "escape", "quit", "control", "fight"}
)
HEDGE_VERBS = frozenset({"think", "believe", "guess", "know", "saying", "say", "mean", "sure"})

FIRST = frozenset(
    word_list("i i'm im i've ive i'd i'll me myself my mine imma i'ma we we're us our ourselves")
)
FIRST_SUBJECT = frozenset({"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "myself", "imma", "i'ma"})
SECOND = frozenset(
    word_list(
        """you you're youre your yours you've youve you'd youd you'll youll u ur yourself urself ya y'all yall
yourselves"""
    )
)
THIRD_GENERIC = frozenset(
    word_list(
        """someone somebody anyone anybody people everyone everybody person those whoever others one nobody
they them their themselves individuals"""
    )
)
THIRD_SPECIFIC = frozenset(
    word_list(
        """he she he's hes she's shes he'd she'd he'll she'll him her his hers himself herself they're theyre
    themself friend friends bestie bff brother sister bro sis mom mum mommy mother dad daddy father son daughter
    boyfriend girlfriend bf gf partner husband wife cousin uncle aunt grandma grandpa grandmother grandfather
    roommate classmate coworker co-worker colleague student client patient kid child teen teenager sibling niece
    nephew fiance fiancee ex neighbor neighbour boss teacher guy girl man woman boy dude stepdad stepmom stepbrother
    stepsister parent parents family buddy pal mate character narrator singer he'll she'll"""
    )
)
MEDIA = frozenset(
    word_list(
        """song songs lyric lyrics line lines chorus verse movie movies film show series episode book novel poem
    character characters meme memes quote title tweet post video tiktok comment caption joke jokes game album
    rapper singer band scene play sitcom anime manga comic podcast headline article news tv youtube youtuber
    streamer sign shirt t-shirt slogan script sings sang lyricist"""
    )
)
SPEECH_VERBS = frozenset(
    word_list(
        """said says say goes go went sang sings sing wrote writes yelled yells screamed screams told tells texted
    texts posted posts tweeted commented joked jokes whispered shouted asked asks replied replies called calls
    like"""
    )
)
ASK_VERBS = frozenset({"asked", "asks", "ask", "asking", "wondered", "wonders", "wondering"})
LAUGH = frozenset(
    word_list(
        """lol lool lolol lmao lmfao lmaoo lmaooo rofl haha hahaha hahahaha hehe hehehe jk jkjk xd xD lel kek
    lmaoooo hah"""
    )
)
LAUGH_EMOJI = ("😂", "🤣", "💀", "😅", "😆", "😹", "🙃", "😜", "😝")
QUOTE_CHARS = frozenset("\"\u201c\u201d\u00ab\u00bb\u2018\u2019'")
