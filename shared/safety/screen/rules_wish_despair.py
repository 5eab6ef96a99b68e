"""Rules for suicide words, the wish to be dead or not to live, and despair (hopelessness, being a burden,
worthlessness). A first-person wish to be dead or not to be alive (C-SSRS question 1, passive suicidal
ideation) is ELEVATED_CONCERN on its own (`_PASSIVE_WISH`, the published referral protocol in
docs/safety.md); the qualifiers still lower it (someone else's wish, past and recovered, hedged, joking,
quoted). Thoughts about death, "what's the point", despair are WATCH on their own; the decision raises them
when they pile up or meet a method.
"""

from __future__ import annotations

from shared.safety.screen.common import ELEVATED_CONCERN, WATCH
from shared.safety.screen.rule_parts import DIE_NEEDS, Rule
from shared.safety.screen.wordlists import word_list

_PASSIVE_WISH = ELEVATED_CONCERN
"""Level of a first-person wish to be dead or not to be alive (C-SSRS question 1): a referral (kind `crisis`)."""
# Who would be better off (`better_gone`): "everyone would be better off if I was gone".
_OTHERS = (
    r"(?:everyone|everybody|them|you|all of them|all of you|my family|my friends|the people i love|people) "
)


def rules() -> list[Rule]:
    r = Rule
    return [
        # -- wish to be dead, life not worth living
        r(
            "die_desire",
            "wish_dead",
            _PASSIVE_WISH,
            0.75,
            r"(?:want|wanted|wanting|wants|wanna|wana|wish|wished|wishing|need|long|longing|yearn|yearning|ready|pray|praying|prayed|hope|hoping|deserve|deserved|rather|prefer|urge|urges|desire|desires) (?:[^ ]+ ){0,2}(?:to |too )?(?P<t>die|be dead|die already|not exist|stop existing|cease to exist|not be alive|be gone|disappear forever|disappear for good|vanish forever|sleep forever|sleep and never wake up|never wake up|not wake up|stop living|not live|not be here|not be around|rot|just die|fall asleep and never wake up|go to sleep and never wake up|fall asleep forever|go to sleep forever|sleep and not wake up|fall asleep and not wake up|disappear(?! (?:for|to|into|on|with|from|until|till|off|and go|and travel|somewhere|abroad|to a|into the)))(?= )",
            DIE_NEEDS,
            "pnth",
            group="wish",
            also=word_list(
                """want wanted wanting wants wanna wana wish wished wishing need long longing yearn yearning ready pray
praying prayed hope hoping deserve deserved rather prefer urge urges desire desires"""
            ),
        ),
        r(
            "own_funeral",
            "wish_dead",
            WATCH,
            0.6,
            r"(?:imagining|imagine|imagined|picture|picturing|thinking about|think about|thought about|planning|plan) (?:my|my own) (?:funeral|death|grave|obituary) |(?:nobody|no one|noone) (?:would|will) (?:come|show up|turn up|go) to my funeral ",
            ("funeral", "death", "grave", "obituary"),
            "nth",
            group="wish",
        ),
        r(
            "ambivalent_but",
            "suicidal_thoughts",
            ELEVATED_CONCERN,
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
            ELEVATED_CONCERN,
            0.7,
            r"(?:died|dead|passed|passed away|killed himself|killed herself|killed themselves|suicide|heaven|grave|death|lost) (?:[^ ]+ ){0,14}(?P<t>want to|wanna|should|could|going to|think i should|thinking i should|thinking of|thinking about|wish i could|need to|ready to|just want to|long to) (?:just )?(?:join|be with|go be with|follow) (?:him|her|them|my (?:mom|mum|dad|brother|sister|friend|grandma|grandpa|son|daughter|husband|wife|partner|boyfriend|girlfriend|baby)) ",
            ("join", "follow", "with"),
            "pnth",
            also=("died", "dead", "passed", "killed", "suicide", "heaven", "grave", "death", "lost"),
        ),
        r(
            "think_dying",
            "wish_dead",
            WATCH,
            0.6,
            r"(?:think|thinking|thought|dream|dreaming|fantasize|fantasizing|fantasise) (?:a lot |often |constantly |sometimes |all the time )?about (?:dying|death|being dead|not existing|not being here|my death|my own death|not waking up) |(?:want to|wanna|wish i could|just want to) (?:go )?be with (?:my |our )?(?:[^ ]+ )?in heaven |(?:can't|cant|cannot) be bothered (?:to live|living|to stay alive|to exist|staying alive) |(?:want|wish|wanting) (?:it all|everything|this all) to (?:stop|go away) ",
            ("dying", "death", "dead", "existing", "here", "waking", "heaven", "bothered", "stop", "away"),
            "pNth",
            group="wish",
        ),
        r(
            "wish_death",
            "wish_dead",
            _PASSIVE_WISH,
            0.75,
            r"(?:want|wish|wishing|pray|praying|long|longing|beg|begging|welcome|embrace|crave|craving|hoping|hope) (?:for )?(?:death|my death|the end|it all to end|it to be over|it all to be over|everything to end|everything to be over|my life to end|my life to be over|for it all to end|to not exist) ",
            ("death", "end", "over"),
            "pnth",
            group="wish",
            also=word_list(
                """want wish wishing pray praying long longing beg begging welcome embrace crave craving hoping hope"""
            ),
        ),
        r(
            "wish_self",
            "wish_dead",
            _PASSIVE_WISH,
            0.85,
            r"(?:wish|wishes|wished|wishing) (?P<o>i|i'd|id|she|he|they|she'd|he'd|they'd|you|you'd) (?:was|were|wasn't|wasnt|weren't|werent|had|hadn't|hadnt|could|would|wouldn't|wouldnt|didn't|didnt|never|just|would just|could just|had never|was never|were never|'d never|d never|was not|were not|did not|had not) (?:[^ ]+ ){0,3}(?:dead|die|died|born|exist|existed|existing|wake up|woke up|gone|disappear|vanish|alive) (?!(?:to|into|for|on|with|from|at|in) )",
            ("wish", "wishes", "wished", "wishing"),
            "Nth",
            group="wish",
        ),
        r(
            "dont_live",
            "wish_dead",
            _PASSIVE_WISH,
            0.8,
            r"(?:don't|dont|do not|doesn't|doesnt|does not|didn't|didnt|did not|never|no longer|not|can't|cant|cannot|no) (?:really |even |honestly |actually |ever |just |wanna |want to |feel like |see the point in |see a point in |see any point in |see the point of |have the will to |have a reason to |have any reason to |deserve to |deserve )*(?:want to |wanna |wish to |feel like |care to )?(?:live|living|be alive|being alive|exist|existing|be here anymore|be here any more|be here any longer|be around anymore|be around right now|be here right now|be around any more|be around any longer|be on this earth|keep living|go on living|wake up|waking up|survive|be alive anymore|see tomorrow|wake up tomorrow)(?! (?:here|there|in|with|at|near|like that|next to|on my own|alone|without|for|a|the|this|that|up to) )",
            word_list("live living alive exist existing here around earth wake waking survive tomorrow"),
            "pNth",
            group="wish",
        ),
        r(
            "dont_care_live",
            "wish_dead",
            _PASSIVE_WISH,
            0.75,
            r"(?:don't|dont|do not) care (?:if|whether) i (?:die|live|wake up|make it|survive|get hit|drop dead) ",
            ("care",),
            "pNth",
            group="wish",
        ),
        r(
            "better_dead",
            "wish_dead",
            _PASSIVE_WISH,
            0.85,
            r"(?:better off|be better|happier|more peaceful|better) dead |(?:should|should've|shoulda|ought to) (?:have |of )?(?:died|been dead|be dead|not survived|not have survived|never have been born|never been born) |(?:shouldn't|shouldnt|should not) (?:have |of )?(?:survived|been born|woken up|made it) |(?:rather|sooner) (?:be dead|die|not exist|not be alive|not wake up|not be here) |(?:wouldn't|wouldnt|would not|won't|wont) mind (?:dying|being dead|not waking up|not existing|if i (?:just )?died|if i didn't wake up|if i didnt wake up|death|if i never woke up|if i (?:just )?(?:stopped|stop) (?:existing|breathing)|if (?:a |the )?(?:bus|car|truck|lorry|train) (?:hit|hits|ran over|runs over|killed|kills) me|if (?:a |the )?(?:bus|car|truck|lorry|train) (?:ran|runs|run|knocked|knocks) me (?:over|down)|if i (?:got|get|was|were) (?:hit by (?:a |the )?(?:bus|car|truck|lorry|train)|run over|killed)|if something (?:happened|happens) to me) |(?:can't|cant|cannot) wait (?:to die|for death|to be dead|until i die|till i die|til i die) |(?:looking forward to|long for|longing for|crave|craving) (?:death|dying|being dead|the day i die) |(?:hope|hoping|pray|praying) (?:that )?i (?:die|don't wake up|dont wake up|never wake up|won't wake up|wont wake up|get hit by|crash|don't make it|dont make it|get cancer|drop dead) ",
            word_list(
                """dead die died survived born woken made mind wait death dying hope hoping pray praying rather sooner"""
            ),
            "pNth",
            group="wish",
            also=word_list(
                """off better happier peaceful rather sooner should should've shoulda ought shouldn't shouldnt mind
wait forward long longing crave craving hope hoping pray praying"""
            ),
        ),
        r(
            "better_gone",
            "wish_dead",
            _PASSIVE_WISH,
            0.8,
            rf"(?:better|happier|easier) (?:off )?(?:for {_OTHERS}|without me )?if i (?:just |simply |only )?"
            r"(?:(?:was|were) (?:gone|dead|not alive|not here anymore|not around anymore)|"
            r"(?:wasn't|wasnt|weren't|werent|was not|were not) (?:alive|here anymore|here any more|here any longer|"
            r"around anymore|around any more|around any longer)|(?:didn't|didnt|did not) exist|"
            r"(?:had )?never (?:existed|been born)) ",
            word_list("gone dead alive anymore more longer exist existed born"),
            "Nth",
            group="wish",
            also=word_list("better happier easier"),
        ),
        r(
            "no_reason",
            "wish_dead",
            WATCH,
            0.7,
            r"(?:can't|cant|cannot|can not|don't|dont|do not|couldn't|couldnt) (?:see|find|think of|come up with|give) (?:any|a|one|the|a single) (?:single |good )?(?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|life|live|continuing|keep living|keep going|stay alive|be here|being here|carry on) ",
            ("point", "reason", "purpose"),
            "pNth",
            group="wish",
        ),
        r(
            "why_alive",
            "wish_dead",
            WATCH,
            0.7,
            r"(?:why (?:am|do|should|would|must) i (?:still )?(?:alive|even alive|be alive|exist|bother living|keep living|keep going|live|still here|go on|bother) |(?:what's|whats|what is) (?:even |really |honestly |actually )?the point (?:of|in) (?:living|life|being alive|existing|going on|me|my life|staying alive|my existence|anything anymore|it all) |(?:no|zero|any) (?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|me being here|live|to live|continuing|keep living|stay alive|me to live|my existence) |nothing (?:left )?to live for |(?:haven't|havent|have not|hasn't|hasnt|don't|dont|do not|didn't|didnt) (?:had |have |got |found )?(?:a |any |one )?(?:single )?reason to (?:be alive|live|stay alive|keep living|keep going|go on|exist) |(?:isn't|isnt|is not|wasn't|wasnt|ain't|aint|not) (?:any|a|much|really any) (?:point|reason|purpose) (?:in |to |of |for )?(?:living|being alive|existing|going on|staying alive|my life|life|live|continuing|keep living|any of this|it all|anything) |(?:no|nothing|nobody|no one|noone) (?:left )?(?:to|worth) live for |life (?:is|isn't|isnt|is not|ain't|aint|isn't even|just isn't) (?:not )?worth (?:living|it anymore|it any more) |(?:no|not any|don't have any|dont have any|lost my|lost the|losing my|losing the|have no|lost all) (?:will|reason|reasons|desire) to (?:live|keep living|go on|stay alive) |(?:tired|sick|exhausted|weary) of (?:living|being alive|life|existing|being here|breathing|waking up|this life|my life|existence) (?!(?:out of|in a|in this|in the|with|at|on|paycheck|near|next to|under|alone with|here|there|so far|in my) )|done with (?:life|living|being alive|existing|this life) )",
            word_list(
                """why point reason reasons purpose worth will desire tired sick exhausted weary done nothing nobody
noone live"""
            ),
            "pNth",
            group="wish",
        ),
        # -- hopelessness, burden, worthlessness
        r(
            "hopeless",
            "hopelessness",
            WATCH,
            0.6,
            r"(?:hopeless|hopelessness|no hope|lost (?:all )?hope|losing hope|lose hope|without hope|zero hope|no hope left|nothing to look forward to|no future|no way out|no escape|no light at the end|never going to get better|never gonna get better|(?:will|gonna|going to) never (?:get better|change|be okay|be ok|be happy|improve|end|stop|be normal)|(?:won't|wont|will not|isn't going to|isnt going to|never) (?:ever )?(?:get|gets|getting) (?:any )?better|nothing (?:will )?ever (?:changes|change|gets better|get better|works|helps)|(?:life|everything|living|existence|it all|my life|this) (?:is|feels|seems) (?:so |completely |totally |just |utterly )?(?:pointless|meaningless|hopeless|worthless)|(?:feel|feeling|felt|i'm|im|i am|so|completely|totally) (?:so |completely |totally )?trapped(?! in (?:traffic|an elevator|a lift|(?:the|that|this|a|an|my) (?:elevator|lift|snow|rain|car|bathroom|house|office|room|meeting|queue|line|train|bus|plane|traffic|jam)))) (?!(?:romantic|romantics|at|with|case|cook) )",
            word_list(
                """hopeless hopelessness hope nothing future way escape light never better pointless meaningless
worthless trapped change improve"""
            ),
            "pNth",
        ),
        r(
            "life_over",
            "hopelessness",
            WATCH,
            0.6,
            r"(?:my life is (?:basically |completely |pretty much |just )?over|(?:it's|its|it is) (?:all )?over for me) ",
            ("over",),
            "pNth",
            also=("life", "me"),
        ),
        r(
            "cant_go_on",
            "hopelessness",
            WATCH,
            0.65,
            r"(?:(?:don't|dont|do not|can't|cant|cannot|can not) see (?:a |any |the )?(?:way out|future|light|end to (?:this|it))|(?:don't|dont|do not|can't|cant|cannot) see the point(?: anymore| any more| in anything| of anything| in (?:living|life|trying|going on))?(?= [.!?] | $)|(?:can't|cant|cannot) (?:try|keep trying) (?:anymore|any more|any longer) )|(?:can't|cant|cannot|can not|couldn't|couldnt|unable to) (?:go on|keep going|keep living|take (?:it|this|much more|any more|anymore|it anymore|this anymore)|do this anymore|do this any more|do it anymore|do life|handle (?:it|this|life|anything) anymore|cope anymore|cope (?:with (?:it|this|life) )?any ?more|bear (?:it|this) anymore|live like this|keep doing this|carry on|hold on (?:any ?more|much longer)|survive this|fight (?:it|this|anymore|any more)|keep fighting) |(?:given|giving|give|gave) up on (?:life|living|everything|myself|me|hope) |(?:i'm|im|i am) (?:so |just |completely |totally |fucking |honestly )*done with (?:everything|it all|all of it|trying|fighting) (?!(?:for today|for tonight|today|at work|on my list) )|i (?:give|gave|have given|ve given|'ve given) up(?! (?:on )?(?:smoking|drinking|sugar|caffeine|coffee|alcohol|meat|carbs|gluten|dairy|social media|on (?:him|her|them|the|that|this)))",
            word_list(
                """can't cant cannot can couldn't couldnt unable given giving give gave up see try trying done"""
            ),
            "pNth",
        ),
        r(
            "burden",
            "burden",
            WATCH,
            0.75,
            r"(?:(?:i'm|im|i am|feel like|felt like|being|become|becoming|such|just|only|nothing but|be|been|am|was|i'd be|i would be) (?:a |such a |the |nothing but a |just a |an |a huge |a big |a massive |such a big )?(?:burden|burdens|waste of space|waste of air|waste of oxygen|waste of life) |(?:burden|burdensome) (?:to|on|for) (?:everyone|everybody|my|them|you|people|others|those|the people|all) |(?:better|happier|easier) (?:off )?(?:without me|if i (?:was|were|wasn't|wasnt|weren't|werent|was not|were not|wasn't here|died|disappeared|was gone|were gone|left|didn't exist|didnt exist|never existed)) |(?:nobody|no one|noone|no-one|not one person|not a single person|not a soul) (?:would|will|'d|d|is going to|gonna) (?:even )?(?:miss me|care|notice|cry|mourn|come to my funeral) |(?:nobody|no one|noone) (?:cares|cared|would care) (?:if|whether) i (?:live|lived|die|died|was gone|disappeared|killed|exist|existed) |(?:everyone|everybody|they|people|my family|the world|their lives) (?:would|'d|will|would all) (?:be )?(?:better|happier) (?:off )?(?:without me|if i) )(?!of proof )",
            word_list(
                """burden burdens burdensome waste better happier easier miss care cares cared notice cry mourn funeral"""
            ),
            "Nth",
        ),
        r(
            "worthless",
            "worthlessness",
            WATCH,
            0.55,
            r"(?:(?:i'm|im|i am|feel|feeling|felt|i'm so|im so|so|completely|totally|utterly) (?:so |completely |totally |utterly |such a |a )?(?:worthless|useless piece of shit|failure at (?:life|everything)|failure of a (?:person|human|human being|son|daughter|man|woman)|failure as a (?:person|human|human being|son|daughter|man|woman|mother|father|parent)|complete failure|total failure|waste of space|piece of shit|disgrace|disappointment to everyone)|(?:i )?(?:hate|loathe|despise) (?:myself|my self|my life|being alive|who i am|everything about me|my existence)|self-loathing|self loathing|self-hatred|self hatred) ",
            word_list(
                """worthless useless failure waste piece disgrace disappointment hate loathe despise self-loathing self
self-hatred"""
            ),
            "pnt",
        ),
    ]
