"""Rules for preparation, plans, means at hand, open-ended intent ("I'm going to do it") and farewells. Most
are gated: "I have the pills" or "goodbye everyone" count only when the window already shows own risk.
"""

from __future__ import annotations

from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, WATCH
from shared.safety.screen.rule_parts import MEANS, PILLS, Rule
from shared.safety.screen.wordlists import word_list


def rules() -> list[Rule]:
    r = Rule
    return [
        # -- preparation, plan, means
        r(
            "prep_note",
            "preparation",
            HIGH_RISK,
            0.85,
            r"(?:(?:wrote|written|writing|write|drafted|drafting|finished|left|leaving|started|typed|typing|composed|composing|prepared|preparing|recorded|recording) (?:a |my |the |some |all my |all the |out |up )?(?:suicide|goodbye|farewell|final|last) (?:note|notes|letter|letters|message|messages|words|video)|suicide (?:note|notes|letter|letters)) ",
            ("note", "notes", "letter", "letters", "message", "messages", "words", "video"),
            "Pnta",
        ),
        r(
            "prep_giveaway",
            "preparation",
            HIGH_RISK,
            0.7,
            r"(?:gave|giving|give|given) away (?:all |most |some )?(?:of )?(?:my|most of my|all my) (?:stuff|things|belongings|possessions|clothes|games|books|pets?|cat|dog|money|savings|prized|favorite|favourite|valuables) ",
            ("away",),
            "pntga",
            ungated=-1,
        ),
        r(
            "prep_stockpile",
            "preparation",
            HIGH_RISK,
            0.75,
            rf"(?:stockpiled|stockpiling|stockpile|hoarded|hoarding|hoard|saving up|saved up|been saving|stashed|stashing|stash|keeping|kept|hiding|hid) (?:up )?(?:a |some |the |enough |my |a bunch of |lots of |a lot of |extra |more |all my |all of my |a stash of )?{PILLS}",
            word_list(
                """pills meds medication medications medicine tablets painkillers sleeping antidepressants tylenol
paracetamol acetaminophen ibuprofen aspirin xanax benzos insulin oxy opioids prescription pill"""
            ),
            "pntga",
            ungated=WATCH,
            group="prep",
        ),
        r(
            "prep_acquire",
            "preparation",
            HIGH_RISK,
            0.75,
            rf"(?:bought|buying|buy|ordered|ordering|purchased|purchasing|got|getting|obtained|acquired|collected|collecting|stockpiled|stockpiling|hoarded|hoarding|saving|saved|saving up|saved up|stashed|stashing|stored|storing|stock up on|stocking up on) (?:up )?(?:a |some |the |enough |my |a bunch of |lots of |a lot of |extra |more |all my |a stash of )?(?:rope|ropes|gun|guns|pistol|handgun|rifle|firearm|bullets|ammo|razor blades|razors|blades|helium|charcoal|poison|rat poison|noose|{PILLS[3:-2]}) ",
            word_list(
                """rope ropes gun guns pistol handgun rifle firearm bullets ammo razors blades helium charcoal poison
noose pills meds medication tablets painkillers sleeping"""
            ),
            "pntga",
            ungated=-1,
            group="prep",
        ),
        r(
            "prep_affairs",
            "preparation",
            HIGH_RISK,
            0.7,
            r"(?:(?:put|putting|get|getting|got|sort|sorting|sorted) (?:all )?my affairs in order|(?:wrote|writing|made|making|updated|updating|finalized|finalizing) (?:out )?my will|(?:said|saying|say) (?:my )?(?:last |final )?goodbyes) ",
            ("affairs", "will", "goodbyes"),
            "pntga",
            ungated=-1,
        ),
        r(
            "prep_rope",
            "preparation",
            HIGH_RISK,
            0.8,
            r"(?:tied|tying|tie|tested|testing|test|made|making|hung|hanging|set up|setting up|put up|bought) (?:up )?(?:a |the |my )?(?:noose|rope|belt|cord) (?:to|from|around|on|in|over|is|up)? ?",
            ("noose", "rope", "belt", "cord"),
            "pntga",
            ungated=-1,
        ),
        r(
            "plan_date",
            "plan",
            HIGH_RISK,
            0.8,
            r"(?:picked|picking|pick|chose|chosen|choosing|choose|set|setting|decided on|deciding on|planned|planning) (?:a |the |my )?(?:date|day|time|place|spot|location|method|way|bridge|night) ",
            word_list(
                """picked picking pick chose chosen choosing choose set setting decided deciding planned planning"""
            ),
            "pntga",
            ungated=-1,
        ),
        r(
            "plan_have",
            "plan",
            HIGH_RISK,
            0.8,
            r"(?:(?:have|got|made|making|make|came up with|come up with|working on|worked out|figured out|figure out) (?:a |the |my |out )?(?:plan|plans|how i'?m going to do it|how im gonna do it|how i'll do it|how ill do it|how to do it|how i would do it|when i'?ll do it|a way to do it|the details)|(?:know|knew|decided|figured out|worked out|thought about) (?:exactly )?(?:how|when|where) (?:i'd|id|i would|i'll|ill|i will|i'm going to|im going to|im gonna|i'm gonna|to) (?:do it|end it|go)) ",
            word_list("plan plans details know knew decided figured worked thought working"),
            "pntga",
            ungated=-1,
        ),
        r(
            "intent_doit",
            "intent",
            HIGH_RISK,
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
            HIGH_RISK,
            0.7,
            r"(?:going to|gonna|will|i'll|ill|i'm|im|about to|ready to|decided to|finally|made up my mind to|have to|need to) (?:just |finally |actually |really |probably )?(?:end it|ending it|end this|ending this|end everything|end things)(?! (?:with|between|for|on|off|up|early|at|by|here|there) )",
            ("end", "ending"),
            "pntgha",
            ungated=ELEVATED_CONCERN,
        ),
        r(
            "intent_jump",
            "intent",
            HIGH_RISK,
            0.7,
            r"(?:going to|gonna|about to|will|i'll|ready to|want to|wanna|decided to) (?:just )?jump(?= [.!?,;] | $| (?:off|from|tonight|now|right now|in front|again|and|before) )",
            ("jump",),
            "pntga",
            ungated=WATCH,
        ),
        r(
            "do_something",
            "suicidal_thoughts",
            ELEVATED_CONCERN,
            0.65,
            r"(?:might|may|could|going to|gonna|scared i'll|afraid i'll|worried i'll|scared i will|afraid i will|scared i might|afraid i might|worried i might|will|want to|urge to|close to) (?:end up )?(?:do|doing) (?:something|anything) (?:to myself|permanent|i can't take back|i cant take back|i can't undo|i cant undo|drastic|irreversible|stupid to myself) ",
            ("do", "doing"),
            "pnth",
        ),
        r(
            "end_it_desire",
            "suicidal_thoughts",
            ELEVATED_CONCERN,
            0.65,
            r"(?:want|wanna|wanted|wish|need|thinking about|think about|thought about|thinking of|considering|tempted|feel like|felt like|feeling like) (?:to )?(?:just )?(?:end it|end this|end things|end everything|end my pain|make it stop|make it all stop|not be here|ending it|ending things|ending everything|ending this)(?! (?:with|between|for|on|at|off|up|there|early|soon|now that) )",
            ("end", "make", "not", "ending"),
            "pntgh",
            ungated=WATCH,
            also=word_list(
                """feel felt feeling of want wanna wanted wish need thinking think thought considering tempted"""
            ),
        ),
        r(
            "means_have",
            "means_access",
            HIGH_RISK,
            0.75,
            rf"(?:have|has|got|i've got|ive got|own|keep|kept|there's|theres|access to|know where) (?:a |the |my |some |enough |plenty of |lots of |a lot of |a bunch of |a stash of |a bottle of |\d+ |my dad's |my dads |my mom's |my moms |my father's |my parents' |my parents |a loaded )?{MEANS}",
            word_list(
                """gun guns pistol handgun rifle firearm shotgun pills meds medication tablets sleeping painkillers
rope noose razor razors blade blades poison knife bottle"""
            ),
            "pntga",
            ungated=-1,
        ),
        # -- farewells
        r(
            "farewell_strong",
            "farewell",
            HIGH_RISK,
            0.85,
            r"(?:(?:goodbye|bye|farewell) (?:forever|for good|cruel world|for the last time|for ever)|this is (?:my )?(?:goodbye|farewell|the end for me|my last (?:message|post|text|goodbye|day|night|words))(?! (?:before|for|until|till|of the|at|on|in|here|today|tonight|this))|(?:this will be|this is|these are|this'll be|these will be) my (?:last|final) (?:message|post|text|words|goodbye|note|day|night)(?! (?:before|for|until|till|of the|at|on|in|here|today|tonight|this))|by the time (?:you|anyone|someone|they|u) (?:read|reads|see|sees|find|finds|get|gets) this|(?:i )?(?:won't|wont|will not) (?:be alive|wake up|see the morning|see the sunrise|see another day|make it to morning|make it through the night) (?:tomorrow|in the morning|much longer|for long|by morning|after tonight|past tonight|anymore)?|(?:i'll|ill|i will) be (?:dead|gone) (?:by|before) (?:tomorrow|morning|tonight|then|the time)) ",
            word_list("goodbye bye farewell last final time alive wake sunrise another dead gone end"),
            "Nta",
        ),
        r(
            "farewell_weak",
            "farewell",
            HIGH_RISK,
            0.6,
            r"(?:(?:goodbye|bye|farewell) (?:everyone|everybody|all|guys|y'all|yall|friends|world|you all)(?! (?:, )?(?:i'm off|im off|off to|see you|see ya|back (?:on|in|soon)|talk (?:soon|tomorrow|later)|until|till|for now|have fun|for (?:the|a|two|three|one|now|tonight|today|the weekend))|(?:[^ ]+ ){0,3}(?:see you|back on|back in|for now|talk soon|talk tomorrow|have a good))|(?:tell|please tell) (?:my )?(?:family|mom|mum|dad|parents|kids|wife|husband|sister|brother|everyone|them) (?:that )?i (?:love|loved|am sorry|'m sorry|m sorry|was sorry)|(?:take|please take) care of my (?:cat|dog|kids|children|pets|family|mom|mum|dad|plants|sister|brother) (?:for me|when i'm gone|when im gone|after i'm gone|after im gone)|(?:i'm|im|i am) sorry for everything(?! (?:i|that|you|we|he|she|they|yesterday|earlier|last|today|this|about) )|(?:you'll|youll|you will|you won't|you wont|won't|wont|will not|never) (?:never )?(?:hear from|see|talk to) me again|(?:it's|its) been (?:nice|good|real|a pleasure) knowing (?:you|y'all|everyone)|see you (?:on the other side|in another life|in the next life)|(?:look after|take care of|feed|care for) my (?:cat|dog|kids|children|pets|family|plants|mum|mom) (?:when|after|once) (?:i'm|im|i am) gone|when (?:i'm|im|i am) gone ,? (?:please )?(?:look after|take care of|tell|give|feed)|(?:won't|wont|will not|not going to|not gonna) need (?:them|it|these|those|my things|my stuff|anything|any of it|any of this)(?: anymore| any more| where i'm going| where im going| after (?:tonight|this|today))?(?= [.!?,;] | $)|(?:not going to|not gonna|am not going to) be (?:here|around|alive) (?:much longer|for long|anymore|any more|after tonight|tomorrow)|(?:i )?(?:won't|wont|will not) be (?:here|around) (?:tomorrow|much longer|for long|anymore|any more|after tonight)) ",
            word_list(
                """goodbye bye farewell tell care sorry again knowing side life here around alive gone need"""
            ),
            "Ntga",
            ungated=WATCH,
        ),
    ]
