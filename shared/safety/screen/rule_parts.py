"""The building blocks of the rules: the `Rule` record and its flags, regex fragments shared by many rules
(the suicidal act with its object, desire and intent frames, self-harm verbs, means) and the trigger words
(`needs`) that let a sentence skip every rule none of its tokens can start.

Fragments are regex source with words separated by single spaces; each ends in a space, so they chain.
"""

from __future__ import annotations

from typing import NamedTuple

from shared.safety.screen.wordlists import word_list

G1 = r"(?:[^ ]+ )?"
G2 = r"(?:[^ ]+ ){0,2}"
G3 = r"(?:[^ ]+ ){0,3}"
SELF = r"(?P<o>myself|my self|meself|mysef|himself|herself|themselves|themself|yourself|yourselves|urself|ourselves|oneself) "
POSS = r"(?P<o>my|his|her|their|your|our|ur) (?:own )?"
_KILL = r"(?:kill|killing|kil|killin|killed|kills|murder|murdering|off|offing|unalive|unaliving) "
PILLS = (
    r"(?:pills|meds|medication|medications|medicine|tablets|painkillers|pain killers|sleeping pills|antidepressants|"
    r"tylenol|paracetamol|acetaminophen|ibuprofen|aspirin|xanax|benzos|insulin|oxy|opioids|prescription|pill bottle|pill) "
)
# A suicidal act with its object (person from the object).
ACT = (
    rf"(?P<t>{_KILL}{SELF}|(?:end|ending|ended|ends|take|taking|took|takes) {POSS}(?:life|lives|existence) |"
    r"(?:commit|commits|commiting|committing|comitting|commited|committed|comit) suicide |kms |"
    r"(?:end|ending) (?:it|this|everything) all |(?:end|ending) everything |(?:end|ending) my suffering )"
)
DESIRE = (
    r"(?:want|wanted|wanting|wants|wanna|wana|wish|wished|wishing|need|needed|needing|long|longing|urge|urges|"
    r"urged|tempted|temptation|temptations|impulse|impulses|desire|desires|thought|thoughts|thinking|think|thinks|thinkin|"
    r"considering|consider|considered|contemplate|contemplating|contemplated|fantasize|fantasizing|fantasise|"
    r"fantasising|fantasies|dream|dreaming|obsess|obsessing|obsessed|like|should|shall|might|may|could|would|"
    r"gotta|ideation|close to|tempting|idea|ideas) "
)
INTENT = (
    r"(?:going to|gonna|goin to|gunna|will|i'll|ill|decided to|deciding to|ready to|determined to|intend to|"
    r"intending to|i'm doing|im doing|have decided to|finally going to|am going to|plan on|try to|gonna try to|"
    r"made up my mind to|have made up my mind to) "
)
_SH_STRONG_VERB = (
    r"(?:cut|cutting|cuts|burn|burning|burnt|burned|scratch|scratching|scratched|carve|carving|carved|slash|"
    r"slashing|slashed|mutilate|mutilating|mutilated|bruise|bruising|bruised) "
)
SH_WEAK_VERB = (
    r"(?:hurt|hurting|hurts|harm|harming|harmed|hit|hitting|punch|punching|punched|starve|starving|starved|injure|"
    r"injuring|injured|bang|banging|banged|bite|biting|beat|beating|punish|punishing) "
)
_BODY = r"(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?|ankles?|body|belly|chest|forearms?) "
SH_WORD = (
    r"(?:self-harm|self harm|selfharm|self-harming|self harming|self-harmed|self harmed|self-injury|self injury|"
    r"self-injure|self injure|self-injuring|self-injured|self-mutilation|self mutilation|self-mutilate|"
    r"self-mutilating|sh-ing|shing) "
)
SH_ACT = (
    rf"(?:{_SH_STRONG_VERB}{SELF}|(?:cut|cutting|cuts|slash|slashing|slit|slitting|burn|burning|scratch|"
    rf"scratching|carve|carving) {POSS}{_BODY}|{SH_WORD})"
)
SH_ACT_VERB = (
    rf"(?:{_SH_STRONG_VERB}{SELF}|(?:cut|cutting|cuts|slash|slashing|slit|slitting|burn|burning|scratch|"
    rf"scratching|carve|carving) {POSS}{_BODY})"
)
CUT_BARE = (
    r"(?:started|start|starting|stop|stopped|quit|quitting|been|keep|kept|began|begin|back to|urge to|urges to|used to|use to|"
    r"want to|wanna|relapsed|relapse|into|addicted to|hide my|hiding my|the urge to|go back to|went back to) "
    r"(?:cutting|cut)(?! (?:the|a|an|my|some|back|down|class|classes|school|ties|off|out|corners|carbs|sugar|hair|"
    r"onions?|bread|meat|wood|paper|grass|costs?|expenses?|spending|people|him|her|them|it|that|this|contact|"
    r"calories|coffee|alcohol|drinking|weight|in|through|up|across|loose|short|class|lines?|the) )"
)
PERSON_TARGET = (
    r"(?:him|her|them|someone|somebody|people|everyone|everybody|anyone|anybody|"
    r"that (?:guy|girl|man|woman|bitch|bastard|person|kid|teacher|dude|asshole)|"
    r"my (?:boss|dad|mom|mum|father|mother|stepdad|stepmom|brother|sister|husband|wife|boyfriend|girlfriend|bf|gf|ex|"
    r"partner|roommate|neighbor|neighbour|teacher|coworker|co-worker|family|parents|son|daughter|kids|baby|classmates?|"
    r"bully|bullies|abuser|landlord|manager|uncle|aunt|cousin)|"
    r"the (?:kids|people|guys|students|bullies|bully|teacher|boss|neighbors|neighbours|baby|class)|"
    r"those (?:people|kids|guys|bullies)|(?:all|each) of them) "
)
HARM_VERB = (
    r"(?:kill|killing|hurt|hurting|stab|stabbing|shoot|shooting|strangle|strangling|murder|murdering|beat up|"
    r"beating up|poison|poisoning|attack|attacking|choke|choking|harm|harming|torture|torturing|run over|slaughter) "
)
MEANS = (
    r"(?:gun|guns|pistol|handgun|rifle|firearm|shotgun|pills|meds|medication|tablets|sleeping pills|painkillers|"
    r"rope|noose|razor|razors|blade|blades|poison|knife|bottle of pills) "
)


class Rule(NamedTuple):
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

# An act needs its object: these are the words every `ACT` hit contains.
ACT_NEEDS = word_list(
    """myself self meself mysef himself herself themselves themself yourself yourselves urself ourselves
oneself life lives existence suicide kms end ending"""
)
SH_NEEDS = word_list(
    """cut cutting cuts burn burning burnt burned scratch scratching scratched carve carving carved slash
slashing slashed slit slitting mutilate mutilating mutilated bruise bruising bruised self-harm self
selfharm self-harming self-harmed self-injury self-injure self-injuring self-injured self-mutilation
self-mutilate self-mutilating sh-ing shing"""
)
SH_WEAK_NEEDS = word_list(
    """hurt hurting hurts harm harming harmed hit hitting punch punching punched starve starving starved
injure injuring injured bang banging banged bite biting beat beating punish punishing"""
)
DIE_NEEDS = word_list(
    """asleep forever die dead exist existing alive gone disappear wake sleep live living rot vanish death
dying born existed breathing here around end over stop"""
)
