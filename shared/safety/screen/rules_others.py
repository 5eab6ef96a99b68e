"""Rules for harm to others and for threats made against the user (`threatened`): both are risks the screen
reports, but neither is the user's own suicide risk.
"""

from __future__ import annotations

from shared.safety.screen.rule_parts import _HARM_VERB, _PERSON_TARGET, _Rule
from shared.safety.screen.signals import _E, _H, _W
from shared.safety.screen.wordlists import _words


def rules() -> list[_Rule]:
    r = _Rule
    return [
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
            _words(
                """kill killing hurt hurting stab stabbing shoot shooting strangle strangling murder murdering beat
beating poison poisoning attack attacking choke choking harm harming torture torturing run slaughter"""
            ),
            "pnha",
            also=_words(
                """want wanna wanted going gonna plan planning planned thinking thought think fantasize fantasizing
fantasise fantasising dream urge urges feel will i'll ill might ready need needed tempted
considering imagine imagining thoughts about"""
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
            _words(
                """said says told tells swore swears threatened threatens threatening threaten tried hits beats chokes
choked strangled hit beat"""
            ),
            "n",
            also=_words("kill hurt beat stab shoot strangle choke hits beats chokes choked strangled hit"),
        ),
    ]
