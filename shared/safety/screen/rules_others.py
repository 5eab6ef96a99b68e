"""Rules for harm to others and for threats made against the user (`threatened`): both are risks the screen
reports, but neither is the user's own suicide risk.
"""

from __future__ import annotations

from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, WATCH
from shared.safety.screen.rule_parts import HARM_VERB, PERSON_TARGET, Rule
from shared.safety.screen.wordlists import word_list


def rules() -> list[Rule]:
    r = Rule
    return [
        # -- harm to others; threats against the user
        r(
            "hto_school",
            "harm_to_others",
            HIGH_RISK,
            0.9,
            r"(?:(?:shoot|shooting|shot|blow|blowing|bomb|bombing) up (?:the |my |a |this |that |our )?(?:school|office|work|workplace|class|church|mall|campus|building|store|party)|(?:bring|bringing|take|taking) (?:a |my |the |dad's |my dad's )?(?:gun|guns|knife|rifle|weapon|bomb) (?:to|into) (?:school|work|class|the office|campus|church)) ",
            ("up", "bring", "bringing", "take", "taking"),
            "pna",
        ),
        r(
            "hto_desire",
            "harm_to_others",
            ELEVATED_CONCERN,
            0.7,
            rf"(?:want|wanna|wanted|going|gonna|plan|planning|planned|thinking about|thought about|think about|fantasize|fantasizing|fantasise|fantasising|dream of|dream about|urge|urges|feel like|will|i'll|ill|might|ready|need|needed|tempted|considering|imagine|imagining|thoughts of|about) (?:to |about |of |on )?(?:really |just |actually |literally |seriously |finally )?{HARM_VERB}{PERSON_TARGET}",
            word_list(
                """kill killing hurt hurting stab stabbing shoot shooting strangle strangling murder murdering beat
beating poison poisoning attack attacking choke choking harm harming torture torturing run slaughter"""
            ),
            "pnha",
            also=word_list(
                """want wanna wanted going gonna plan planning planned thinking thought think fantasize fantasizing
fantasise fantasising dream urge urges feel will i'll ill might ready need needed tempted
considering imagine imagining thoughts about"""
            ),
        ),
        r(
            "hto_could",
            "harm_to_others",
            WATCH,
            0.4,
            rf"could (?:literally |just |actually )?{HARM_VERB}{PERSON_TARGET}",
            ("could",),
            "pnh",
        ),
        r(
            "threatened",
            "threatened",
            WATCH,
            0.7,
            r"(?:threatened|threatens|threatening|threaten|tried) to (?:kill|hurt|beat|stab|shoot|strangle|choke) me |(?:said|says|told me|tells me|swore|swears) (?:that )?(?:he|she|they)(?:'d|'ll| would| will| is going to| was going to) (?:kill|hurt|beat|stab|shoot|strangle) me |(?:he|she|they) (?:hits|beats|chokes|choked|strangled|hit|beat) me ",
            word_list(
                """said says told tells swore swears threatened threatens threatening threaten tried hits beats chokes
choked strangled hit beat"""
            ),
            "n",
            also=word_list("kill hurt beat stab shoot strangle choke hits beats chokes choked strangled hit"),
        ),
    ]
