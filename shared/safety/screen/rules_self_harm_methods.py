"""Rules for self-harm (acts, urges, tools, relapse, fresh wounds) and for suicide methods named or already
used. Self-harm shares the `sh` group so that one act yields one mention.
"""

from __future__ import annotations

from shared.safety.screen.common import ELEVATED_CONCERN, HIGH_RISK, SAFETY_MODE
from shared.safety.screen.rule_parts import (
    CUT_BARE,
    G1,
    G2,
    PILLS,
    POSS,
    SELF,
    SH_ACT,
    SH_ACT_VERB,
    SH_NEEDS,
    SH_WEAK_NEEDS,
    SH_WEAK_VERB,
    SH_WORD,
    Rule,
)
from shared.safety.screen.wordlists import word_list


def rules() -> list[Rule]:
    r = Rule
    return [
        # -- self-harm
        r(
            "sh_about",
            "self_harm",
            SAFETY_MODE,
            0.85,
            rf"(?:about to|bout to|abt to) {G1}(?:{SH_ACT}|cut |burn myself )",
            SH_NEEDS + SH_WEAK_NEEDS,
            "pnh",
            group="sh",
            also=("about", "bout", "abt"),
        ),
        r(
            "sh_desire",
            "self_harm",
            ELEVATED_CONCERN,
            0.8,
            rf"(?:want|wanna|wanted|wanting|urge|urges|tempted|temptation|itching|need|needing|needed|craving|crave|cravings|thinking|thought|thoughts|think|considering|feel like|felt like|scared i'll|afraid i'll|scared i will|afraid i will|close to|might|could|resist|resisting|fighting) (?:to |of |about |the urge to )?{G2}(?:{SH_ACT}|{SH_WEAK_VERB}{SELF}|cut |cutting )",
            SH_NEEDS + SH_WEAK_NEEDS,
            "pnth",
            group="sh",
            also=word_list(
                """want wanna wanted wanting urge urges tempted temptation itching need needing needed craving crave
cravings thinking thought thoughts think considering feel felt scared afraid close might could
resist resisting fighting"""
            ),
        ),
        r(
            "sh_intent",
            "self_harm",
            HIGH_RISK,
            0.8,
            rf"(?:going to|gonna|will|i'll|ill|decided to) {G2}(?:{SH_ACT}|{SH_WEAK_VERB}{SELF}|cut again )",
            SH_NEEDS + SH_WEAK_NEEDS,
            "pntha",
            group="sh",
            also=("going", "gonna", "will", "i'll", "ill", "decided"),
        ),
        r(
            "sh_tool",
            "self_harm",
            HIGH_RISK,
            0.75,
            r"(?:took|take|taking|put|putting|used|use|using|ran|run|dragged|drag) (?:a |the |my |some )?(?:razor|blade|knife|scissors|lighter|glass|compass|pencil sharpener blade) (?:to|on|across|over|against) (?P<o>my|his|her|their|your) (?:arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach|body|hip|hips) ",
            ("razor", "blade", "knife", "scissors", "lighter", "glass", "compass"),
            "pnth",
            group="sh",
        ),
        r(
            "sh_seek",
            "self_harm",
            HIGH_RISK,
            0.75,
            r"(?:looked|looking|look|searched|searching|search|went looking|hunting) for (?:something|anything|a way|ways|a blade|a razor|a knife|glass) (?:sharp )?(?:to|i could use to|i can use to|to use to) (?:hurt|cut|harm|burn|kill) (?:myself|my self) ",
            ("looked", "looking", "look", "searched", "searching", "search", "hunting"),
            "pnth",
            group="sh",
        ),
        r("sh_act", "self_harm", HIGH_RISK, 0.8, SH_ACT_VERB, SH_NEEDS, "pnth", group="sh"),
        r("sh_word", "self_harm", HIGH_RISK, 0.7, SH_WORD, SH_NEEDS, "Pnth", group="sh"),
        r("sh_cut_bare", "self_harm", HIGH_RISK, 0.7, CUT_BARE, ("cutting", "cut"), "pnth", group="sh"),
        r(
            "sh_cut_time",
            "self_harm",
            HIGH_RISK,
            0.7,
            r"(?:i|i've|ive|and|then|so) (?:just )?(?:cut|burned|burnt) (?:again|last night|yesterday|today|tonight|this morning|deep|deeper|really deep|too deep|for the first time|myself again)(?= )",
            ("cut", "burned", "burnt"),
            "pnth",
            group="sh",
        ),
        r(
            "sh_weak",
            "self_harm",
            HIGH_RISK,
            0.75,
            rf"(?:{SH_WEAK_VERB}{SELF}(?:on purpose|deliberately|intentionally|purposely|to punish|to feel|so i could feel|so i can feel|again|every day|every night|when i|whenever i)|(?:been|keep|kept|started) {SH_WEAK_VERB}{SELF})",
            SH_WEAK_NEEDS,
            "pnth",
            group="sh",
        ),
        r(
            "sh_relapse",
            "self_harm",
            HIGH_RISK,
            0.75,
            r"(?:relapsed|relapse|relapsing)(?: (?:on |with |into |back into )?(?:self-harm|self harm|sh|cutting|self-harming))? ",
            ("relapsed", "relapse", "relapsing"),
            "pntg",
            ungated=-1,
        ),
        r(
            "sh_marks",
            "self_harm",
            HIGH_RISK,
            0.7,
            r"(?:fresh|new|deep|bleeding|open) (?:cuts|cut|wounds|scars|burns) (?!(?:from|on my (?:hands?|fingers?) from) )",
            ("cuts", "cut", "wounds", "scars", "burns"),
            "pntg",
            ungated=ELEVATED_CONCERN,
        ),
        # -- methods
        r(
            "method_act",
            "method_mention",
            HIGH_RISK,
            0.85,
            rf"(?:(?:hang|hanging|hung|hanged|shoot|shooting|shot|drown|drowning|drowned|poison|poisoning|poisoned|suffocate|suffocating|electrocute|electrocuting|gas|gassing|stab|stabbing|stabbed|strangle|strangling|choke|choking|choked|throw|throwing|threw|set fire to|burn) {SELF}|(?:slit|slitting|slice|slicing|cut|cutting|open|opening|slash|slashing) {POSS}(?:wrists?|throat|veins?|arteries|artery) |blow {POSS}(?:brains|head) (?:out|off) |(?:bullet|gun|pistol|barrel|shotgun) (?:in|to|into|through|against) {POSS}(?:head|brain|mouth|temple|chest|skull) |(?:jump|jumping|leap|leaping|throw myself|dive|diving) (?:off|from|in front of|infront of|under|onto|into|out of) (?:a |the |this |that |my |our |some |an )?(?:[^ ]+ )?(?:bridge|building|roof|rooftop|cliff|balcony|window|ledge|train|trains|bus|truck|traffic|car|cars|tracks|overpass|tower|skyscraper|parking garage|subway|highway|motorway|freeway|river|lake|ocean|sea) |(?:drive|driving|crash|crashing|swerve|swerving|steer|steering) (?:my car |the car |my truck |myself )?(?:off|into|in front of) (?:a |the |an )?(?:bridge|cliff|tree|wall|traffic|oncoming|river|lake|truck|pole) |(?:take|taking|swallow|swallowing|down|downing) (?:all|every one|the whole bottle|a whole bottle|the rest|a bottle|a bunch|a handful|handfuls|lots|loads|tons|too many|way too many|enough|\d+|twenty|thirty|forty|fifty|hundred|dozens) (?:of )?(?:my |the |those |these |her |his |some )?{PILLS}|(?:overdose|overdosing|od|oding|od'ing) (?:on )?(?!(?:sugar|caffeine|coffee|candy|chocolate|netflix|cuteness|tiktok|anime|carbs|pizza|love|nostalgia|memes|vitamins?|sunshine|cheese|cookies|cake|christmas|content|screen time|social media|games) )|(?:carbon monoxide|car exhaust|exit bag|charcoal burning|noose|nooses) )",
            word_list(
                """choke choking choked hang hanging hung hanged shoot shooting shot drown drowning drowned poison
poisoning poisoned suffocate suffocating electrocute electrocuting gas gassing stab stabbing stabbed
strangle strangling throw throwing threw burn set slit slitting slice slicing cut cutting open
opening slash slashing blow bullet gun pistol barrel shotgun jump jumping leap leaping dive diving
drive driving crash crashing swerve swerving steer steering take taking swallow swallowing down
downing overdose overdosing od oding od'ing carbon exhaust exit charcoal noose nooses"""
            ),
            "Pntha",
            group="method",
        ),
        r(
            "method_done",
            "past_attempt",
            HIGH_RISK,
            0.85,
            rf"(?:(?:drank|drunk|swallowed|ingested|took|drinking|drink) (?:a |the |some |half a |a whole )?(?:bottle of |cup of |glass of |can of )?(?:bleach|antifreeze|poison|rat poison|weed killer|drain cleaner|detergent|pesticide) |overdosed|od'd|odd|oded|(?:took|taken|taking|had) (?:an |a )?(?:pill |drug |paracetamol |tylenol |deliberate |intentional )?overdose|(?:took|taken|downed|swallowed|drank|chugged) (?:all|the whole bottle|a whole bottle|a bottle|a bunch|a handful|handfuls|too many|way too many|\d+|twenty|thirty|forty|fifty|a hundred) (?:of )?(?:my |the |those |these |some )?{PILLS}|swallowed (?:all|the whole bottle|a whole bottle|a bottle|a bunch|a handful|too many|way too many|\d+) (?:of )?(?:my |the |those |these |some )?{PILLS}|(?:slit|cut) {POSS}(?:wrists?|throat) |(?:hung|hanged) {SELF}|jumped (?:off|from|in front of) (?:a |the |this |that )?(?:[^ ]+ )?(?:bridge|building|roof|cliff|balcony|window|train|bus|truck|traffic|car) )(?!(?:on )?(?:sugar|caffeine|coffee|candy|chocolate|netflix|cuteness) )",
            word_list(
                """overdosed od'd odd oded overdose bleach antifreeze poison detergent pesticide killer cleaner wrists
wrist throat myself himself herself themselves yourself bridge building roof cliff balcony window
train bus truck traffic car pills meds medication medications medicine tablets painkillers
antidepressants tylenol paracetamol acetaminophen ibuprofen aspirin xanax benzos insulin oxy opioids
prescription pill"""
            ),
            "Pnt",
            group="method",
        ),
        r(
            "method_research",
            "preparation",
            HIGH_RISK,
            0.8,
            r"(?:googled|googling|google|researched|researching|research|searched|searching|search|looked up|looking up|look up|reading about|read about|read up on|watched videos|studying|studied|looked into|looking into) (?:[^ ]+ ){0,5}(?:kill myself|killing myself|to die|painless|painlessly|lethal|fatal|overdose|suicide|noose|bleed out|end my life|od on|hang myself|how many pills|how much it takes) ",
            word_list(
                """googled googling google researched researching research searched searching search looked looking
look reading read watched studying studied"""
            ),
            "pnt",
        ),
    ]
