"""Rules for risk shown without a statement of intent: collecting a means (C-SSRS preparatory behaviour:
"collected pills, obtained a gun, gave away valuables") and implicit farewells (making peace with everyone,
giving one's things away, not being here next week).

They come before `rules_preparation` in the table: within the group `prep` an earlier hit hides the weaker,
gated rules that overlap it. Everyday phrasings that share the words are kept out by the patterns
themselves (painkillers bought "just in case" a headache comes back, a rope for camping, clothes for the
charity shop, not being here next week because of a holiday), and every rule keeps the qualifiers:
negation, someone else, past and recovered, quotes.
"""

from __future__ import annotations

from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, WATCH
from shared.safety.screen.rule_parts import Rule
from shared.safety.screen.wordlists import word_list

# Pills without "prescription" (collecting a prescription is an errand, not a stockpile).
_STOCK_PILLS = (
    r"(?:pills|meds|medication|medications|medicine|tablets|painkillers|pain killers|sleeping pills|sleeping tablets|"
    r"antidepressants|tylenol|paracetamol|acetaminophen|ibuprofen|aspirin|xanax|benzos|insulin|oxy|opioids|"
    r"oxycodone|codeine|tramadol|lithium|seroquel|pill) "
)
_AMOUNT = (
    r"(?:up |away )?(?:(?:a |some |the |enough |my |a bunch of |lots of |a lot of |extra |more |all my |all of my |"
    r"a stash of |a pile of |a month's worth of |months of |weeks of |of |\d+ |old |leftover |spare |these |those )"
    r"){0,3}"
)
_NOT_PILL_MEANS = (
    r"(?:rope|ropes|a rope|noose|helium|charcoal|rat poison|poison|razor blades|razors|blades|belt|cord|"
    r"bag of charcoal|tank of helium) "
)
_FOR_LATER = (
    r"(?:just in case|in case|for later|for when i need (?:it|them)|for if i need (?:it|them)|for when i'm ready|"
    r"for when im ready|for when the time comes|for the right (?:moment|time|day)|for one day|for someday|"
    r"for a bad day|for the bad days|for if it gets (?:too )?bad|for when it gets (?:too )?bad) "
)
_FOR_WHEN_READY = (
    r"(?:for when i need (?:it|them)|for when i'm ready|for when im ready|for when the time comes|"
    r"for the right (?:moment|time|day)|for one day|for someday|for if it gets (?:too )?bad|"
    r"for when it gets (?:too )?bad|in case (?:i|it) (?:need|needs|decide|decides|get|gets) "
    r"(?:to |them |it |too |really |that )*(?:bad|worse|them|it|ready|go through with it) ) "
)
_MEANS_WORDS = word_list(
    """pills meds medication medications medicine tablets painkillers pain sleeping antidepressants tylenol
paracetamol acetaminophen ibuprofen aspirin xanax benzos insulin oxy opioids oxycodone codeine tramadol lithium
seroquel pill rope ropes noose helium charcoal poison razor blades razors belt cord"""
)
_AWAY_THINGS = (
    r"(?:things|stuff|belongings|possessions|valuables|prized possessions|most precious things|favourite things|"
    r"favorite things|treasures)"
)
# An ordinary absence or change explained in the same sentence.
_ORDINARY_ABSENCE = (
    r"(?!(?:[^ ]+ ){0,12}?(?:holiday|holidays|vacation|trip|travel|travelling|traveling|away|visiting|visit|"
    r"conference|wedding|shift|shifts|moving|move|flight|flying|camp|camping|leave|off to|going to|heading to|"
    r"driving|hospital|surgery|exams?|course|work|working|busy|back on|back in|back next|back after) )"
)
_WONT_BE_HERE = (
    r"(?:i )?(?:won't|wont|will not|am not going to|'m not going to|m not going to|not going to|not gonna) "
    r"(?:be (?:here|around)|be alive|see you|see anyone|see my family) "
    r"(?:tomorrow|after tonight|much longer|for much longer|for long|"
    r"next (?:week|month|year|time|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"by (?:then|the weekend|next week|monday|tuesday|wednesday|thursday|friday|saturday|sunday|christmas)|"
    r"for (?:christmas|my birthday|your birthday|the holidays|the next session|our next session)|"
    r"(?:at|for|in) (?:our|the|my) next (?:session|appointment|chat)|after (?:this week|the weekend|today)|"
    r"anymore after (?:this|today|tonight)) " + _ORDINARY_ABSENCE
)


_WORRIERS = r"(?:you|they|everyone|everybody|nobody|no one|noone|my family|my parents|my mum|my mom|my dad|my friends|people) "
_WONT = r"(?:won't|wont|will not|will never|won't ever|wont ever)"
_LOOK_AFTER_ME = (
    r"(?:have|need) to (?:worry about|deal with|put up with|look after|take care of|bother with) me "
)
_NOT_FOR_LONG = r"(?:much longer|for much longer|for long|after (?:today|tonight|this week|this weekend)|soon|for very long) "
# Letters left for the people one loves "just in case": a farewell unless a trip or an operation explains it.
_LETTERS_IN_CASE = (
    r"(?:wrote|written|writing|write|left|leaving|leave|prepared|preparing|recorded|recording) "
    r"(?:letters|notes|a letter|a note|messages|a message|videos|a video|cards) (?:to|for) "
    r"(?:everyone|everybody|all (?:the people|of them|my friends|my family)|each of (?:them|my (?:friends|kids|children))|"
    r"my (?:family|friends|kids|children|parents|partner|wife|husband|sister|brother|mum|mom|dad)|"
    r"(?:the people|everyone|everybody) i (?:love|care about)) (?:[^ ]+ ){0,4}?(?:, )?"
    r"(?:just in case|in case (?:something|anything) (?:happens|happened) to me|"
    r"(?:for|to read|to open) (?:after|when) (?:i'm|im|i am) (?:gone|not here|not around)) "
    r"(?!(?:[^ ]+ ){0,8}?(?:flight|flying|surgery|operation|trip|deployment|deployed|hospital|procedure|travel|"
    r"travelling|traveling|journey|climb|expedition|war|tour) )"
)


def rules() -> list[Rule]:
    r = Rule
    return [
        r(
            "prep_stockpile_pills",
            "preparation",
            HIGH_RISK,
            0.75,
            rf"(?:stockpiled|stockpiling|stockpile|stockpiles|hoarded|hoarding|hoard|saving up|saved up|been saving|"
            rf"saving|saved|stashed|stashing|stash|collecting|collected|squirrelling away|squirreling away|"
            rf"putting aside|put aside|setting aside|set aside|building up|built up) {_AMOUNT}{_STOCK_PILLS}|"
            rf"(?:have|has|got|i've got|ive got|'ve got|ve got) {_AMOUNT}{_STOCK_PILLS}(?:[^ ]+ ){{0,2}}?"
            rf"(?:saved up|saved|stockpiled|stashed|hoarded|put aside|set aside|hidden away|squirrelled away) ",
            _MEANS_WORDS,
            "pnt",
            group="prep",
        ),
        r(
            "prep_means_in_case",
            "preparation",
            HIGH_RISK,
            0.7,
            rf"(?:bought|buying|buy|got|getting|ordered|ordering|purchased|picked up|keep|keeping|kept|hid|hidden|"
            rf"hiding|stashed|stashing|saved|saving|stored|storing|have|i've got|ive got) {_AMOUNT}"
            rf"(?:{_NOT_PILL_MEANS}(?:[^ ]+ ){{0,3}}?(?:, )?{_FOR_LATER}|{_STOCK_PILLS}(?:[^ ]+ ){{0,3}}?(?:, )?"
            rf"{_FOR_WHEN_READY})",
            _MEANS_WORDS,
            "pnt",
            group="prep",
            also=word_list("case later when right one someday bad if"),
        ),
        r(
            "farewell_peace",
            "farewell",
            HIGH_RISK,
            0.6,
            r"(?:made|making|make|have made|'ve made|ve made|trying to make|want to make|need to make) "
            r"(?:my )?peace with (?:everyone|everybody|all of them|all of you|you all|my family|my friends|"
            r"the people i love|everyone i (?:love|hurt|know|care about)|the people i hurt|the world|"
            r"everything and everyone|everyone and everything|god and everyone) ",
            ("peace",),
            "pntga",
            ungated=ELEVATED_CONCERN,
        ),
        r(
            "prep_giveaway_things",
            "preparation",
            HIGH_RISK,
            0.65,
            rf"(?:gave|giving|give|given|been giving) (?:away )?(?:all |most |some )?(?:of )?(?:my|all my|most of my) "
            rf"{_AWAY_THINGS} (?:away )?(?!(?:[^ ]+ ){{0,8}}?(?:charity|charity shop|goodwill|thrift|oxfam|"
            rf"donation|donations|food bank|shelter|before (?:i|we) (?:move|moving|leave)|because (?:i'm|im|i am|we're|"
            rf"we are) (?:moving|downsizing)|to make room|declutter|decluttering|moving) )",
            word_list("things stuff belongings possessions valuables treasures"),
            "pntga",
            ungated=ELEVATED_CONCERN,
            also=word_list("gave giving give given"),
        ),
        r(
            "farewell_not_here",
            "farewell",
            HIGH_RISK,
            0.55,
            _WONT_BE_HERE,
            word_list("here around alive see"),
            "Ntga",
            ungated=ELEVATED_CONCERN,
            also=word_list("won't wont will not gonna"),
        ),
        r(
            "farewell_not_worry_long",
            "farewell",
            HIGH_RISK,
            0.6,
            rf"(?:(?:{_WORRIERS}{_WONT}|(?:nobody|no one|noone) (?:will|'ll)) {_LOOK_AFTER_ME}{_NOT_FOR_LONG}|"
            r"(?:you'll|you will|they'll|they will|everyone will|everybody will|you'll all|you will all) (?:be|get) "
            r"rid of me (?:soon|for good|forever|tomorrow|tonight|after (?:today|tonight)) )"
            + _ORDINARY_ABSENCE,
            word_list("me"),
            "Ntga",
            ungated=ELEVATED_CONCERN,
            also=word_list("worry deal put look take bother rid"),
        ),
        r(
            "farewell_not_worry",
            "farewell",
            HIGH_RISK,
            0.45,
            rf"{_WORRIERS}{_WONT} {_LOOK_AFTER_ME}(?:anymore|any more|any longer|ever again) "
            r"(?!(?:[^ ]+ ){0,10}?(?:because|since|now that|got|found|moving|moved|job|flat|apartment|house|fine|okay|"
            r"ok|better|passed|graduated|graduate|promise|sober|clean|recovered|healthy) )",
            word_list("me"),
            "Ntga",
            ungated=WATCH,
            also=word_list("worry deal put look take bother"),
        ),
        r(
            "farewell_letters",
            "farewell",
            HIGH_RISK,
            0.6,
            _LETTERS_IN_CASE,
            word_list("letters notes letter note messages message videos video cards"),
            "pntga",
            ungated=ELEVATED_CONCERN,
            also=word_list("case gone here around"),
        ),
    ]
