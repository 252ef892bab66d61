#!/usr/bin/env python3
"""Generate the sample product reviews for the fictional brand *Alfa Sko*.

Writes ``product_data/reviews.csv``: one row per customer review, sorted by
``review_id``.  The review texts are hand-written below, per market, in the
market's own language (Norwegian Bokmål, Swedish, Danish, Finnish, German,
Dutch, British and American English) about the sample catalogue's shoes.  The
script reads ``product_data/markets.toml`` (country, language, time zone of each
market) and ``product_data/catalogue.csv`` (which styles, colours and sizes
exist) and derives the rest -- reviewer names, SKUs, timestamps, collection
method -- with a seeded ``random.Random``, so running it twice produces
byte-identical output.  Standard library only.

Columns (UTF-8, comma-separated, header row, ``\\n`` line ends):

  review_id           stable id, ``<country>-<nnnn>`` (lower-case market country, e.g. ``no-0007``)
  style_id            the reviewed product (item group), always set
  sku                 the variant the reviewer bought, when known (empty for most
                      unsolicited reviews written on the product page)
  rating              integer 1-5 (5 = best)
  title               review headline, may be empty (Google's schema makes it optional)
  text                review body, plain text; may contain line breaks
  reviewer_name       the name the reviewer gave, in full ("Kari Nilsen"); channels
                      publish a shortened form ("Kari N.") and never a name when
                      reviewer_anonymous is true
  reviewer_anonymous  ``true``/``false``: the reviewer asked not to be named
  review_time         ISO 8601 with the market's UTC offset, e.g. ``2026-01-14T19:32:05+01:00``
  language            language of the text (ISO 639-1, as in markets.toml: nb, sv, da, fi, de, nl, en)
  country             ISO 3166-1 alpha-2 country of the reviewer's shop (GB, not UK)
  collection_method   ``post_fulfillment`` (asked after delivery) or ``unsolicited``
                      (Google product review feed schema ``collectionMethodType``)
  is_spam             ``true``/``false``: flagged as spam by moderation
  note                empty for ordinary reviews; otherwise ``;``-separated tags that
                      tests may rely on (see below)

Tags in ``note`` (the deliberately tricky rows; everything else is an ordinary review):

  spam                    is_spam is true; must be left out of every output
  tricky:html             text contains HTML markup, including a <script> element
  tricky:email            text contains an e-mail address (Google: no e-mail addresses)
  tricky:phone            text contains a phone number (Google: no phone numbers)
  tricky:url              a non-spam review whose text contains a URL (Google: no links)
  tricky:formula          text starts with ``=`` (a spreadsheet formula if exported unescaped)
  tricky:formula_prefix   title and text start with ``+`` and the text has line breaks
  tricky:long_text        a genuine review of over 2,000 characters with paragraphs
  tricky:unknown_sku      style exists but the SKU is no longer in the catalogue
  tricky:unknown_style    neither the style nor the SKU is in the catalogue
  tricky:anonymous_with_name  reviewer_anonymous is true although a name was given:
                          the name must not be published
  tricky:future_time      review_time is later than any sample build date (2027)
  case:other_language     text language differs from the market's (an English review in DE)
  case:name_particle      surname with a particle ("van der Berg"): check the short form
  case:double_first_name  two-word first name ("Mary Ellen"): check the short form

Some ordinary reviews are dated after 2026-11-22 (the earlier of the two dates the
reference check builds with); the script prints how many.

Usage:
    python tools/make_sample_reviews.py [--data DIR] [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / "product_data"

SEED = 20261207
FIRST_DAY = date(2025, 3, 1)
LAST_DAY = date(2026, 12, 6)          # the day before the sample's later build date
POST_FULFILLMENT_SHARE = 0.7

COLUMNS = [
    "review_id", "style_id", "sku", "rating", "title", "text", "reviewer_name",
    "reviewer_anonymous", "review_time", "language", "country", "collection_method",
    "is_spam", "note",
]

# Months in which a product gets reviewed, by the catalogue's product_type: people
# review winter boots in winter and sandals in summer.
WINTER = {10, 11, 12, 1, 2, 3}
SUMMER = {5, 6, 7, 8, 9}
ANY = set(range(1, 13))
SEASON_BY_TYPE = {
    "Shoes > Boots > Winter Boots": WINTER,
    "Shoes > Kids > Boots": WINTER,
    "Shoes > Slippers": WINTER,
    "Shoes > Sandals": SUMMER,
}


@dataclass
class R:
    """One hand-written review; everything not given here is derived deterministically."""

    style: str
    rating: int
    title: str
    text: str
    colour: str = ""            # English colour name as in the catalogue, when the text implies one
    size: str = ""              # EU size, when the text names one
    sku: str = ""               # explicit SKU (only for the unknown-SKU/-style rows)
    name: str | None = None     # explicit reviewer name (spam bots, particle cases)
    anonymous: bool = False
    spam: bool = False
    note: str = ""
    language: str = ""          # when the text is not in the market's language
    time: str = ""              # explicit local time "YYYY-MM-DDTHH:MM:SS"


# ---------------------------------------------------------------------------
# Reviewer names per market (given name, surname as customers type them).
# ---------------------------------------------------------------------------
NAMES = {
    "NO": [
        "Kari Nilsen", "Ola Hansen", "Ingrid Johansen", "Lars Olsen", "Sigrid Larsen",
        "Håkon Andersen", "Marit Pedersen", "Eirik Berg", "Solveig Haugen", "Torbjørn Dahl",
        "Anne-Lise Strand", "Magnus Lie", "Ragnhild Bakken", "Øyvind Moen", "Silje Eriksen",
        "Jonas Kristiansen", "Hanne Solberg", "Anders Jacobsen", "Tone Halvorsen",
        "Kristian Sæther", "Live Aas", "Per Øverland", "Nora Lund", "Sindre Holm",
        "Maren Vik", "Bjørn Tangen", "Astrid Ødegård", "Vegard Foss", "Ida Rønning",
    ],
    "SE": [
        "Anna Lindqvist", "Erik Johansson", "Maria Karlsson", "Lars Nilsson", "Karin Eriksson",
        "Johan Larsson", "Emma Olsson", "Mikael Persson", "Sara Svensson", "Anders Gustafsson",
        "Elin Pettersson", "Henrik Jonsson", "Linnéa Björk", "Oskar Lindberg", "Ebba Åberg",
        "Fredrik Holm", "Ida Sjöberg", "Gustav Wallin", "Maja Engström", "Per Ström",
        "Sofia Hedlund", "Nils Ekström", "Lena Öberg", "Axel Lund", "Ingrid Berglund",
        "Viktor Sandberg", "Frida Nyström",
    ],
    "DK": [
        "Mette Jensen", "Lars Nielsen", "Anne Hansen", "Søren Pedersen", "Camilla Andersen",
        "Mads Christensen", "Louise Larsen", "Rasmus Sørensen", "Pernille Rasmussen",
        "Jesper Jørgensen", "Sofie Petersen", "Henrik Madsen", "Line Kristensen",
        "Thomas Olsen", "Maja Thomsen", "Morten Poulsen", "Ida Johansen", "Anders Møller",
        "Signe Mortensen", "Kasper Knudsen", "Birgitte Holm", "Jakob Dahl", "Trine Kjær",
        "Frederik Bach", "Hanne Østergaard", "Nikolaj Lund",
    ],
    "FI": [
        "Aino Virtanen", "Mikko Korhonen", "Laura Mäkinen", "Juha Nieminen", "Sanna Mäkelä",
        "Antti Hämäläinen", "Johanna Laine", "Timo Heikkinen", "Elina Koskinen",
        "Jari Järvinen", "Heidi Lehtonen", "Ville Lehtinen", "Katja Saarinen",
        "Pekka Salminen", "Riikka Heinonen", "Matti Niemi", "Tiina Heikkilä",
        "Janne Kinnunen", "Minna Salonen", "Sami Turunen", "Hanna Salo", "Olli Laitinen",
        "Noora Tuominen", "Eero Rantanen", "Päivi Karjalainen",
    ],
    "DE": [
        "Anna Müller", "Thomas Schmidt", "Julia Schneider", "Michael Fischer", "Katrin Weber",
        "Stefan Meyer", "Sabine Wagner", "Andreas Becker", "Laura Schulz", "Claudia Koch",
        "Markus Bauer", "Lena Richter", "Tobias Klein", "Sandra Wolf", "Florian Schröder",
        "Nadine Neumann", "Christian Schwarz", "Melanie Zimmermann", "Jan Braun",
        "Franziska Krüger", "Daniel Hofmann", "Anja Hartmann", "Sebastian Lange",
        "Birgit Schmitt", "Matthias Werner", "Heike Krause", "Lukas Meier",
    ],
    "NL": [
        "Sanne de Vries", "Daan Jansen", "Bram Bakker", "Eva Visser", "Thijs Smit",
        "Femke Meijer", "Ruben de Boer", "Anouk Mulder", "Jeroen de Groot", "Lisa Bos",
        "Martijn Vos", "Iris Peters", "Sander Hendriks", "Marloes van Dijk",
        "Niels van Leeuwen", "Fleur Dekker", "Joost Brouwer", "Esther de Wit",
        "Koen Dijkstra", "Roos Smits", "Wouter de Graaf", "Noor van der Meer", "Tim Kok",
        "Ilse van der Linden", "Jasper Willems",
    ],
    "GB": [
        "Sarah Thompson", "James Wilson", "Emma Roberts", "Oliver Hughes", "Charlotte Evans",
        "Tom Davies", "Hannah Walker", "George Wright", "Lucy Robinson", "Jack Taylor",
        "Sophie Green", "Harry Hall", "Rebecca Wood", "Daniel Clarke", "Amy Jackson",
        "Matthew Lewis", "Katie Harris", "Ben Turner", "Rachel Cooper", "Sam Ward",
        "Jessica Morgan", "Chris Baker", "Laura Mitchell", "Alex Campbell", "Fiona MacLeod",
        "Gareth Price", "Siobhan O'Neill",
    ],
    "US": [
        "Michael Johnson", "Ashley Smith", "David Brown", "Jessica Williams", "Chris Miller",
        "Amanda Davis", "Matt Garcia", "Sarah Rodriguez", "Josh Martinez", "Emily Anderson",
        "Ryan Taylor", "Megan Thomas", "Kevin Moore", "Lauren Jackson", "Brian White",
        "Rachel Harris", "Tyler Martin", "Katie Thompson", "Jason Lee", "Nicole Clark",
        "Eric Lewis", "Stephanie Young", "Andrew Hall", "Brittany King", "Dana Brooks",
        "Carlos Rivera",
    ],
}


# Given names above that are women's names: a review of a women's style gets a woman's
# name and a men's style a man's name, so no "Lars" complains about a tight calf on a
# women's knee-high boot; unisex and kids' styles take from whichever pool is larger.
FEMALE = {
    "Kari", "Ingrid", "Sigrid", "Marit", "Solveig", "Anne-Lise", "Ragnhild", "Silje", "Hanne",
    "Tone", "Live", "Nora", "Maren", "Astrid", "Ida", "Anna", "Maria", "Karin", "Emma", "Sara",
    "Elin", "Linnéa", "Ebba", "Maja", "Sofia", "Lena", "Frida", "Mette", "Anne", "Camilla",
    "Louise", "Pernille", "Sofie", "Line", "Signe", "Birgitte", "Trine", "Aino", "Laura", "Sanna",
    "Johanna", "Elina", "Heidi", "Katja", "Riikka", "Tiina", "Minna", "Hanna", "Noora", "Päivi",
    "Julia", "Katrin", "Sabine", "Claudia", "Sandra", "Nadine", "Melanie", "Franziska", "Anja",
    "Birgit", "Heike", "Sanne", "Eva", "Femke", "Anouk", "Lisa", "Iris", "Marloes", "Fleur",
    "Esther", "Roos", "Noor", "Ilse", "Sarah", "Charlotte", "Hannah", "Lucy", "Sophie", "Rebecca",
    "Amy", "Katie", "Rachel", "Jessica", "Fiona", "Siobhan", "Ashley", "Amanda", "Emily", "Megan",
    "Lauren", "Nicole", "Stephanie", "Brittany", "Dana",
}

# ---------------------------------------------------------------------------
# Norway (Bokmål)
# ---------------------------------------------------------------------------
NO = [
    R("AS-1001", 5, "Tørre føtter hele påsken",
      "Gikk fra hytta til Gaustatoppen i sludd og våt snø, og føttene var helt tørre da vi kom "
      "ned igjen. Satt godt rundt hælen fra første tur, ingen gnagsår. Anbefales!"),
    R("AS-1002", 5, "Beste fjellskoene jeg har hatt",
      "Har brukt dem over Besseggen og en uke i Jotunheimen. Sålen biter godt på våt stein, og de "
      "ble gode å gå i etter et par korte turer. Litt tunge, men det tåler jeg."),
    R("AS-1002", 4, "Gode, men romslige",
      "Solid kvalitet og helt tette. Trekker én stjerne fordi de er litt romslige i lesten, så jeg "
      "endte med å bruke en tykkere ullsokk. Hadde gått ned en halv størrelse om det fantes.",
      colour="Olive"),
    R("AS-1002", 5, "+1 til alle de andre",
      "+1 på alt som er skrevet her.\nTette, varme og gode på lange turer.\nSåle: topp. "
      "Passform: topp.", note="tricky:formula_prefix"),
    R("AS-1003", 5, "Stive i starten, men verdt det",
      "En skikkelig fjellstøvel. De trenger noen turer før de sitter, men nå er de perfekte med "
      "tung sekk. Fikk på stegjern uten problemer på bretur i august."),
    R("AS-1004", 4, "Lette og gode",
      "Veldig lette og behagelige rett ut av esken. Lurer på om dere får dem inn i 43? Send gjerne "
      "svar til kari.nordby@example.com", name="Kari Nordby", note="tricky:email"),
    R("AS-1005", 5, "Varme og lette",
      "Kjøpte Vinterly for å gå til jobben i Trondheim. Har gått i femten kuldegrader uten å fryse, "
      "og glidelåsen på innsiden gjør dem raske å få på. Ullsålen er gull verdt."),
    R("AS-1005", 3, "Saltrender på semsket skinn",
      "Varme og gode, men det lyse skinnet fikk hvite saltrender etter første uka på strødde "
      "fortau. Det burde stått tydeligere at de må impregneres før bruk.", colour="Sand"),
    R("AS-1006", 5, "Holder mål i kulda",
      "Bor i Alta og har endelig funnet vintersko som holder mål. Gode på isen, og skaftet holder "
      "snøen ute. Fin kvalitet på skinnet."),
    R("AS-1007", 2, "For trange i leggen",
      "Fine støvler, men jeg fikk ikke igjen glidelåsen over leggen, selv med justeringen bak helt "
      "åpen. Måtte sende dem tilbake. Returen gikk greit."),
    R("AS-1008", 4, "Perfekte til snømåking",
      "Tette og varme, og innersokken tørker over natta. Litt klumpete å kjøre bil med, ellers "
      "helt topp."),
    R("AS-1008", 4, "Fornøyd, men kjøpte feil str.",
      "Støvlene er varme og gode, men jeg bestilte én størrelse for stor og rakk ikke å returnere "
      "dem. Har derfor et ubrukt par i str. 41 til salgs, ring 987 65 432 om du er interessert.",
      size="41", note="tricky:phone"),
    R("AS-1009", 5, "Pene og behagelige",
      "Hvite Solstreif som passer til både dress og jeans. Fotsengen har formet seg etter foten "
      "etter et par uker. Ekstra lisser følger med, fin detalj.", colour="White"),
    R("AS-1009", 4, "Fine sko, treg levering",
      "Skoene er akkurat som på bildet, men pakken brukte åtte dager til Tromsø. Skoene i seg selv "
      "fortjener fem stjerner."),
    R("AS-1009", 5, "BILLIGE MERKESKO!!!",
      "Kjøp kopi-sneakers fra 199 kr på www.billige-sko-outlet.example – rask levering!!! "
      "Bare i dag!!!", name="Skosalg Norge", spam=True, note="spam"),
    R("AS-1011", 3, "Behagelige, men ikke til regnvær",
      "Deilige å gå i, nesten som tøfler. Men strikkestoffet trekker til seg vann med en gang det regner, og i "
      "Bergen regner det jo ofte. Greie til sommeren."),
    R("AS-1013", 4, "Klassiske loafers",
      "Vakkert skinn og fin søm. De gnagde litt på hælen de første dagene, men det har gitt seg. "
      "Lærsålen er glatt på vått underlag, selv med gummi på hælen."),
    R("AS-1015", 5, "Sommerens favoritt",
      "Brukte Fjære hele ferien i Lofoten. Korksålen er myk, og remmene er enkle å justere. "
      "Spennene har ikke rustet, selv om vi bodde rett ved sjøen."),
    R("AS-1016", 4, "Gode på våte svaberg",
      "Sitter godt med borrelåsene og sklir ikke på våte svaberg. Litt stive de første dagene.",
      name="Geir Martinsen", anonymous=True, note="tricky:anonymous_with_name"),
    R("AS-1017", 2, "Glatte når de blir våte",
      "Badesandaler som skal tåle vann, burde ikke være så glatte på våte fliser. Holdt på å gå "
      "på trynet i garderoben. Ellers behagelige."),
    R("AS-1018", 5, "Blir bare finere med tiden",
      "Brune Lofoten i voksbehandlet skinn. Etter én vinter har de fått en fin patina. Strikken "
      "sitter fortsatt stramt, og sålen tåler både grus og slaps.", colour="Brown"),
    R("AS-1019", 5, "Elegante og gode å gå i",
      "Lav blokkhæl som er grei å gå i hele dagen, og semsket skinn som tåler litt regn. Fikk "
      "mange komplimenter på julebordet!", time="2025-12-13T22:47:00"),
    R("AS-1020", 5, "En klassiker",
      "Gule gummistøvler som holder tett i både bekk og gjørme. Spennen ved leggen gjør at de "
      "ikke slarker. Kjøp én størrelse opp om du bruker tykk ullsokk.", colour="Yellow"),
    R("AS-1021", 3, "Blir svette",
      "Fine og praktiske i byen, men bomullsforet blir fuktig etter noen timer, og da blir "
      "føttene kalde. Greie til korte ærend.", anonymous=True),
    R("AS-1022", 5, "Barnehagegodkjent",
      "Sønnen vår på fire får på seg skoene selv takket være borrelåsen. Han er tørr og varm "
      "etter en hel dag ute i snøen, og refleksene er et pluss i mørketida."),
    R("AS-1022", 4, "Gode, men store i størrelsen",
      "Vi bestilte samme størrelse som forrige par, og disse var nesten et helt nummer større. "
      "Greit nok, hun vokser i dem, men fint å vite.", colour="Pink"),
    R("AS-1023", 5, "Tåler alt",
      "Pytt har overlevd to høster med sølepytter og sandkasse. Håndtakene er geniale for små "
      "hender."),
    R("AS-1026", 5, "Varme tøfler fra Bergen",
      "Tykk ullfilt, myk skinnsåle og varme føtter hele kvelden. Kjøpte et par til svigerfar "
      "også."),
    R("AS-1027", 4, "Koselige hyttesko",
      "Veldig varme og sitter godt rundt ankelen. Latexsålen gir godt grep i trappa, men filten "
      "har noppet litt etter noen uker."),
]

# ---------------------------------------------------------------------------
# Sweden
# ---------------------------------------------------------------------------
SE = [
    R("AS-1001", 5, "Torra fötter på Kungsleden",
      "Gick Kungsleden i fem dagars regn och fötterna höll sig torra hela vägen. Sitter skönt runt "
      "hälen och det finns gott om plats för tårna."),
    R("AS-1002", 4, "Stabila men tunga",
      "Bra grepp på blöta stenhällar och helt vattentäta. Lite tunga för kortare promenader, men "
      "på fjället är de perfekta."),
    R("AS-1003", 5, "En riktig fjällkänga",
      "De krävde några turer innan de satt bra, men nu sitter de som gjutna. Använde dem med "
      "stegjärn på Kebnekaise utan problem."),
    R("AS-1004", 5, "Lätta och sköna direkt",
      "Ingen inkörning behövdes alls. Perfekta för dagsturer i Skåne och Halland. Rekommenderas!"),
    R("AS-1005", 4, "Varma men lite smala",
      "Håller värmen även när det är tjugo minusgrader. Lite smala över vristen för mig som har "
      "breda fötter, men det går bra med tunnare strumpor."),
    R("AS-1005", 5, "Bästa vinterkängorna",
      "Dragkedjan på insidan gör dem snabba att få på när man ska hämta på förskolan. "
      "Ullsulan är ett stort plus.", anonymous=True),
    R("AS-1006", 5, "Klarar norrländsk vinter",
      "Bor i Luleå och de har klarat tjugofem minusgrader utan problem. Sulan greppar bra på "
      "isiga trottoarer."),
    R("AS-1007", 3, "Snygga men trånga över vaden",
      "Lädret håller fin kvalitet, men skaftet är trångt om man har kraftiga vader. Justeringen "
      "baktill hjälper lite. Jag behöll dem ändå."),
    R("AS-1008", 4, "Bra i djup snö",
      "Varma och helt täta. Dragsnöret upptill håller snön ute och innerfodret torkar snabbt."),
    R("AS-1009", 5, "Snygga vardagsskor",
      "Svarta Solstreif som passar till både jeans och kostym. Fotbädden har formats efter foten. "
      "Ser fram emot att kunna sula om dem.", colour="Black"),
    R("AS-1009", 5, "Toppen!",
      "<b>Supersköna</b> skor! <script>alert('hej')</script> Passar perfekt.",
      colour="Navy", note="tricky:html"),
    R("AS-1010", 5, "Precis vad jag letade efter",
      "Smalare läst än de flesta sneakers, så de sitter bra på min smala fot. Perforeringen gör "
      "att det inte blir för varmt."),
    R("AS-1010", 2, "Fel storlek skickades",
      "Beställde 38 men fick 39. Kundtjänst var trevlig men bytet tog nästan tre veckor. Skorna "
      "är fina, men upplevelsen drar ner betyget.", size="38"),
    R("AS-1011", 4, "Sköna och tvättbara",
      "Körde dem i tvättmaskinen på 30 grader och de blev som nya. Inte de varmaste, men sköna "
      "på sommaren."),
    R("AS-1011", 5, "Tjäna pengar hemifrån",
      "Jag tjänar 5 000 kr om dagen hemifrån! Läs mer på http://snabba-pengar.example/se",
      name="Pengar Snabbt", spam=True, note="spam"),
    R("AS-1012", 5, "Retrokänsla",
      "Mocka och gummisula, ser ut precis som på åttiotalet. Sköna redan första dagen.",
      colour="Olive"),
    R("AS-1014", 4, "Mjuka loafers",
      "Superbekväma, och man kan trampa ned hälen och använda dem som mules. Mockan är känslig för "
      "regn, så jag impregnerade dem direkt."),
    R("AS-1015", 5, "Perfekta sandaler",
      "Korkbädden formar sig efter foten och remmarna är lätta att justera. Har gått flera mil i "
      "dem i Visby i somras."),
    R("AS-1017", 3, "Okej till badet",
      "Bekväma efter träningen, men de är stora i storleken. Jag borde ha tagit en storlek mindre. "
      "Räfflorna i fotbädden är sköna."),
    R("AS-1018", 5, "Kommer att hålla i många år",
      "Snygga chelsea boots med rejäl sula. Lädret har fått fin patina redan efter en höst, och "
      "de går dessutom att sula om."),
    R("AS-1019", 4, "Eleganta",
      "Passar till både klänning och jeans, och klacken är stabil. Lite hårda i början men blev "
      "bra efter en vecka."),
    R("AS-1020", 5, "Världens bästa gummistövlar",
      "Mörkblå Vestland som håller tätt i lera och regn. Spännet på sidan gör att de sitter fint "
      "runt vaden.", colour="Navy"),
    R("AS-1021", 2, "Sprack efter en säsong",
      "Gummit sprack vid tårna efter ungefär fyra månaders användning. Tråkigt, för de var sköna "
      "i början."),
    R("AS-1022", 5, "Varma fötter på förskolan",
      "Vår dotter kan ta på dem själv och hon är varm om fötterna hela dagen. Reflexerna syns "
      "bra i mörkret."),
    R("AS-1023", 1, "Läckte efter två veckor",
      "Ena stöveln började läcka vid sulan efter två veckor. Vi skickade tillbaka dem och fick "
      "pengarna tillbaka, men synd på ett så fint märke."),
    R("AS-1024", 4, "Bra gympaskor",
      "Kardborreband som barnen klarar själva, och sulan lämnar inga märken i gympasalen. Lite "
      "hårt material vid tån i början."),
    R("AS-1026", 5, "Underbara tofflor",
      "Tjock ullfilt och mjuk lädersula. Varma fötter hela vintern i vårt kalla hus på landet."),
]

# ---------------------------------------------------------------------------
# Denmark
# ---------------------------------------------------------------------------
DK = [
    R("AS-0996", 4, "Mine gamle favoritter",
      "Jeg har haft disse i tre år, og de holder stadig. Ærgerligt, at I er holdt op med at lave "
      "dem.", sku="AS-0996-BLK-39", note="tricky:unknown_style"),
    R("AS-1001", 5, "Tørre fødder på Hærvejen",
      "Gik Hærvejen i regnvejr i en hel uge og havde tørre fødder hele vejen. God støtte om hælen "
      "og plads til tæerne."),
    R("AS-1002", 5, "Solide vandrestøvler",
      "Har brugt dem i Norge og på Bornholm. Sålen har godt greb på våde klipper, og de var "
      "behagelige efter få ture."),
    R("AS-1004", 4, "Lette og behagelige",
      "Dejligt lette og gode lige fra starten. Sålen er lidt blød til lange ture med tung "
      "rygsæk, men til dagsture er de perfekte."),
    R("AS-1005", 5, "Varme vinterstøvler",
      "Lynlåsen på indersiden gør det nemt at tage dem på. Holder fødderne varme, selv når det "
      "blæser koldt på cyklen."),
    R("AS-1006", 4, "Gode i sne og slud",
      "Varme og vandtætte. Lidt stive i starten, men de er blevet gode. Lidt tunge at cykle i."),
    R("AS-1007", 5, "Flotte og varme",
      "Lange støvler, der faktisk kan lynes over et par jeans. Den lave hæl er stabil på glatte "
      "fortove.", colour="Cognac"),
    R("AS-1008", 3, "Fine, men store",
      "Varme og tætte, men de er store i størrelsen. Jeg bruger normalt 41 og kunne sagtens have "
      "taget 40.", size="41"),
    R("AS-1009", 5, "Perfekte sneakers",
      "Hvide lædersneakers i høj kvalitet. Korkindlægget former sig efter foden. Kan varmt "
      "anbefales.", colour="White"),
    R("AS-1010", 4, "Pæne, men lang levering",
      "Skoene er flotte og sidder godt, men der gik ti dage, før pakken kom til pakkeshoppen. "
      "Ellers tilfreds."),
    R("AS-1011", 4, "Som at gå i sokker",
      "Utroligt behagelige og lette. De kan vaskes i maskinen, hvilket er smart med børn og hund. "
      "Ikke noget for regnvejr."),
    R("AS-1012", 1, "Farven smittede af",
      "Den grønne farve smittede af på mine hvide sokker allerede første dag, og sømmen ved hælen "
      "gik op efter en måned. Meget skuffet.", colour="Olive"),
    R("AS-1013", 5, "Klassiske loafers",
      "Smukt håndsyet og lækkert skind. De sad godt fra første dag, og gummihælen gør, at man "
      "kan gå i dem, selv når det regner."),
    R("AS-1015", 4, "Gode sandaler",
      "Blød korksål og remme, der er nemme at justere. Ruskindsforet er blevet lidt mørkt af sved "
      "efter en sommer."),
    R("AS-1016", 5, "Perfekte til båden",
      "Tørrer hurtigt og glider ikke på det våde dæk. Velcroen sidder godt fast."),
    R("AS-1017", 2, "Gled på fliserne",
      "Meget glatte på våde fliser i svømmehallen, selv om der står, at de har godt greb. Jeg har "
      "sendt dem retur."),
    R("AS-1018", 5, "Fantastiske chelsea boots",
      "Lækkert voksbehandlet læder og en kraftig sål. Jeg har gået med dem hver dag hele vinteren, "
      "og de ser bedre ud end da jeg fik dem."),
    R("AS-1018", 5, "Gratis iPhone",
      "Klik her for at vinde en gratis iPhone: https://gevinst.example/dk !!!",
      name="Vinder DK", spam=True, note="spam"),
    R("AS-1019", 5, "Min nye favorit",
      "Flot ruskind og en hæl, man kan gå i hele dagen. De har klaret et par regnbyger uden "
      "pletter.", colour="Black"),
    R("AS-1020", 4, "Gode gummistøvler",
      "Helt tætte og behagelige med det bløde for. Lidt tunge, men man kan mærke kvaliteten."),
    R("AS-1021", 3, "Okay til byen",
      "Fine til korte ture, men smalle over vristen, og de bliver lidt klamme indeni efter en hel "
      "dag.", anonymous=True),
    R("AS-1022", 5, "Varme børnestøvler",
      "Vores søn kan selv tage dem på i børnehaven. Tørre og varme fødder efter en hel dag i "
      "sneen."),
    R("AS-1023", 4, "Gode til vandpytter",
      "Solide og nemme at tage på med hankene. Indlægssålen falder lidt for let ud."),
    R("AS-1025", 5, "Til de små vandrere",
      "Vores datter på otte har gået i Mols Bjerge i dem uden at klage. Snørelukningen er nem at "
      "stramme."),
    R("AS-1026", 5, "Verdens bedste hjemmesko",
      "Tyk uldfilt og blød lædersål. Holder fødderne varme på de kolde klinkegulve."),
    R("AS-1027", 5, "Hyggesko",
      "Varme og bløde, og sålen gør, at man ikke glider på trappen. Perfekte til sommerhuset."),
]

# ---------------------------------------------------------------------------
# Finland
# ---------------------------------------------------------------------------
FI = [
    R("AS-1001", 5, "Kuivat jalat koko vaelluksen ajan",
      "Kävelin Karhunkierroksen sateessa, ja jalat pysyivät kuivina koko matkan. Kantapää pysyy "
      "hyvin paikallaan, eikä rakkoja tullut."),
    R("AS-1002", 4, "Hyvät, mutta painavat",
      "Pito märällä kalliolla on erinomainen, ja kengät ovat täysin vedenpitävät. Hieman painavat "
      "lyhyille lenkeille."),
    R("AS-1003", 5, "Oikea tunturikenkä",
      "Vaativat muutaman retken, ennen kuin istuivat kunnolla, mutta nyt ne ovat täydelliset "
      "raskaan rinkan kanssa. Käytin niitä Lapissa koko viikon."),
    R("AS-1004", 1, "Pohja irtosi",
      "Pohja alkoi irrota kärjestä jo kolmen kuukauden käytön jälkeen. Odotin tämänhintaisilta "
      "kengiltä paljon enemmän."),
    R("AS-1005", 5, "Lämpimät ja kevyet",
      "Pärjäsivät hienosti kahdenkymmenen asteen pakkasessa Oulussa. Villapohjallinen pitää jalat "
      "lämpiminä ja kuivina."),
    R("AS-1005", 3, "Mokka sai suolaraitoja",
      "Lämpimät ja mukavat, mutta vaaleaan mokkaan tuli suolaraitoja jo ensimmäisellä viikolla. "
      "Kannattaa suojata heti.", colour="Sand"),
    R("AS-1006", 5, "Pitävät jäällä",
      "Pohja pitää hyvin jäisellä jalkakäytävällä, ja kengät ovat todella lämpimät. Nahka on "
      "laadukasta."),
    R("AS-1007", 4, "Tyylikkäät talvisaappaat",
      "Lämpimät ja näyttävät hyviltä farkkujen kanssa. Varsi on hieman kapea, mutta takana oleva "
      "säätö auttaa."),
    R("AS-1008", 5, "Täydelliset lumitöihin",
      "Lämpimät ja täysin vedenpitävät. Sisäkenkä kuivuu yön aikana patterin päällä."),
    R("AS-1009", 4, "Siistit tennarit",
      "Laadukas nahka ja hyvä istuvuus. Toimitus pakettiautomaattiin kesti viikon, mikä oli "
      "odotettua pidempään."),
    R("AS-1010", 5, "Juuri sopivat",
      "Kapea lesti sopii kapeaan jalkaani täydellisesti. Valkoinen nahka on helppo pitää "
      "puhtaana.", colour="White"),
    R("AS-1010", 5, "Harmi, ettei tätä väriä enää ole",
      "Mustat tennarit ovat edelleen lempikenkäni. Harmi, ettei tätä väriä enää myydä.",
      sku="AS-1010-BLK-37", note="tricky:unknown_sku"),
    R("AS-1011", 3, "Mukavat, mutta eivät sateeseen",
      "Tosi mukavat jalassa, mutta neulos imee vettä heti, kun sataa. Kesäkäyttöön hyvät."),
    R("AS-1013", 4, "Klassiset loaferit",
      "Kaunis nahka ja huolellinen viimeistely. Hiersivät kantapäätä ensimmäisinä päivinä, mutta "
      "nyt ne ovat hyvät."),
    R("AS-1015", 5, "Kesän parhaat sandaalit",
      "Korkkipohja mukautuu jalkaan, ja remmit on helppo säätää. Käytin niitä koko kesän "
      "mökillä."),
    R("AS-1016", 4, "Hyvät vesillä",
      "Kuivuvat nopeasti ja pitävät hyvin märällä laiturilla. Tarranauhat ovat alussa hieman jäykät.",
      anonymous=True),
    R("AS-1017", 2, "Liian isot",
      "Koko on reilusti tavallista suurempi. Lisäksi pohja on liukas märällä laatalla. "
      "Palautin."),
    R("AS-1018", 5, "Kestävät nilkkurit",
      "Vahattu nahka on saanut kauniin patinan. Pohja pitää hyvin loskassa ja soralla."),
    R("AS-1019", 5, "Tyylikkäät ja mukavat",
      "Korko on matala ja tukeva, joten niillä jaksaa kävellä koko päivän. Mokka on kestänyt "
      "pienet sadekuurot."),
    R("AS-1020", 5, "Kumisaappaat, jotka kestävät",
      "Keltaiset saappaat pitävät veden ulkona ja näyttävät hyviltä. Sivusolki estää vartta "
      "lepattamasta.", colour="Yellow"),
    R("AS-1021", 3, "Kelpaavat kaupunkiin",
      "Kevyet ja helppo vetää jalkaan, mutta jalat hikoavat niissä pitkän päivän aikana."),
    R("AS-1022", 5, "Paras valinta päiväkotiin",
      "Poikamme saa kengät jalkaan itse tarranauhan ansiosta. Jalat pysyvät kuivina ja "
      "lämpiminä koko päivän."),
    R("AS-1023", 5, "Kurarallin voittaja",
      "Kestävät kuralätäköt ja hiekkalaatikon. Kahvat helpottavat pukemista."),
    R("AS-1024", 4, "Hyvät sisäliikuntaan",
      "Pohja ei jätä jälkiä liikuntasalin lattiaan, ja tarranauhat ovat helpot. Kärki on aluksi "
      "hieman kova."),
    R("AS-1026", 5, "Lämpimät tossut",
      "Paksu villahuopa pitää jalat lämpiminä kylmällä lattialla. Nahkapohja on pehmeä."),
]

# ---------------------------------------------------------------------------
# Germany
# ---------------------------------------------------------------------------
DE = [
    R("AS-1001", 5, "Trockene Füße auf dem Rennsteig",
      "Bin den Rennsteig bei Dauerregen gelaufen und hatte die ganze Zeit trockene Füße. Die "
      "Ferse sitzt fest, Blasen hatte ich keine. Klare Kaufempfehlung!"),
    R("AS-1002", 5, "Top-Wanderschuhe",
      "Habe sie in den Alpen und im Harz getragen. Der Grip auf nassem Fels ist hervorragend, und "
      "nach zwei kurzen Touren waren sie eingelaufen."),
    R("AS-1002", 4, "Gut, fallen aber groß aus",
      "Verarbeitung und Dichtigkeit sind einwandfrei. Einen Stern Abzug, weil sie etwa eine halbe "
      "Nummer größer ausfallen. Mit dicken Socken passt es.", colour="Black"),
    R("AS-1003", 5, "Ein echter Bergstiefel",
      "Am Anfang recht steif, aber nach ein paar Touren sitzen sie perfekt. Mit Steigeisen auf "
      "dem Gletscher kein Problem."),
    R("AS-1004", 4, "Leicht und bequem",
      "Direkt aus dem Karton bequem, ganz ohne Einlaufen. Für Tagestouren ideal, mit schwerem "
      "Rucksack fehlt mir etwas Stabilität."),
    R("AS-1005", 5, "Endlich warme Füße",
      "Auch bei minus 15 Grad im Allgäu keine kalten Füße. Der Innenreißverschluss ist praktisch, "
      "die Wolleinlegesohle ein echter Gewinn."),
    R("AS-1005", 5, "Günstige Designer-Schuhe!!!",
      "Markenschuhe bis zu 90 % billiger, nur heute auf www.schuh-schnaeppchen.example !!! Jetzt "
      "bestellen!!!", name="Schnäppchen24", spam=True, note="spam"),
    R("AS-1006", 4, "Warm und griffig",
      "Sehr warm und rutschfest auf vereisten Gehwegen. Etwas schwer und anfangs steif, aber das "
      "Leder ist klasse.", name="Jürgen Schäfer", anonymous=True,
      note="tricky:anonymous_with_name"),
    R("AS-1007", 3, "Schön, aber eng am Schaft",
      "Das Leder ist wunderschön, aber der Schaft ist für kräftigere Waden zu eng. Mit der "
      "Weitenregulierung geht es gerade so."),
    R("AS-1009", 5, "Zeitlos und bequem",
      "Weiße Ledersneaker, die zu allem passen. Das Kork-Fußbett passt sich dem Fuß an, und dass "
      "man sie neu besohlen lassen kann, finde ich super.", colour="White"),
    R("AS-1009", 2, "Lieferung dauerte ewig",
      "Die Schuhe selbst sind gut, aber die Lieferung hat fast zwei Wochen gedauert, und die "
      "Sendungsverfolgung hat tagelang nichts angezeigt. Dafür zwei Sterne."),
    R("AS-1010", 5, "Perfekte Passform",
      "Endlich Sneaker, die an meinem schmalen Fuß nicht rutschen. Das Leder ist weich und die "
      "Sohle sauber vernäht."),
    R("AS-1011", 4, "Wie auf Wolken",
      "Superleicht und bequem, und man kann sie bei 30 Grad waschen. Bei Regen werden sie "
      "allerdings schnell nass."),
    R("AS-1012", 4, "Schicker Retro-Look",
      "Wildleder und Gummisohle sehen richtig gut aus. Leider quietscht die Sohle etwas auf "
      "glatten Böden.", colour="Navy/White"),
    R("AS-1013", 5, "Handwerk aus Italien",
      "Man merkt die Qualität der handgenähten Mokassin-Machart. Sie passen wie angegossen und "
      "sehen im Büro sehr elegant aus.", colour="Burgundy"),
    R("AS-1014", 3, "Bequem, aber empfindlich",
      "Sehr bequem und vielseitig, weil man die Ferse herunterklappen kann. Das Wildleder hatte "
      "aber schon nach dem ersten Regen Flecken."),
    R("AS-1015", 5, "Meine Lieblingssandalen",
      "Das Korkfußbett ist angenehm weich, und die Riemen lassen sich gut einstellen. Haben den "
      "ganzen Urlaub an der Ostsee durchgehalten."),
    R("AS-1016", 4, "Gute Trekkingsandalen",
      "Trocknen schnell und haben viel Grip auf nassen Steinen. Die Klettverschlüsse sind etwas "
      "laut."),
    R("AS-1017", 3, "Nichts Besonderes",
      "Bequem nach dem Sport, auf nassen Fliesen aber eher rutschig. Für den Preis hätte ich mehr "
      "erwartet."),
    R("AS-1018", 5, "Beste Chelsea Boots",
      "Das gewachste Leder bekommt eine tolle Patina, und die Profilsohle hält auch Schneematsch "
      "stand. Dazu rahmengenäht und neu besohlbar. Top!"),
    R("AS-1018", 5, "Great boots",
      "Bought these while working in Munich. Warm enough for the winter and they look great with "
      "jeans.", name="Mark Davies", language="en", note="case:other_language"),
    R("AS-1019", 5, "Elegant und alltagstauglich",
      "Der Blockabsatz ist bequem, und das imprägnierte Wildleder hat auch Nieselregen gut "
      "überstanden.", anonymous=True),
    R("AS-1020", 4, "Solide Gummistiefel",
      "Absolut dicht und dank Baumwollfutter bequem. Am Schaft etwas weit, aber die Schnalle "
      "hilft."),
    R("AS-1021", 2, "Nach kurzer Zeit undicht",
      "Nach zwei Monaten hatte der linke Stiefel einen Riss in der Knickfalte. Der Umtausch lief "
      "problemlos, trotzdem ärgerlich."),
    R("AS-1022", 5, "Kita-tauglich",
      "Unser Sohn zieht die Stiefel dank Klettverschluss selbst an. Nach einem Tag im Schnee sind "
      "die Füße trocken und warm, und die Reflektoren sind super."),
    R("AS-1024", 5, "Robuste Hallenschuhe",
      "Die Sohle hinterlässt keine Streifen in der Turnhalle, und die Zehenkappe hält einiges "
      "aus."),
    R("AS-1026", 5, "Gemütliche Hausschuhe",
      "Dicker Wollfilz, weiche Ledersohle – meine Füße sind den ganzen Abend warm. Gleich ein "
      "zweites Paar als Geschenk bestellt."),
]

# ---------------------------------------------------------------------------
# Netherlands
# ---------------------------------------------------------------------------
NL = [
    R("AS-1001", 5, "Droge voeten op de Veluwe",
      "Drie dagen gewandeld in de stromende regen en mijn voeten bleven droog. De hiel zit "
      "stevig en ik heb geen blaren gehad."),
    R("AS-1002", 5, "Uitstekende wandelschoenen",
      "Gedragen in de Ardennen en in Oostenrijk. Veel grip op natte rotsen, en na een paar korte "
      "wandelingen liepen ze heerlijk."),
    R("AS-1002", 4, "Goed, maar let op de maat",
      "Stevige schoen die echt waterdicht is. Ze vallen wel een halve maat groot. Ik heb een "
      "filmpje van mijn eerste tocht gemaakt: https://video.example/wandelen-ardennen",
      note="tricky:url"),
    R("AS-1004", 4, "Licht en comfortabel",
      "Meteen comfortabel, inlopen was niet nodig. De zool is wel wat zacht voor lange tochten "
      "met een zware rugzak."),
    R("AS-1005", 5, "Lekker warm",
      "Heerlijk warme laarzen voor op de fiets naar mijn werk. De rits aan de binnenkant is "
      "handig."),
    R("AS-1006", 4, "Goed tegen gladheid",
      "Warm en waterdicht, met een zool die goed grip heeft bij ijzel. Wel wat zwaar."),
    R("AS-1007", 3, "Mooi, maar krap bij de kuit",
      "Prachtig leer, maar de schacht is krap als je stevige kuiten hebt. Met de verstelbare "
      "inzet aan de achterkant gaat het net."),
    R("AS-1008", 4, "Top in de sneeuw",
      "Warm en helemaal waterdicht tijdens onze wintersport. De binnenschoen droogt snel."),
    R("AS-1009", 5, "Mooie leren sneakers",
      "Strak model dat zowel onder een pak als onder een spijkerbroek past. Het kurken voetbed "
      "vormt zich naar je voet.", colour="Navy"),
    R("AS-1010", 4, "Mooi, maar valt klein",
      "Mooi leer en netjes afgewerkt. Ze vallen wel een halve maat klein; ik heb ze omgeruild "
      "voor een maat groter.", name="Lotte van den Berg", note="case:name_particle"),
    R("AS-1011", 5, "Als sokken met een zool",
      "Superlicht en je kunt ze in de wasmachine doen. Ideaal voor de zomer en op vakantie."),
    R("AS-1011", 2, "Snel versleten",
      "Na drie maanden zat er al een gat in het gebreide bovenwerk bij mijn kleine teen. Jammer, "
      "want ze zitten heerlijk."),
    R("AS-1012", 5, "Retro en comfortabel",
      "Suède met een rubberen zool, het ziet er echt uit zoals vroeger. Zaten vanaf de eerste dag "
      "goed."),
    R("AS-1013", 4, "Klassieke loafers",
      "Mooi handwerk en zacht leer. De eerste week schuurden ze wat bij de hiel, nu zitten ze "
      "prima."),
    R("AS-1015", 5, "Fijne sandalen",
      "Het kurken voetbed is zacht en de bandjes zijn goed verstelbaar. De gespen roesten niet, "
      "ook niet aan zee."),
    R("AS-1017", 2, "Glad op natte tegels",
      "Lekker na het sporten, maar spekglad op natte tegels bij het zwembad. Teruggestuurd."),
    R("AS-1018", 5, "Worden alleen maar mooier",
      "Het gewaxte leer krijgt een prachtig patina en de zool kan tegen regen en grind. Bovendien "
      "kun je ze laten verzolen."),
    R("AS-1019", 5, "Elegant en comfortabel",
      "De blokhak loopt prettig en het suède heeft een paar regenbuien prima doorstaan.",
      anonymous=True),
    R("AS-1020", 5, "Onverwoestbare regenlaarzen",
      "Waterdicht en comfortabel, ook bij het uitlaten van de hond in de polder. De gesp aan de "
      "zijkant is handig.", colour="Olive"),
    R("AS-1021", 3, "Prima voor kort gebruik",
      "Handig om even naar de markt te gaan, maar na een paar uur krijg je klamme voeten."),
    R("AS-1022", 5, "Warme voeten op het schoolplein",
      "Onze dochter trekt ze zelf aan dankzij het klittenband. Ook na een hele dag in de sneeuw "
      "warme en droge voeten."),
    R("AS-1023", 4, "Stoer in de plassen",
      "Stevige laarsjes met handige lussen om ze aan te trekken. Het binnenzooltje schuift soms "
      "een beetje."),
    R("AS-1024", 5, "Goede gymschoenen",
      "Geven geen strepen op de gymzaalvloer, en met het klittenband kan onze zoon ze zelf "
      "aandoen."),
    R("AS-1027", 4, "Heerlijke sloffen",
      "Warm en zacht, met een zool die niet glijdt op de trap. Het vilt pluist wel een beetje."),
]

# ---------------------------------------------------------------------------
# United Kingdom (British English)
# ---------------------------------------------------------------------------
LONG_GB = (
    "I've owned a lot of walking boots over the last twenty years, so I thought it was worth "
    "writing a proper review rather than just leaving the stars.\n\n"
    "Fit: I'm a 43 in most brands and the 43 fits well with a medium-weight merino sock. There's "
    "a bit of room in the forefoot, which I like on long descents, and my heel doesn't lift. If "
    "you have narrow feet you may want a thicker sock or a different insole.\n\n"
    "Breaking in: they were wearable straight away for short walks, but it took three or four "
    "outings of around ten miles before the tongue stopped pressing on the top of my foot. Since "
    "then they've been very comfortable.\n\n"
    "Waterproofing: this is where they really shine. I've been through bogs on Dartmoor, waded a "
    "couple of swollen streams in Snowdonia and spent a whole day in horizontal rain on Kinder "
    "Scout, and my feet have stayed dry every time. The gusseted tongue makes a real difference "
    "when you're walking through wet grass up to your ankles.\n\n"
    "Grip: the lugs bite well on wet rock, mud and grass. They're not quite as sure-footed on wet "
    "limestone as my old boots, but then nothing really is. The tread does seem to shed mud "
    "better than most.\n\n"
    "Comfort on the flat: I've also worn them for a couple of long days on towpaths and old "
    "railway lines, which is where stiff boots usually punish me. The midsole has enough give "
    "that my feet weren't aching at the end, and the shank stops the sole folding on rough "
    "ground, so they feel stable without being clumpy.\n\n"
    "Weight: they're not light. You notice it towards the end of a long day, and if you mostly "
    "walk on good paths a lighter boot might suit you better.\n\n"
    "Durability: after roughly 300 miles the nubuck has a few scuffs, the toe cap has done its "
    "job and all the stitching is intact. The sole shows some wear at the heel but nothing "
    "worrying.\n\n"
    "Niggles: the laces they came with were too short to use the top hooks comfortably with a "
    "thick sock, so I replaced them. The insole is fairly basic and I swapped it for one with more "
    "arch support. Delivery was quick, although the box arrived slightly squashed.\n\n"
    "Overall: a very good three-season boot that I'd happily buy again. Four stars rather than "
    "five only because of the weight and the basic insole. If you walk in the wet British hills, "
    "they're well worth a look."
)

GB = [
    R("AS-1001", 5, "Dry feet on the Pennine Way",
      "Walked a very wet week of the Pennine Way in these and my feet stayed bone dry. The heel "
      "locks in nicely and there's plenty of room for my toes. Not a single blister."),
    R("AS-1002", 5, "Brilliant boots",
      "Took them up Snowdon and round the Lakes. Superb grip on wet rock, and they were "
      "comfortable after a couple of short walks. A bit heavy, but worth it."),
    R("AS-1002", 4, "A very good three-season boot", LONG_GB, colour="Brown", size="43",
      note="tricky:long_text"),
    R("AS-1003", 4, "Proper mountain boots",
      "Stiff out of the box and they needed a good few walks to break in, but now they're "
      "excellent with a heavy pack. Used them with crampons on Ben Nevis with no trouble."),
    R("AS-1004", 5, "Light and comfy",
      "Comfortable straight away with no breaking in. Perfect for day walks in the Peak "
      "District."),
    R("AS-1005", 4, "Warm, but mind the salt",
      "Lovely and warm, and the inside zip makes them quick to pull on. The suede picked up salt "
      "marks on the first gritted pavements, so spray them before you wear them."),
    R("AS-1006", 5, "Kept my feet warm in the Cairngorms",
      "Warm and grippy on icy paths, and the padded collar keeps the snow out. Excellent quality "
      "leather."),
    R("AS-1007", 5, "Gorgeous boots",
      "The cognac leather is beautiful and they zip up over skinny jeans. Surprisingly steady on "
      "icy pavements.", colour="Cognac"),
    R("AS-1009", 5, "Smart and comfortable",
      "White leather trainers that go with everything. The cork footbed has moulded to my feet, "
      "and I love that they can be resoled.", colour="White"),
    R("AS-1009", 3, "Lovely trainers, poor delivery",
      "The trainers themselves are great, but the parcel was left out in the rain and the box was "
      "soaked through. It took three emails to get a reply from customer service."),
    R("AS-1009", 5, "Cheap designer trainers",
      '=HYPERLINK("http://cheap-trainers.example","Designer trainers from £19.99 - click here")',
      name="Trainer Deals UK", spam=True, note="spam;tricky:formula"),
    R("AS-1010", 4, "Comfy, but come up small",
      "Really nice soft leather and a slim fit. They come up about half a size small, so I "
      "swapped them for a 39.", size="39"),
    R("AS-1011", 3, "Comfortable, but not for British weather",
      "Like wearing slippers, but the knit soaks up water the moment it starts to drizzle. Fine "
      "for summer."),
    R("AS-1012", 5, "Proper retro trainers",
      "Suede with a gum sole, just like the ones I had in the eighties. Comfy from day one."),
    R("AS-1013", 5, "Beautifully made",
      "You can tell these are hand-sewn. They rubbed a little at the heel for the first few days "
      "but they're now the comfiest shoes I own.", colour="Burgundy"),
    R("AS-1014", 4, "Soft and versatile",
      "I love that you can fold the heel down and wear them as mules. The suede does mark easily "
      "in the rain."),
    R("AS-1015", 5, "Best sandals I've owned",
      "The cork footbed is soft and the straps are easy to adjust. Wore them all holiday in "
      "Cornwall and the buckles haven't rusted."),
    R("AS-1017", 2, "Slippery when wet",
      "Comfortable enough after the gym, but lethal on wet changing-room tiles. Sent them back."),
    R("AS-1018", 5, "Will last for years",
      "Waxed leather that's already developing a lovely patina. Great grip on wet pavements, and "
      "they can be resoled when the time comes."),
    R("AS-1019", 4, "Smart and easy to wear",
      "Easy to walk in all day thanks to the block heel. Slightly stiff at first, but they "
      "softened up within a week.", anonymous=True),
    R("AS-1020", 5, "Perfect for muddy dog walks",
      "Completely waterproof and the cotton lining is comfy. The side buckle stops them flapping "
      "round my calves.", colour="Olive"),
    R("AS-1021", 2, "Split after a few months",
      "The rubber cracked across the toe crease after about four months of light use. "
      "Disappointing."),
    R("AS-1022", 5, "Great for nursery",
      "Our little one can put them on by herself thanks to the single strap. Warm, dry feet after "
      "a snowy day out, and the reflective bits are a bonus on dark afternoons."),
    R("AS-1023", 4, "Puddle-proof",
      "Sturdy wellies with handy pull-on loops. The insole slips out a bit too easily."),
    R("AS-1026", 5, "Cosy slippers",
      "Thick wool felt and a soft leather sole. Toasty feet all evening in our draughty old "
      "house."),
    R("AS-1027", 5, "Like a hug for your feet",
      "Wonderfully warm, and the sole grips our wooden stairs. Bought a second pair for my mum."),
]

# ---------------------------------------------------------------------------
# United States (American English)
# ---------------------------------------------------------------------------
US = [
    R("AS-1001", 5, "Dry feet on the AT",
      "Hiked a rainy section of the Appalachian Trail in Vermont and my feet stayed completely "
      "dry. Great heel lock and plenty of room in the toe box. Zero blisters."),
    R("AS-1002", 5, "Best hiking boots I've owned",
      "Wore them in the White Mountains and for a week in Glacier. Grip on wet granite is "
      "excellent and they broke in after a couple of short hikes."),
    R("AS-1002", 4, "Great boots, a little roomy",
      "Solid construction and truly waterproof. Taking off one star because they run about a half "
      "size big. Thicker socks fixed it."),
    R("AS-1003", 5, "Serious mountain boot",
      "Stiff at first, but after a few trips they fit like a glove under a heavy pack. Used them "
      "with strap-on crampons on a glacier course in the Cascades."),
    R("AS-1005", 5, "Warm and cute",
      "Survived a Minneapolis winter with warm, dry feet. The inside zipper makes them easy to get "
      "on, and the wool insole is a game changer."),
    R("AS-1006", 5, "Built for real winters",
      "I live in upstate New York and these handled lake-effect snow and icy sidewalks with no "
      "problem. Quality leather, great traction."),
    R("AS-1008", 4, "Great for shoveling",
      "Warm and totally waterproof, and the liner dries overnight. A bit clunky for driving.",
      name="Jennifer Walsh", anonymous=True, note="tricky:anonymous_with_name"),
    R("AS-1009", 5, "My everyday sneakers",
      "Clean white leather sneakers that go with everything. The cork footbed molded to my feet "
      "in a couple of weeks. Love that they can be resoled.", colour="White"),
    R("AS-1009", 2, "Shipping took forever",
      "Shoes are nice, but they took twelve days to arrive and tracking didn't update for a week. "
      "Expected better for the price."),
    R("AS-1010", 5, "Finally a narrow sneaker",
      "The slimmer last fits my narrow feet perfectly. Soft leather, and the perforations keep "
      "them from getting too warm.", colour="Pink"),
    R("AS-1010", 5, "A gift she loves",
      "Bought these for my daughter and she hasn't taken them off since.", colour="Sand",
      time="2027-01-15T10:12:00", note="tricky:future_time"),
    R("AS-1011", 4, "Super comfy",
      "Like walking on clouds, and you can throw them in the washer. Not great in the rain, "
      "though."),
    R("AS-1012", 5, "Retro vibes",
      "The suede and gum sole look just like the court shoes I had as a kid. Comfortable right "
      "out of the box."),
    R("AS-1013", 4, "Classic penny loafers",
      "Beautiful leather and stitching. They rubbed my heel for the first few days, but they've "
      "broken in nicely.", colour="Cognac"),
    R("AS-1015", 4, "Comfy sandals",
      "The cork footbed is soft and the straps adjust easily. The suede lining darkened a bit "
      "over the summer."),
    R("AS-1016", 5, "Great river sandals",
      "Dry fast and grip well on slick rocks. Wore them on a float trip down the Buffalo River "
      "and never slipped once."),
    R("AS-1017", 3, "They're okay",
      "Comfortable after a workout, but they run large and the footbed gets slippery when wet."),
    R("AS-1018", 5, "Worth every penny",
      "The waxed leather is developing a great patina and the lug sole handles slush and gravel. "
      "Plus they can be resoled."),
    R("AS-1019", 5, "Love these",
      "The block heel is easy to walk in all day, and the suede has held up to a couple of rain "
      "showers.", colour="Sand"),
    R("AS-1020", 4, "Solid rain boots",
      "Totally waterproof and comfortable with the cotton lining. A bit wide at the calf, but the "
      "buckle helps.", colour="Navy"),
    R("AS-1020", 5, "Make $500 a day",
      "Work from home and make $500 a day!!! Visit www.easy-cash.example/us now, limited "
      "spots!!!", name="EasyCash", spam=True, note="spam"),
    R("AS-1021", 1, "Cracked within weeks",
      "The rubber split at the toe after three weeks. Customer service offered a refund, but I'm "
      "still disappointed."),
    R("AS-1022", 5, "Daycare approved",
      "Our son can put them on himself thanks to the single strap. Warm, dry feet after a full "
      "day in the snow.", anonymous=True),
    R("AS-1024", 4, "Good gym shoes",
      "Non-marking sole for the school gym and easy straps. The toe was a little stiff at "
      "first."),
    R("AS-1026", 5, "Cozy slippers",
      "Thick wool felt and a soft leather sole. My feet stay warm on our cold hardwood floors all "
      "evening.", name="Mary Ellen Carter", note="case:double_first_name"),
    R("AS-1028", 5, "Best slippers ever",
      "Soft shearling and a sole sturdy enough to run out for the mail. My husband hasn't taken "
      "them off since Christmas.", name="Karen Mitchell", time="2026-01-09T20:41:00"),
]

REVIEWS = {"NO": NO, "SE": SE, "DK": DK, "FI": FI, "DE": DE, "NL": NL, "GB": GB, "US": US}


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------
def load_markets(data: Path) -> dict[str, dict]:
    """markets.toml's markets in file order: the country, language and time zone of each."""
    with (data / "markets.toml").open("rb") as fh:
        return tomllib.load(fh)["markets"]


def load_catalogue(data: Path) -> tuple[dict[str, str], dict[str, str],
                                        dict[tuple[str, str], dict[str, str]]]:
    """(product_type by style, gender by style, {(style, colour): {size: sku}}) from catalogue.csv."""
    product_type: dict[str, str] = {}
    gender: dict[str, str] = {}
    variants: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    with (data / "catalogue.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            product_type[row["style_id"]] = row["product_type"]
            gender[row["style_id"]] = row["gender"]
            variants[(row["style_id"], row["color"])][row["size"]] = row["sku"]
    return product_type, gender, variants


def take_name(pools: dict[str, list[str]], gender: str) -> str:
    """The next unused name of the style's gender (unisex: the larger pool; either when one runs dry)."""
    if gender not in pools or not pools[gender]:
        gender = max(pools, key=lambda g: (len(pools[g]), g == "female"))
    if not pools[gender]:
        raise SystemExit("not enough reviewer names for this market")
    return pools[gender].pop()


def review_time(rng: random.Random, months: set[int], tz: ZoneInfo) -> datetime:
    """A local time in the review window whose month suits the product's season."""
    span = (LAST_DAY - FIRST_DAY).days
    while True:
        day = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
        if day.month in months:
            break
    seconds = rng.randrange(7 * 3600, 23 * 3600)   # people write reviews between 07:00 and 23:00
    naive = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)
    return naive.replace(tzinfo=tz)


def pick_sku(rng: random.Random, review: R, variants: dict, method: str) -> str:
    """The variant the reviewer bought: known after an order, or when the text names colour/size."""
    if review.sku:
        return review.sku
    if method == "unsolicited" and not (review.colour or review.size):
        return ""
    colours = sorted(c for (style, c) in variants if style == review.style)
    colour = review.colour or rng.choice(colours)
    sizes = variants.get((review.style, colour))
    if not sizes:
        raise SystemExit(f"{review.style}: no colour {colour!r} in the catalogue")
    size = review.size or rng.choice(sorted(sizes, key=float))
    if size not in sizes:
        raise SystemExit(f"{review.style} {colour}: no size {size} in the catalogue")
    return sizes[size]


def build_rows(data: Path) -> list[dict[str, str]]:
    markets = load_markets(data)
    product_type, gender, variants = load_catalogue(data)
    rng = random.Random(SEED)
    rows: list[dict[str, str]] = []
    for market_id, market in markets.items():
        reviews = REVIEWS[market_id]
        tz = ZoneInfo(market["timezone"])
        names = list(NAMES[market_id])
        rng.shuffle(names)
        pools = {"female": [n for n in names if n.split()[0] in FEMALE],
                 "male": [n for n in names if n.split()[0] not in FEMALE]}
        for number, review in enumerate(reviews, start=1):
            unknown = "tricky:unknown_style" in review.note
            if not unknown and review.style not in product_type:
                raise SystemExit(f"{market_id} review {number}: unknown style {review.style}")
            method = ("unsolicited" if review.spam or rng.random() >= POST_FULFILLMENT_SHARE
                      else "post_fulfillment")
            if review.time:
                when = datetime.fromisoformat(review.time).replace(tzinfo=tz)
            else:
                when = review_time(rng, SEASON_BY_TYPE.get(product_type.get(review.style, ""), ANY), tz)
            if review.name is not None:
                name = review.name
            elif review.anonymous:
                name = ""
            else:
                name = take_name(pools, gender.get(review.style, "unisex"))
            rows.append({
                "review_id": f"{market['country'].lower()}-{number:04d}",
                "style_id": review.style,
                "sku": pick_sku(rng, review, variants, method),
                "rating": str(review.rating),
                "title": review.title,
                "text": review.text,
                "reviewer_name": name,
                "reviewer_anonymous": "true" if review.anonymous else "false",
                "review_time": when.isoformat(timespec="seconds"),
                "language": review.language or market["language"],
                "country": market["country"],
                "collection_method": method,
                "is_spam": "true" if review.spam else "false",
                "note": review.note,
            })
    rows.sort(key=lambda r: r["review_id"])
    return rows


def write_reviews(data: Path, output: Path) -> list[dict[str, str]]:
    rows = build_rows(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n",
                                quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def summary(rows: list[dict[str, str]]) -> str:
    """Counts per language and rating, for the commit message and the report."""
    by_lang = Counter(r["language"] for r in rows)
    by_rating = Counter(r["rating"] for r in rows)
    late = sum(1 for r in rows if r["review_time"][:10] > "2026-11-22" and not r["note"])
    tricky = sum(1 for r in rows if r["note"])
    return (f"{len(rows)} reviews; languages {dict(sorted(by_lang.items()))}; "
            f"ratings {dict(sorted(by_rating.items()))}; {tricky} tagged rows; "
            f"{late} ordinary reviews dated after 2026-11-22")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"project folder with markets.toml and catalogue.csv (default: {DEFAULT_DATA})")
    parser.add_argument("--output", type=Path, default=None,
                        help="output CSV path (default: DATA/reviews.csv)")
    args = parser.parse_args(argv)
    rows = write_reviews(args.data, args.output or args.data / "reviews.csv")
    print(summary(rows), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
