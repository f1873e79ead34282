"""The phrase bank and word lists the corpus is written from (non-explicit, invented).

Filler patterns never contain an indicator phrase, a digit, a number word or an indicator
emoji: those appear only where the generator plants them and records them in `_truth`.
"""

# ruff: noqa: E501 - phrase patterns read best whole, one per line

from __future__ import annotations

# docs/truth.md: the indicator phrases the corpus plants, by code.
INDICATORS: dict[str, tuple[str, ...]] = {
    "youth.young": ("young", "barely legal", "jovencita"),
    "youth.fresh": ("fresh", "new to this", "nueva en esto"),
    "youth.innocent": ("innocent", "sweet and innocent", "inocente"),
    "youth.student": ("college girl", "student", "estudiante"),
    "control.girls": ("my girls", "our girls", "new girls every week", "mis chicas"),
    "control.always_available": ("available 24/7", "24 hours", "disponible 24 horas"),
    "trust.no_law": (
        "no law enforcement",
        "no cops",
        "not affiliated with law enforcement",
        "no policía",
    ),
    "trust.screening": ("screening required", "references required", "must verify"),
    "trust.discreet": ("discreet", "100% real", "discreta"),
    "restricted.no_limits": ("no limits", "anything goes", "sin límites"),
    "movement.new_in_town": ("new in town", "just arrived", "recién llegada"),
    "movement.leaving_soon": ("leaving soon", "last days in town", "últimos días"),
    "ethnicity.stated": ("asian", "latina", "ebony", "russian", "thai", "colombiana"),
    "emoji.cherry": ("🍒",),
    "emoji.growing_heart": ("💗",),
    "emoji.crown": ("👑",),
    "emoji.rose": ("🌹",),
    "emoji.airplane": ("✈️",),
    "emoji.lollipop": ("🍭",),
}

# How many text indicators of each category a template of each network kind carries.
INDICATOR_RATES: dict[str, dict[str, float]] = {
    "trafficking": {
        "youth": 1.4,
        "control": 0.9,
        "trust": 1.2,
        "restricted": 0.4,
        "movement": 0.3,
        "ethnicity": 0.6,
        "emoji": 1.2,
    },
    "independent": {
        "youth": 0.15,
        "control": 0.05,
        "trust": 0.6,
        "restricted": 0.05,
        "movement": 1.0,
        "ethnicity": 0.4,
        "emoji": 0.8,
    },
    "spammer": {
        "youth": 0.4,
        "control": 0.3,
        "trust": 0.5,
        "restricted": 0.2,
        "movement": 0.3,
        "ethnicity": 0.3,
        "emoji": 1.5,
    },
}

DECOR_EMOJI: tuple[str, ...] = (
    "💋",
    "✨",
    "😘",
    "🔥",
    "💕",
    "😍",
    "🌸",
    "🥰",
    "⭐",
    "💎",
    "🦋",
    "🌺",
)

NAME_STARTS: tuple[str, ...] = (
    "Ka", "Mi", "Lu", "Za", "Ve", "Ma", "Ta", "Sa", "Ni", "Ri", "Da", "Ya", "Ke", "Lo",
    "Ce", "Ari", "Bre", "Cia", "Dela", "Esme", "Fio", "Gia", "Ila", "Jo", "Kira", "Lei",
)  # fmt: skip
NAME_MIDDLES: tuple[str, ...] = (
    "la", "ri", "na", "le", "ssa", "mi", "ra", "vi", "li", "ne", "ya", "ze", "lo", "do",
)  # fmt: skip
NAME_ENDS: tuple[str, ...] = ("na", "ra", "lia", "ny", "ssa", "ya", "lie", "nn", "ela", "ina", "e")

HANDLE_WORDS: tuple[str, ...] = (
    "sugar", "honey", "babe", "doll", "kitty", "angel", "bunny", "star", "peach", "bae",
    "cutie", "lovely", "baby", "princess", "diva", "goddess", "sunshine", "velvet", "silk",
)  # fmt: skip

EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "protonmail.com", "icloud.com",
)  # fmt: skip
# A misspelled domain as it is written, and the domain it means.
EMAIL_MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "gmail.com": ("gmial.com", "gmai.com", "gmaill.com"),
    "yahoo.com": ("yahooo.com", "yaho.com"),
    "hotmail.com": ("hotmial.com", "hotmal.com"),
    "outlook.com": ("outlok.com", "outllook.com"),
    "protonmail.com": ("protonmial.com",),
    "icloud.com": ("icloud.co", "icould.com"),
}

# Invented sites: domain, the site's own phone, and the footer leads it prints before a post's
# id and before its phone number ("" when it prints none). Footers are the same on every ad.
SITES: tuple[tuple[str, str, str, str], ...] = (
    ("nightlist.example", "+18005550100", "Post ID:", "Report abuse:"),
    ("citydates.example", "+18005550101", "Ad #", ""),
    ("velvetboard.example", "+18005550102", "", "Site support:"),
    ("moonlight-ads.example", "+18005550103", "Ref:", "Questions about this site? Call"),
    ("companionpost.example", "+18005550104", "Post id", "Advertise with us:"),
)

TITLES: tuple[str, ...] = (
    "[Gorgeous|Stunning|Lovely|Classy|Bubbly|Charming|Elegant|Playful] {name} [is here|waiting for you|this week|tonight|ready to meet]",
    "{name} [-|~|•|:] [Incall|Outcall|Incall & Outcall|In/Out|Incall only] [in|near|around] {city}",
    "[Best|Top|Premium|Upscale|Elite|Favorite] [companion|company|date|hostess] [in|of] {city} [—|-|~|•] {name}",
    "[Hi|Hey|Hello|Hola] [there|guys|gentlemen|handsome][!|!!|~] [I'm|Im|It's|Call me] {name}",
    "[Treat yourself|Spoil yourself|Unwind|Relax] [with|alongside] {name} [in|around|near] {city}",
    "[Beautiful|Pretty|Cute|Classy] [brunette|blonde|redhead|lady|companion] {name} [waiting|here|in {city}]",
)

INTROS: tuple[str, ...] = (
    "[Hey|Hi|Hello|Hola|Good evening|Welcome] [gentlemen|guys|fellas|there|handsome][,|!|!!|...] [I'm|Im|my name is|this is|it's] {name}[.|!| ~|!!]",
    "[Meet|Say hello to|Come meet|Spend time with] {name}[,|:|!] [your|the] [perfect|ideal|favorite|dream] [companion|escape|date|hostess]",
    "{name} [here|at your service|speaking|checking in][!|.|~|!!] [Thanks for|Thank you for|Appreciate you] [stopping by|reading|looking|visiting my page]",
)

FILLER: tuple[str, ...] = (
    "[I'm|I am|Im] [a|the] [lovely|playful|classy|bubbly|charming|gorgeous|stunning|elegant|warm|friendly] [and|&] [easygoing|fun loving|down to earth|laid back|outgoing|chatty|bright|upbeat] [lady|companion|woman|soul]",
    "[Let's|Lets|Let us] [grab|share|enjoy|have] [a drink|dinner|a coffee|a glass of wine|some laughs|a nice evening] [and|then] [relax|unwind|chat|talk|slow down] [together|for a while|after a long week|after work]",
    "[My|Our] [time|company|attention|focus] [is|feels] [all about|centered on|dedicated to|devoted to] [you|your comfort|making you smile|your good mood]",
    "[Treat yourself|Spoil yourself|Take a break|Escape the stress|Forget the office] [tonight|this evening|this weekend|today|after work] [with|alongside|next to] [a|the] [friendly|beautiful|charming|lovely|kind] [face|smile|companion|host]",
    "[Clean|Tidy|Cozy|Modern|Private|Quiet|Upscale|Comfortable] [and|&] [safe|relaxing|calm|welcoming|stylish] [place|spot|suite|apartment|location|setting]",
    "[Serious|Respectful|Polite|Mature|Kind|Generous] [gentlemen|men|callers|clients|guys] [only|preferred|welcome|appreciated][.|!|!!]",
    "[No|Absolutely no|Please no|Sorry no] [rushing|games|drama|attitude|time wasters|lowballers|haggling|bargaining][,|.|!] [please|thank you|thanks|xo]",
    "[You|U] [won't|will not|wont] [regret|forget|be disappointed by] [it|this|our time|the visit|me][!|!!|.| ;)]",
    "[Pictures|Photos|Pics] [are|r] [recent|mine|accurate|current|unedited|taken this month][,|.|!] [what you see is what you get|no surprises|no catfish|no filters]",
    "[Blonde|Brunette|Redhead|Dark haired|Curly haired|Long haired] [with|and] [bright|green|brown|hazel|blue|dark] [eyes|eyes and a warm smile|eyes and soft skin]",
    "[Great|Amazing|Warm|Friendly|Bright|Easy] [conversation|company|vibes|energy|personality] [guaranteed|every time|always|for sure]",
    "[Come|Stop by|Swing by|Drop by] [and|to] [see|meet] [me|what everyone talks about|the best in the area|your favorite hostess]",
    "[Weekend|Weekday|Evening|Morning|Lunch|Late night] [specials|deals|appointments|visits] [welcome|on request|if you ask|open]",
    "[Ask|Inquire|Text] [about|for] [my|the] [specials|duo|longer visits|dinner dates|weekend rates]",
    "[I|i] [love|enjoy|adore|like] [good music|fine wine|long chats|dancing|cooking|the beach|movies|a good laugh] [and|&] [nice|great|fancy|quiet] [dinners|evenings|company|walks|restaurants]",
    "[Kind|Caring|Attentive|Patient|Gentle|Warm] [personality|attitude|heart|nature] [with|and] [a|the] [beautiful|killer|bright|contagious] [smile|laugh|style]",
    "[Parking|Free parking|Street parking|Easy parking] [nearby|on site|close by|right outside]",
    "[Hygiene|Cleanliness|Respect|Good manners] [is|are] [a must|important|expected|everything]",
    "[Upscale|Elite|Premium|Top rated|High class|VIP] [experience|companionship|service|company|date] [for|with] [the|a] [gentleman|professional|man] [who|that] [knows|appreciates|values] [quality|class|style]",
    "[Be|Stay] [nice|polite|respectful|kind|punctual] [and|&] [I'll|i will|ill] [be|treat you] [nice too|even nicer|right|like royalty]",
    "[Hablo|I speak|Speaking] [english|español|english and spanish|a little english]",
    "[Don't|Dont|Do not] [miss out|wait too long|be shy|hesitate|be a stranger][!|!!|.]",
    "[Cash only|Cash preferred|Apps accepted|Cash or app] [please|thank you|at the door|upfront]",
    "[Your|Ur] [satisfaction|happiness|comfort|smile|relaxation] [is|means] [my|our] [priority|goal|mission|everything]",
    "[Slim|Petite|Curvy|Athletic|Toned|Tall|Fit] [and|with] [elegant|stylish|gorgeous|classy|lovely] [style|looks|taste|curves]",
    "[Warm|Sunny|Happy|Sparkling|Easygoing] [vibes|mood|spirit] [only|all day|guaranteed]",
    "[Call|Text|Message] [me|now|today] [to|and] [set up|book|plan|arrange] [a|your] [visit|date|time|appointment]",
    "[Dinner|Movie|Coffee|Brunch|Shopping] [dates|companion|partner] [welcome|a plus|on request]",
    "[Nice|Polite|Clean] [men|gentlemen|guys] [get|receive] [extra|special|more] [attention|time|smiles]",
    "[The|Your] [best|perfect|ideal|loveliest] [way|escape|reward|treat] [to end|after|for] [the day|a long week|a busy day|your trip]",
    "[First time|Returning|Regular|Shy] [callers|visitors|clients|guests] [welcome|are welcome|always welcome|get a special]",
    "[Won't|Wont|Will not] [answer|reply to|respond to] [private|blocked|hidden] [numbers|calls]",
    "[So|Very|Super|Really] [easy to talk to|good at listening|fun to be around|easy going|warm hearted]",
    "[Sorry|Apologies], [no|not taking] [texts|emails|calls] [after midnight|before noon|from hidden numbers]",
    "[Looking for|Seeking|Want] [a|some] [fun|relaxing|memorable|lovely|pleasant] [time|evening|afternoon|escape|break][?|??|!]",
    "[Kisses|Hugs|XOXO|Xoxo|Besos|Ciao|Hugs and kisses] [babe|love|darling|hun|sweetie]",
    "[Satisfaction|A smile|Good company|A great time] [guaranteed|promised|every visit|or we talk]",
    "[Massage|Relaxing massage|Soothing massage|Spa style massage] [table|oils|music|lighting] [and|&] [soft|calm|warm|dim] [lights|music|towels|atmosphere]",
    "[Tall|Lovely|Classy] [and|yet] [down to earth|grounded|humble|approachable][,|.] [no attitude|zero drama|just good energy|easy company]",
    "[Ladies|Couples|Gentlemen] [welcome|also welcome|are welcome too]",
    "[I|i] [work|host|see people] [by appointment|with notice|on short notice|same day][,|.|!] [plan ahead|book early|just ask|message first]",
    "[Elegant|Classy|Refined|Polished] [dresses|outfits|style|wardrobe] [for|at] [every|any] [occasion|dinner|event|evening]",
    "[Located|Staying|Hosting] [near|by|close to] [the airport|downtown|the mall|the highway|the stadium|the convention center]",
    "[Just|Only] [message|text|write] [me|here] [your|the] [name|time|plans|preferred time] [and|&] [I'll|ill|i will] [reply|answer|get back to you] [quickly|right away|asap]",
    "[Lunch break|After work|Late evening|Early morning] [visits|appointments|meetings] [are|r] [my|the] [favorite|specialty|best]",
    "[Classy|Sweet|Shy|Chatty|Witty] [at first|on the outside|in public][,|...|;] [a|the] [sweetheart|treasure|gem|delight] [once you meet me|behind closed doors|in private|up close]",
)

AGE_LEADS: tuple[str, ...] = ("", "", "", "💕 ", "~ ", "✨ ")
AVAIL_LEADS: tuple[str, ...] = ("Available", "Open", "Open from", "Working", "Here", "Schedule:")
INOUT: tuple[str, ...] = (
    "[Incall|Outcall|Incall & outcall|Incall and outcall|In & out calls|Incall only|Outcall only] [in|near|around] {city} {zip}",
    "[Located in|Hosting in|Seeing clients in|Now in] {city}[,|] {zip} [incall|outcall|incall/outcall|in/out]",
)
RATE_LEADS: tuple[str, ...] = ("Rates:", "Donations:", "💵", "$$:", "Specials:", "Rates", "")
RATE_SEPARATORS: tuple[str, ...] = (" ", " | ", " / ", ", ", "\n")
CONTACT_LEADS: tuple[str, ...] = (
    "[Call or text|Call/text|Txt|Text me|📱|📞|Contact:|Call me @|Reach me at|Text only]",
)
CONTACT_TAILS: tuple[str, ...] = ("", "", " (text only)", ", no blocked calls", "!!", " 📲")
SECOND_PHONE_LEADS: tuple[str, ...] = ("or", "also", "alt:", "2nd line", "backup:")
HANDLE_LEADS: tuple[str, ...] = ("", "", "Follow me", "Find me on", "Add me", "Hit me up")
EMAIL_LEADS: tuple[str, ...] = ("Email:", "Email me", "Write to", "✉️", "Contact:", "Bookings:")
DATE_LEADS: tuple[str, ...] = (
    "Here until",
    "Available until",
    "Booking through",
    "Updated",
    "Schedule open through",
)
YEAR_LEADS: tuple[str, ...] = (
    "Serving gentlemen since",
    "Since",
    "Est.",
    "Experienced since",
    "Hosting since",
)
DETAIL_LEADS: tuple[str, ...] = ("", "Stats:", "Me:", "About me:")
TIME_RANGES: tuple[str, ...] = (
    "10am-2am",
    "9am-11pm",
    "noon-4am",
    "11am-10pm",
    "8pm-6am",
    "7pm-3am",
    "10am-10pm",
)
HEIGHTS: tuple[str, ...] = ("5'2\"", "5'3\"", "5'4\"", "5'5\"", "5'6\"", "5'7\"", "5'8\"", "5'9\"")
MEASUREMENTS: tuple[str, ...] = (
    "34-24-36",
    "32-25-35",
    "36-26-38",
    "34-26-36",
    "120 lbs",
    "135 lbs",
    "110 lbs",
)
TAG_WRAPS: tuple[tuple[str, str], ...] = (
    ("", ""), ("~ ", " ~"), ("*", "*"), ("*** ", " ***"), ("", "!!"), ("", "!"), ("- ", " -"),
    ("", " 😘"), ("✨ ", " ✨"), ("(", ")"), ("", "."),
)  # fmt: skip

AGE_WORDS: dict[int, str] = {
    16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty",
    21: "twenty one", 22: "twenty two", 23: "twenty three", 24: "twenty four",
    25: "twenty five", 26: "twenty six", 27: "twenty seven", 28: "twenty eight",
    29: "twenty nine", 30: "thirty", 31: "thirty one", 32: "thirty two", 33: "thirty three",
    34: "thirty four", 35: "thirty five",
}  # fmt: skip
AGE_FORMS: tuple[str, ...] = (
    "{n} yrs", "{n} yrs old", "age: {w}", "i'm {n}", "{n} years old", "edad {n}", "age {n}",
)  # fmt: skip

# Price forms by style, per unit; `{a}` is the amount.
PRICE_FORMS: tuple[dict[str, str], ...] = (
    {"hour": "${a}/hr", "half_hour": "${a}/hh", "quick_visit": "${a} qv", "overnight": "${a} overnight", "session": "${a} session"},
    {"hour": "{a}/hr", "half_hour": "{a}/hh", "quick_visit": "qv {a}", "overnight": "{a} overnight", "session": "donation {a}"},
    {"hour": "{a} hr", "half_hour": "{a} hh", "quick_visit": "qv {a}", "overnight": "overnight {a}", "session": "{a} roses"},
    {"hour": "{a} roses/hr", "half_hour": "{a} roses/hh", "quick_visit": "{a} roses qv", "overnight": "{a} roses overnight", "session": "{a} roses"},
    {"hour": "{a}🌹/hr", "half_hour": "{a}🌹 hh", "quick_visit": "qv {a}🌹", "overnight": "{a}🌹 overnight", "session": "{a}🌹"},
    {"hour": "${a} per hour", "half_hour": "${a} half hour", "quick_visit": "${a} quick visit", "overnight": "${a} overnight", "session": "${a} per session"},
)  # fmt: skip

# Handle forms by service; `{h}` is the handle as written.
HANDLE_FORMS: dict[str, tuple[str, ...]] = {
    "instagram": ("IG: {h}", "insta @{h}", "instagram.com/{h}", "IG @{h}"),
    "snapchat": ("snap: {h}", "sc 👻 {h}", "SC: {h}", "👻 {h}", "snapchat: {h}"),
    "kik": ("kik me: {h}", "kik: {h}", "KIK {h}"),
    "telegram": ("telegram @{h}", "t.me/{h}", "TG: @{h}"),
    "onlyfans": ("onlyfans.com/{h}", "OF: onlyfans.com/{h}"),
    "linktree": ("linktr.ee/{h}",),
    "wechat": ("wechat: {h}", "WeChat ID: {h}"),
    "twitter": ("twitter @{h}", "x.com/{h}", "twitter.com/{h}"),
    "whatsapp": ("whatsapp {p}", "WhatsApp: {p}", "WA {p}"),
}
HANDLE_SERVICES: tuple[str, ...] = tuple(sorted(HANDLE_FORMS))

EMAIL_STYLES: tuple[str, ...] = ("plain", "at_words", "spaced", "misspelled")
EMAIL_AT_WORDS: tuple[tuple[str, str], ...] = (
    (" (at) ", " dot "), (" [at] ", " [dot] "), (" at ", " {dot} "), (" AT ", " DOT "),
)  # fmt: skip

TYPO_SWAPS: dict[str, str] = {
    "you": "u", "your": "ur", "please": "pls", "are": "r", "thanks": "thx",
    "tonight": "tonite", "because": "cuz", "really": "rly", "with": "w/",
}  # fmt: skip
