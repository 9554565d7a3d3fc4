"""Write surveyapp/data/common-passwords.txt from well-known password patterns.

The list is generated, not copied from any breach corpus: common base words
(the ones that head every published "most common passwords" list, plus local
words people in Tayside reach for) combined with the usual suffixes, years and
keyboard walks. Only entries of 8 or more characters are kept, because shorter
passwords are refused for their length anyway. Run from the project root:

    python tools/make_common_passwords.py
"""
from __future__ import annotations

from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "surveyapp" / "data" / "common-passwords.txt"
MIN_LENGTH = 8

BASE_WORDS = ["password", "passw0rd", "p@ssword", "p@ssw0rd", "pa55word", "pa55w0rd", "passwort", "motdepasse", "contrasena", "letmein", "welcome", "welcome1", "iloveyou", "sunshine", "princess", "football", "baseball", "basketball", "dragon", "monkey", "shadow", "master", "superman", "batman", "spiderman", "trustno1", "whatever", "freedom", "starwars", "pokemon", "minecraft", "fortnite", "michael", "jennifer", "jessica", "charlie", "thomas", "jordan", "hunter", "ranger", "buster", "soccer", "hockey", "killer", "george", "andrew", "daniel", "robert", "matthew", "joshua", "anthony", "william", "jasmine", "ashley", "nicole", "amanda", "samantha", "elizabeth", "chocolate", "butterfly", "flower", "flowers", "cookie", "cheese", "banana", "orange", "purple", "yellow", "silver", "golden", "diamond", "summer", "winter", "spring", "autumn", "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "friday", "saturday", "sunday", "computer", "internet", "secret", "secure", "admin", "administrator", "changeme", "default", "login", "access", "hello", "goodbye", "family", "friends", "forever", "lovely", "angel", "angels", "blessed", "jesus", "christ", "heaven", "nothing", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbnm", "azerty", "abcdef", "abcdefgh", "abc123", "letmein1", "liverpool", "arsenal", "chelsea", "manchester", "united", "celtic", "rangers", "hearts", "hibernian", "aberdeen", "dundee", "dundeeutd", "dundeeunited", "tayside", "angus", "perth", "perthshire", "kinross", "forfar", "arbroath", "montrose", "brechin", "carnoustie", "kirriemuir", "broughtyferry", "scotland", "scotland1", "scottish", "edinburgh", "glasgow", "highlands", "thistle", "saltire", "tartan", "whisky", "haggis", "nessie", "nhstayside", "nhsscotland", "healthcare", "socialcare", "nursing", "nurse", "doctor", "council", "partnership", "recovery", "wellbeing", "leadership", "leader", "manager", "director", "service", "services", "survey", "surveyapp", "selfassessment", "assessment", "office", "company", "business", "support", "helpdesk", "student", "teacher", "school", "college", "university", "london", "england", "britain", "mustang", "ferrari", "porsche", "mercedes", "corvette", "harley", "yankees", "dolphins", "cowboys", "lakers", "eagles", "tigers", "lions", "panthers", "maggie", "molly", "bailey", "buddy", "daisy", "lucky", "teddy", "tigger", "rocky", "snoopy"]

SUFFIXES = ["", "1", "2", "12", "123", "1234", "12345", "123456", "!", "1!", "12!", "123!",
            "01", "69", "99", "007", "11", "13", "21", "22", "23", "00", "#1", "@123"]
YEARS = [str(year) for year in range(1990, 2031)]

SEQUENCES = ["12345678", "123456789", "1234567890", "0123456789", "01234567", "87654321", "987654321", "9876543210", "12341234", "11223344", "11112222", "12121212", "13131313", "69696969", "88888888", "12344321", "147258369", "123123123", "123321123", "147852369", "159753159", "741852963", "789456123", "456789123", "852456789", "qwertyui", "qwertyuiop", "qwerty12", "qwerty123", "qwerty1234", "qwer1234", "1234qwer", "qwertyu1", "asdfghjk", "asdfghjkl", "asdf1234", "1234asdf", "zxcvbnm1", "zxcv1234", "zxcvbnm123", "azertyuiop", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx", "1qaz2wsx3edc", "qazwsxedc", "qweasdzxc", "zaq12wsx", "zaq1zaq1", "!qaz2wsx", "q1w2e3r4", "q1w2e3r4t5", "a1b2c3d4", "1a2b3c4d", "abcd1234", "abc12345", "aa123456", "a1234567", "1234567a", "abcdefg1", "aaaaaaa1", "password1", "passw0rd1", "iloveyou1", "iloveyou2", "iloveyou!", "ihateyou", "imissyou", "loveyou1", "trustno1", "letmein!", "thequickbrownfox", "opensesame", "mypassword", "yourpassword", "passphrase", "mypassphrase", "changeit", "changeme1", "changeme!", "newpassword", "oldpassword", "temppassword", "temp1234", "default1", "welcome123", "welcome!", "welcome1!", "administrator1", "rootroot", "adminadmin", "guestguest", "useruser", "testtest", "test1234", "testing123", "qwertyqwerty", "passwordpassword", "correcthorsebatterystaple", "thequickbrownfoxjumpsoverthelazydog"]

PHRASES = [  # famous enough that anyone guessing tries them first
    "correct horse battery staple",
    "the quick brown fox jumps over the lazy dog",
    "to be or not to be",
    "may the force be with you",
    "i love you",
    "let me in please",
]


def repeated_characters() -> list[str]:
    """Return one character typed 8 to 12 times, for every digit and letter."""
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    return [c * n for c in chars for n in (8, 9, 10, 11, 12)]


def word_variants() -> list[str]:
    """Return each base word with the usual suffixes and years."""
    out = []
    for word in BASE_WORDS:
        out += [word + suffix for suffix in SUFFIXES]
        out += [word + year for year in YEARS]
        out += [word + year + "!" for year in YEARS[-12:]]  # Summer2024! style
    return out


def sequences() -> list[str]:
    """Return keyboard walks, number runs and famous phrases."""
    return SEQUENCES + PHRASES


def build() -> list[str]:
    """Return the sorted, de-duplicated list of entries long enough to matter."""
    entries = {e.casefold() for e in sequences() + repeated_characters() + word_variants()}
    return sorted(e for e in entries if len(e) >= MIN_LENGTH)


def main() -> None:
    """Write the list with a header saying where it came from."""
    entries = build()
    header = [
        "# Common passwords refused by surveyapp (one per line, compared ignoring letter case).",
        "# Generated by tools/make_common_passwords.py from well-known patterns, not copied",
        f"# from any breach corpus: {len(entries)} entries. See docs/security.md.",
    ]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(header + entries) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} entries to {OUTPUT}")


if __name__ == "__main__":
    main()
