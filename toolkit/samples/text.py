"""Writing ticket and message text: templates with alternatives, slots, typos, greetings, signatures.

Templates use ``{a|b|c}`` for alternatives (nestable) and ``<slot>`` for values drawn
per text (``<invoice>``, ``<version>``, ``<browser>``...). Combining a handful of
templates with alternatives, optional sentences, greetings, signatures, typos and
quoted earlier mails gives paraphrases rather than copies.

Text generation is inherently one string at a time; :class:`Writer` draws its random
numbers in blocks from a seeded numpy Generator so that the per-string work stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

_CHOICE = re.compile(r"\{([^{}]*)\}")
_SLOT = re.compile(r"<([a-z_]+)>")
_TIDY = re.compile(r"(?<=\S) {2,}")  # spaces left by empty alternatives

CUSTOMER_GREETINGS = ("", "", "Hi,", "Hello,", "Hi there,", "Hello team,", "Dear Northwind support,", "Hey,",
                      "Good morning,", "Hi Northwind,", "Hi support,", "Good afternoon,", "Dear Sir or Madam,",
                      "hi", "Hello Northwind Cloud team,")
CUSTOMER_OPENERS = ("Hope you're well.", "I hope someone can help.", "Sorry to bother you again.",
                    "Quick one from us.", "We need some help please.", "Not sure who to ask about this.",
                    "First time contacting you, so bear with me.", "Writing on behalf of our finance team.",
                    "Following up on a call with my colleague.")
CUSTOMER_SIGNATURES = ("", "", "Thanks,\n<first>", "Regards,\n<name>\n<org>", "Best,\n<first>\n<phone>",
                       "Cheers, <first>", "Sent from my iPhone", "<name> | <title> | <org>\nT: <phone>",
                       "Many thanks\n<name>", "Thank you!", "Kind regards,\n<name>\n<title>, <org>",
                       "Thx", "--\n<name>\n<email>", "Thanks in advance,\n<first>")
CUSTOMER_ASKS = ("Can you help?", "Could you look into this please?", "Please advise.",
                 "Can someone call me back on <phone>?", "Please get back to me asap.",
                 "Let me know if you need anything else from me.", "Thanks for your help.", "Thanks!",
                 "Appreciate it.", "Many thanks in advance.")
# Asks that only make sense when something is broken.
FAULT_ASKS = ("Any idea what's going on?", "Is this a known issue?", "Is there a workaround?",
              "This is quite urgent for us.", "What should we do?", "We'd appreciate a quick fix.",
              "How long will this take to fix?", "Is it just us?")
TYPO_SWAPS = {"don't": "dont", "can't": "cant", "doesn't": "doesnt", "I'm": "Im", "it's": "its", "I've": "Ive",
              "the": "teh", "receive": "recieve", "because": "becuase", "definitely": "definately",
              "separate": "seperate", "which": "wich", "really": "realy"}
AGENT_GREETINGS = ("Hi <first>,", "Hello <first>,", "Hi <first>, thanks for getting in touch.", "Dear <first>,",
                   "Hi <first>, thanks for reaching out.", "Hello <first>, thank you for your message.",
                   "Hi there,", "Hi <first>, thanks for your patience.")
AGENT_CLOSINGS = ("Best regards,\n<agent>\nNorthwind Cloud Support", "Kind regards,\n<agent>", "Thanks,\n<agent>",
                  "Best,\n<agent> | Northwind Cloud", "Cheers,\n<agent>", "All the best,\n<agent>")
# Phrases that contain "should"/"might" but are not hedges about the fix.
TRICKY_NON_HEDGES = ("Should you need anything else, just reply to this email.",
                     "Should you have any other questions, we're here to help.",
                     "If you should run into anything else, let us know.",
                     "You should receive a confirmation email within a few minutes.",
                     "You might also like our guide at help.northwind.cloud.")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Writer:
    """Draws text pieces from a seeded generator; one instance per generated table.

    Parameters
    ----------
    rng : the seeded generator; random numbers are taken from it in blocks.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._block = np.empty(0)
        self._pos = 0
        self.slots: dict[str, Callable[[], str]] = {
            "invoice": lambda: f"INV-{self.pick(('2025', '2026'))}-{self.int(1000, 99999):05d}",
            "order": lambda: f"{self.pick(('order #', 'order no. ', 'Order ', 'PO-'))}{self.int(10000, 999999)}",
            "version": lambda: f"{self.int(3, 5)}.{self.int(0, 9)}.{self.int(0, 12)}",
            "browser": lambda: self.pick(("Chrome", "Chrome 129", "Firefox", "Safari", "Edge", "Safari on Mac",
                                          "Brave", "Chrome on Windows 11", "Firefox ESR")),
            "device": lambda: self.pick(("Pixel 8", "Samsung Galaxy S23", "Galaxy A54", "OnePlus 12",
                                         "Xiaomi 13", "Pixel 7a", "Motorola G84", "Samsung tablet")),
            "iphone": lambda: self.pick(("iPhone 15", "iPhone 13", "iPhone SE", "iPad Air", "iPhone 14 Pro")),
            "file": lambda: self.pick(("Q3 budget.xlsx", "contract_final_v2.docx", "site-photos.zip",
                                       "Board pack.pdf", "invoices_2025.csv", "logo.png", "Payroll Sept.xlsx",
                                       "minutes 12-03.docx", "plans/floor-2.dwg", "Client list.xlsx")),
            "amount": lambda: f"{self.pick(('£', '€', '$'))}{self.int(9, 2400)}.{self.pick(('00', '50', '99'))}",
            "n": lambda: str(self.int(2, 60)),
            "users": lambda: str(self.int(3, 250)),
            "weekday": lambda: self.pick(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "yesterday",
                                          "this morning", "last week", "the weekend")),
            "minutes": lambda: str(self.pick((5, 10, 15, 20, 30, 45))),
            "vat": lambda: f"{self.pick(('DE', 'FR', 'NL', 'IE', 'IT', 'ES'))}{self.int(100000000, 999999999)}",
            "ip": lambda: f"{self.int(11, 223)}.{self.int(0, 255)}.{self.int(0, 255)}.{self.int(1, 254)}",
        }

    # -- random primitives ------------------------------------------------------------------
    def uniform(self) -> float:
        """One uniform number in [0, 1)."""
        if self._pos >= len(self._block):
            self._block = self.rng.random(1 << 16)
            self._pos = 0
        self._pos += 1
        return float(self._block[self._pos - 1])

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.uniform() < p

    def int(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + int(self.uniform() * (high - low + 1))

    def pick(self, options: Sequence):
        """One of ``options``, uniformly."""
        return options[int(self.uniform() * len(options))]

    def sample(self, options: Sequence, k: int) -> list:
        """``k`` different options (order random)."""
        pool = list(options)
        return [pool.pop(int(self.uniform() * len(pool))) for _ in range(min(k, len(pool)))]

    # -- templates --------------------------------------------------------------------------
    def expand(self, template: str, values: dict[str, str] | None = None) -> str:
        """Resolve ``{a|b}`` alternatives (innermost first) and fill ``<slot>`` values."""
        text = template
        while "{" in text:
            text = _CHOICE.sub(lambda m: self.pick(m.group(1).split("|")), text)
        if "<" in text:
            values = values or {}

            def fill(match: re.Match) -> str:
                name = match.group(1)
                if name in values:
                    return values[name]
                if name in self.slots:
                    return self.slots[name]()
                return match.group(0)

            text = _SLOT.sub(fill, text)
        if "  " in text:
            text = _TIDY.sub(" ", text)
        return text.replace(" .", ".").replace(" ,", ",").strip(" ")

    def typos(self, text: str, rate: float) -> str:
        """Add the slips people make when typing fast, with probability ``rate`` per message."""
        if not self.chance(rate):
            return text
        words = text.split(" ")
        for _ in range(self.int(1, 3)):
            i = self.int(0, len(words) - 1)
            word = words[i]
            if word in TYPO_SWAPS:
                words[i] = TYPO_SWAPS[word]
            elif len(word) >= 5 and word.isalpha():
                j = self.int(1, len(word) - 3)
                kind = self.int(0, 2)
                if kind == 0:
                    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]
                elif kind == 1:
                    words[i] = word[:j] + word[j + 1:]
                else:
                    words[i] = word[:j] + word[j] + word[j:]
        text = " ".join(words)
        if self.chance(0.15):
            text = text.lower()
        return text

    def quote(self, earlier: str, when: str, who: str) -> str:
        """An earlier mail quoted below a reply, as mail clients do."""
        lines = [ln for ln in earlier.splitlines() if ln.strip()][:4]
        header = self.pick((f"On {when}, {who} wrote:", f"On {when} {who} wrote:",
                            f"-----Original Message-----\nFrom: {who}\nSent: {when}",
                            f"> From: {who}\n> Date: {when}"))
        return header + "\n" + "\n".join(f"> {ln}" for ln in lines)

    def date_words(self, stamp) -> str:
        """A timestamp as a mail client writes it: ``Tue, 3 Mar 2026 at 14:05``."""
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[stamp.weekday()]
        return f"{day}, {stamp.day} {MONTHS[stamp.month - 1]} {stamp.year} at {stamp.hour:02d}:{stamp.minute:02d}"


def records(frame, columns: Sequence[str]) -> list[dict]:
    """Rows of ``frame[columns]`` as dicts of plain Python values (faster than ``to_dict`` on Arrow strings)."""
    arrays = [frame[c].to_numpy(dtype=object) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*arrays, strict=True)]


def join(parts: Sequence[str], sep: str = " ") -> str:
    """Join the non-empty parts."""
    return sep.join(p for p in parts if p)
