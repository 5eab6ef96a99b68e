"""Text material for the generated recall benchmark: topics, facts a person states once, lines that share a
topic's vocabulary without stating anything askable (distractors), small talk and assistant replies.

Questions are written as a person would ask them weeks later: paraphrased (`para`, checked by the
generator to share no content word with the statement), by a rare word (`rare`, a name or title from the
statement), about when (`when`), or about a preference (`pref`). `{slot}` values are drawn per person.
"""

from __future__ import annotations

POOLS: dict[str, list[str]] = {
    "name": ["Marisol", "Tobias", "Ingrid", "Kwame", "Priya", "Dmitri", "Soraya", "Lucian", "Annika", "Teodor",
             "Yusuf", "Celeste", "Oskar", "Mireille", "Rafael", "Esther", "Bram", "Noemi", "Casimir", "Wren"],
    "pet": ["Pixel", "Biscuit", "Juniper", "Mochi", "Pepper", "Ziggy", "Clementine", "Bruno", "Tofu", "Waffles"],
    "city": ["Lisbon", "Porto", "Ljubljana", "Tallinn", "Valencia", "Krakow", "Bergen", "Trieste", "Ghent",
             "Seville", "Bologna", "Galway"],
    "company": ["Brightwell", "Northvane", "Quillfield", "Tessaract Labs", "Orchardline", "Halcyon Freight"],
    "book": ["The Salt Orchard", "Glass Lanterns", "A Map of Small Rivers", "The Quiet Engine",
             "Harbour of Moths", "Winter Ledger"],
    "cuisine": ["Ethiopian", "Georgian", "Sichuan", "Peruvian", "Lebanese", "Oaxacan"],
    "dish": ["khachapuri", "injera", "ceviche", "mapo tofu", "shakshuka", "tamales"],
    "instrument": ["cello", "ukulele", "banjo", "accordion", "harmonica", "mandolin"],
    "artist": ["Velvet Causeway", "Nadia Orrin", "The Lowland Choir", "Kit Ambrose", "Hollow Pines"],
    "plant": ["monstera", "fiddle-leaf fig", "bonsai juniper", "string of pearls", "calathea"],
    "allergen": ["sesame", "shellfish", "walnuts", "kiwi", "mustard"],
    "weekday": ["Tuesday", "Wednesday", "Thursday"],
    "km": ["18", "21", "24", "27", "30"],
    "minutes": ["1:52", "1:58", "2:04", "2:11"],
}  # fmt: skip

FACTS: dict[str, list[dict[str, object]]] = {
    "work": [
        {"says": ["My new boss started on Monday, her name is {name} and she already moved all our deadlines."],
         "q": [("para", "Who took over as the person I report to?"), ("rare", "What do you remember about {name}?")]},
        {"says": ["I had the interview at {company} today, the panel grilled me about budgets for an hour."],
         "q": [("para", "Which firm was I trying to get hired by?"), ("when", "When did I have that job interview?"),
               ("rare", "How did things go with {company}?")]},
        {"says": ["They finally gave me the promotion, I'm team lead now and I'll be managing four people."],
         "q": [("para", "Did I ever move up at my job?"), ("when", "When was I made a manager?")]},
        {"says": ["I had a huge argument with a colleague who took credit for my slides in front of the director."],
         "q": [("para", "Who stole my work and presented it as theirs?"), ("when", "When was that fight at the office?")]},
    ],
    "family": [
        {"says": ["My sister is getting married in {city} next summer and she asked me to give a speech."],
         "q": [("para", "Where is my sibling's wedding going to be?"), ("rare", "What's happening in {city}?")]},
        {"says": ["Mum had her hip operation yesterday, the surgeon said it went smoothly but she's in pain."],
         "q": [("para", "How did my mother's surgery go?"), ("when", "When was my mom in hospital?")]},
        {"says": ["For dad's sixtieth we're getting him a {instrument}, he always wanted to learn to play one."],
         "q": [("para", "What present did we pick for my father?"), ("rare", "Who was the {instrument} for?")]},
        {"says": ["My brother {name} just moved to {city} for a research job and I already miss him."],
         "q": [("para", "Which sibling relocated abroad for work?"), ("rare", "Where does {name} live now?")]},
    ],
    "pets": [
        {"says": ["We adopted a little rescue cat from the shelter, we called her {pet}."],
         "q": [("para", "What's the name of the animal we brought home?"), ("rare", "How old is {pet}?"),
               ("when", "When did we get a kitten?")]},
        {"says": ["The vet said the dog has a torn ligament, so no running or jumping for six weeks."],
         "q": [("para", "What injury did the puppy's doctor find?"), ("when", "When was the animal clinic visit?")]},
    ],
    "health": [
        {"says": ["I've been seeing a physio for my knee, she gave me exercises with a resistance band."],
         "q": [("para", "Who's treating my leg injury?"), ("when", "When did I begin rehab?")]},
        {"says": ["I found out I'm allergic to {allergen}, I had hives all over my arms after dinner."],
         "q": [("para", "What food gives me a reaction?"), ("rare", "Can I eat {allergen}?")]},
        {"says": ["I can't fall asleep before 3am most nights, my mind just keeps racing."],
         "q": [("para", "What trouble have I had with sleep?"), ("when", "When did my insomnia come up?")]},
    ],
    "hobbies": [
        {"says": ["I signed up for a pottery class on {weekday} evenings, my first bowl came out lopsided."],
         "q": [("para", "What craft did I take up?"), ("pref", "What do I do for fun midweek?"),
               ("rare", "What do I have on {weekday} nights?")]},
        {"says": ["Our book club is reading {book} this month and honestly I can't put it down."],
         "q": [("para", "Which novel was my literary circle on?"), ("rare", "Did I like {book}?")]},
        {"says": ["I started {instrument} lessons with a teacher called {name}, my fingers hurt so much."],
         "q": [("para", "What am I learning to play?"), ("rare", "Who is {name}?")]},
    ],
    "travel": [
        {"says": ["The airline lost my suitcase on the way to {city}, I spent two days in the same clothes."],
         "q": [("para", "What went wrong with my bags on that trip?"), ("when", "When did my luggage go missing?")]},
        {"says": ["We booked a week in {city} for the autumn, a tiny flat right by the old harbour."],
         "q": [("para", "Where are we going on holiday?"), ("rare", "What's the plan for {city}?")]},
    ],
    "food": [
        {"says": ["I'm obsessed with {cuisine} cooking lately, I made {dish} from scratch on Sunday."],
         "q": [("pref", "What type of food do I love to make?"), ("rare", "Did my {dish} turn out well?")]},
        {"says": ["I went vegetarian three weeks ago, mostly for the climate, and I feel lighter already."],
         "q": [("para", "Did I stop eating meat?"), ("pref", "What diet am I following?"),
               ("when", "When did I change how I eat?")]},
    ],
    "home": [
        {"says": ["We're moving flats at the end of the month, the landlord is selling the building."],
         "q": [("para", "Why do we have to relocate?"), ("when", "When did I learn we'd have to move out?")]},
        {"says": ["My {plant} finally grew a new leaf, it's the pride of my windowsill."],
         "q": [("pref", "Which houseplant am I proud of?"), ("rare", "How is my {plant} doing?")]},
    ],
    "friends": [
        {"says": ["My best friend {name} is emigrating to Canada in spring and I keep pretending it's fine."],
         "q": [("para", "Which close pal is leaving the country?"), ("rare", "Where is {name} going?")]},
        {"says": ["I haven't spoken to Jo since the fight at her birthday party, it still stings."],
         "q": [("para", "Who did I fall out with at a celebration?"), ("when", "When was the row with Jo?")]},
    ],
    "music": [
        {"says": ["I've had {artist} on repeat all week, their new album is perfect for the commute."],
         "q": [("pref", "What have I been listening to?"), ("rare", "Do I like {artist}?")]},
    ],
}  # fmt: skip

STORY = [
    ("fitness", "I signed up for the half marathon in {city}, it's in about three months."),
    ("fitness", "Training is going well, my longest run so far was {km} kilometres without stopping."),
    ("fitness", "I did it, I finished the race in {minutes}, my legs are destroyed but I'm so proud."),
]
STORY_Q = [
    (0, "Which running event did I enter?"),
    (1, "How much distance could I cover at my peak during preparation?"),
    (2, "What was my final time at the big run?"),
]

FILLER: dict[str, list[str]] = {
    "work": ["Work has been intense, so many meetings that I barely get anything done.",
             "My manager keeps changing priorities and the team is exhausted.",
             "I stayed late at the office again, answering emails until nine.",
             "There's a restructuring rumour going around and people are nervous about their jobs.",
             "I presented the quarterly numbers and nobody asked a single question."],
    "family": ["My mum called three times today, she worries about everything.",
               "Family dinners are always loud, everyone talks over each other.",
               "My sister and I used to fight a lot but we're closer now.",
               "Dad keeps sending me articles about saving for retirement."],
    "pets": ["The neighbour's cat sits on our car every morning, it's hilarious.",
             "I walked past the animal shelter and nearly went in again.",
             "Dogs at the park keep running up to me, I think they know I'm a soft touch."],
    "health": ["I've been trying to drink more water and stretch in the mornings.",
               "My back hurts from sitting at the desk all day.",
               "I had a check-up and the doctor said everything looks normal."],
    "hobbies": ["I want a hobby that isn't a screen, something with my hands.",
                "I tried painting once but gave up after a week.",
                "I keep buying books and not reading them."],
    "travel": ["I'd love to travel more but flights are so expensive now.",
               "The train to my parents' town was delayed for two hours.",
               "I've been looking at maps and dreaming about a long trip."],
    "food": ["I ate takeaway four nights in a row, I need to cook more.",
             "Lunch at work is always a sad sandwich.",
             "I tried a new recipe and burned the onions."],
    "home": ["The flat is a mess, laundry everywhere.",
             "The neighbours upstairs were drilling all weekend.",
             "I rearranged the living room and it feels bigger."],
    "friends": ["I haven't seen my friends much lately, everyone is busy.",
                "We had a games night and I laughed until midnight.",
                "A friend cancelled on me again and I pretended I didn't mind."],
    "music": ["I put on some music while cleaning, it helps.",
              "There was a concert in town but tickets sold out in minutes."],
    "fitness": ["My legs were sore after the gym yesterday.",
                "I went for a short jog around the park before work.",
                "Running in the rain is miserable but I went anyway."],
}  # fmt: skip

SMALL_TALK = [
    "Hi, it's me again.", "Morning! Sorry I'm a bit late today.", "It's been raining all day here.",
    "I just made a coffee, okay, I'm ready.", "Honestly I'm a bit tired today.", "Hey, how are you?",
    "Not much to report this week, to be honest.", "The traffic was awful on the way home.",
    "I don't really know where to start today.", "Thanks for listening last time, it helped.",
    "Anyway, that's enough about that.", "I think that's all for today.", "Okay, I should go soon.",
]  # fmt: skip

REPLIES = [
    "That sounds like a lot to carry. What part of it weighs on you most?",
    "I'm glad you told me. How did that feel at the time?",
    "It makes sense that you'd feel that way.", "What would help you most right now?",
    "Tell me more about that.", "How are you looking after yourself this week?",
    "That's a real change. What do you make of it?", "Good to hear from you. What's on your mind?",
    "It sounds like you handled that with a lot of care.", "What do you want to remember from today?",
]  # fmt: skip

TIME_TOPIC_Q = {
    "work": "What was going on at my job {when}?", "family": "What family news did I share {when}?",
    "pets": "What was happening with our animals {when}?", "health": "What was bothering me physically {when}?",
    "hobbies": "What was I doing in my spare time {when}?", "travel": "What trip stuff came up {when}?",
    "food": "What was I cooking or eating {when}?", "home": "What was going on at the flat {when}?",
    "friends": "What happened with my mates {when}?", "music": "What was I listening to {when}?",
    "fitness": "How was my running {when}?",
}  # fmt: skip
