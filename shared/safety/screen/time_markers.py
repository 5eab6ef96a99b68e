"""Time and tone markers, as regex sources (compiled on first use in `compiled`): a time-now cue ("tonight",
"in an hour") makes an action cue imminent; distant past ("years ago") and recency ("last night") qualify
attempts and self-harm; a recovery statement ("I'm okay now") makes old risk `past_recovered`; hyperbole
("if I have to sit through one more...") caps a cue at WATCH.
"""

from __future__ import annotations

TIME_NOW_RE = (
    r"(?:tonight|tonite|right now|rn|today|this evening|this afternoon|this morning|"
    r"in (?:an|a|one|a few|few|\d+|ten|five|fifteen|twenty|thirty) (?:minutes|minute|mins|min|hours|hour|seconds|secs)|"
    r"after (?:this|i post this|i send this|i finish this|everyone is asleep|everyone's asleep|everyone goes to bed)|"
    r"before (?:morning|sunrise|dawn|the sun comes up)|when everyone(?:'s| is) asleep|now) "
)
PAST_RE = (
    r"(?:used to|use to|when i was|as a (?:kid|child|teen|teenager)|years ago|yrs ago|months ago|"
    r"(?:\d+|a few|few|several|many|couple|a couple of|two|three|four|five|ten) (?:years|yrs|months) ago|"
    r"in (?:high school|middle school|highschool|college|uni|university|my teens|my twenties|my early|my late|the past|\d{4})|"
    r"back (?:then|in)|a long time ago|long ago|last year|in the past|when i was younger|at (?:age )?(?:\d+|thirteen|fourteen|fifteen|sixteen)|"
    r"previously|once before|was once) "
)
RECENT_RE = (
    r"(?:last night|yesterday|today|tonight|this morning|this afternoon|this evening|earlier|just|already|"
    r"a (?:few|couple of?) (?:days|hours|minutes) ago|(?:\d+|two|three|few|couple|an|one|a) (?:days|day|hours|hour|minutes|minute|mins|min) ago|earlier today|"
    r"last week|this week|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|again|relapsed|still|"
    r"right now|recently|lately|been|keep|keeps|kept|currently|every day|everyday|every night|daily|worse than ever|getting worse|coming back|came back|back again|returned) "
)
RECOVERED_RE = (
    r"(?:(?:i'm|im|i am|doing|feel|feeling) (?:much |so much |a lot |way )?(?:okay|ok|fine|better|good|well|great|safe|happy|healthy|alright|stable|clean) (?:now|these days|today|nowadays)|"
    r"(?:i'm|im|i am) (?:in a (?:better|good|much better) place|doing (?:better|well|okay|ok|good)|recovered|in recovery|clean|past that|over it|glad i'm still here|glad im still here)|"
    r"(?:\d+|a few|few|two|three|four|five|six|many|several) (?:years|months|weeks|days) clean|(?:been |stayed |i'm |im )?clean (?:for|since)|"
    r"(?:haven't|havent|have not|hasn't|hasnt) (?:self-harmed|self harmed|cut|hurt myself|tried|attempted|felt (?:like )?that|felt that way|done it|relapsed) (?:in|for|since)|"
    r"(?:recovered|recovery|got help|got better|got through it|made it through|pulled through)|"
    r"(?:it|things|life) (?:got|gets|has gotten|have gotten) better|"
    r"glad (?:i'm|im|i am|i'm still|im still) (?:here|alive)|(?:no longer|not anymore|don't feel that way anymore|dont feel that way anymore)|"
    r"(?:those|these) (?:days|thoughts) are (?:over|behind me|gone)) "
)

# Hyperbole and joking frames.
HYPERBOLE_RE = r"(?:if (?:i|we|you) (?:have to|gotta|got to|need to|must|hear|see|watch|sit through|listen to|read|eat|do|get|spend) (?:[^ ]+ ){0,8}(?:again|one more|another|more|twice)|if (?:he|she|they|my \w+|this|that|it) (?:[^ ]+ ){0,8}(?:again|one more|another|twice)|(?:just )?(?:kidding|joking)(?! about))"
