"""Figurative idioms: a risk hit that overlaps one of these ("this traffic is killing me", "dying to see
it") never becomes a mention. `IDIOM_NEEDS` are the risk-adjacent words an idiom can contain; a message
without any of them skips the idioms entirely.
"""

from __future__ import annotations

from shared.safety.screen.wordlists import word_list

IDIOMS = (
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
    r"(?:cut|cutting|burned|burnt|burn|scratched|nicked|hurt|injured|bruised) (?:myself|my (?:finger|thumb|hand|knee|leg|arm|foot|toe|lip|face|chin|back|ankle)) (?!(?:[^ ]+ )*(?:on purpose|deliberately|intentionally|purposely|to feel|to punish) )(?:(?:again|yesterday|today|twice) )?(?:shaving|cooking|chopping|slicing|while|on|with a|with the|with my|at the|at work|at the gym|playing|running|lifting|by accident|accidentally|opening|making|baking|ironing|gardening|skiing|skating|climbing|falling|in the kitchen|doing|this morning on|pretty bad on|badly on|again on)",
    r"(?:cut|cutting|cuts) (?:the cake|my hair|his hair|her hair|your hair|class|classes|school|ties|corners|carbs|sugar|back|down|it out|it close|loose|costs|me off|him off|her off|them off|the grass|the lawn|onions|vegetables|veggies|the line|in line|the crap|to the chase)",
    r"(?:suicide|suicidal) (?:squad|doors?|sprints?|runs?|drills?|mission|missions|king|blonde|bomber|bombers|bombing|bombings|pact song|squeeze|forest|boys|girls|silence|bunny|bunnies|prevention|awareness|rates?|statistics|stats|hotline|hotlines|lifeline|helpline|research|risk assessment|training|squirrel|squirrels|deer|bird|birds|pigeon|pigeons|drivers?|cyclists?|pedestrians?|pace|move|tendencies of my) ",
    r"(?:career|social|political|commercial|financial|electoral|brand|fashion|professional|academic|ego|cell|cellular|mission) suicide ",
    r"(?:squirrel|squirrels|deer|bird|birds|pigeon|pigeons|driver|drivers|cyclist|cyclists|cat|cats|dog|dogs|fly|moth|bug|bugs|pedestrian|pedestrians|lemming|lemmings|battery|phone) (?:is|are|was|were|seems|seem|looks|look|must be|being) (?:so |literally |actually |kinda |totally |clearly )?suicidal ",
    # effort in sport: "I wanted to die around km 24", "I want to die on the last lap"
    r"(?:wanted|want|wanna|was ready) to die (?:at|around|by|on|after|halfway through|during|in) (?:km|k|mile|miles|lap|"
    r"rep|reps|set|round|the (?:last|final|first|second|third|fourth|fifth|hill|hills|climb|finish|sprint|intervals?|burpees|"
    r"squats|workout|warm-up|warm up|mile|lap|set|round|km|kilometre|kilometer)) ",
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
IDIOM_NEEDS = frozenset(
    word_list(
        """killing kills killed kill killin dying died die dead deadly dyin deceased ded crying shoot shot shooting shots
    shoot! hang hanging hung hangs hangover hungover hangry hang cliffhanger hanger hangers jump jumped jumping cut
    cutting burned burnt burn scratched nicked hurt injured bruised cuts suicide suicidal death rather sooner hope
    murder destroy demolish devour inhale end ending ended drop dropped overdose overdosed od od'd oding tie tied tying
    slit slitting bleed bleeding killer killers painkiller overkill roadkill killjoy killswitch deadline deadlines
    deadlift deadlifts deadpool dice smashed nailed crushed slayed murdered strangle choke wanted want wanna"""
    )
)
