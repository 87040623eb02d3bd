"""The pulse templates: their items (key, text, scale, reversed) in the order they are asked.

Plain Python, no Django. The psychological-safety items paraphrase the seven-item team scale of
Edmondson, A. (1999) "Psychological Safety and Learning Behavior in Work Teams", Administrative
Science Quarterly 44(2), 350-383: answered 1 (strongly disagree) to 7 (strongly agree); items 1,
3 and 5 are worded negatively and reverse-scored. The health check follows Spotify's "Squad
Health Check model" (Henrik Kniberg, 2014): each area red / amber / green, and whether it is
getting better, staying the same or getting worse.
"""

from __future__ import annotations

from dataclasses import dataclass

PSYCHOLOGICAL_SAFETY = "psychological-safety"
HEALTH_CHECK = "health-check"
CUSTOM = "custom"
TEMPLATES = {
    PSYCHOLOGICAL_SAFETY: "Psychological safety (Edmondson, 7 items)",
    HEALTH_CHECK: "Squad health check",
    CUSTOM: "Custom questions",
}
CITATIONS = {
    PSYCHOLOGICAL_SAFETY: 'Edmondson, A. (1999). "Psychological Safety and Learning Behavior in '
    'Work Teams". Administrative Science Quarterly 44(2), 350-383.',
    HEALTH_CHECK: 'Kniberg, H. (2014). "Squad Health Check model - visualizing what to improve". '
    "Spotify Labs.",
    CUSTOM: "",
}


@dataclass(frozen=True)
class Scale:
    """Answer options 1..size, labelled; ``size`` is A in r_wg's expected variance."""

    key: str
    labels: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.labels)


AGREE7 = Scale(
    "agree7",
    ("Strongly disagree", "Disagree", "Somewhat disagree", "Neither", "Somewhat agree",
     "Agree", "Strongly agree"),
)  # fmt: skip
AGREE5 = Scale("agree5", ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"))
RAG = Scale("rag", ("Red", "Amber", "Green"))
TREND = Scale("trend", ("Getting worse", "Staying the same", "Getting better"))
SCALES = {s.key: s for s in (AGREE7, AGREE5, RAG, TREND)}
# Words accepted for an answer besides its number (the API and the form).
WORDS = {"red": 1, "amber": 2, "green": 3, "worse": 1, "same": 2, "better": 3}


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    scale: str
    reverse: bool = False
    # False: asked and shown, but not part of the overall score (a health area's trend).
    scored: bool = True


# Our own wording of the seven statements (the published ones are Edmondson's).
_PS = [
    ("mistakes", "On this team, a mistake you make tends to be used against you.", True),
    ("raise-problems", "People on this team can bring up problems and difficult issues.", False),
    ("different", "People on this team sometimes push others away for being different.", True),
    ("risks", "It feels safe to take a risk on this team.", False),
    ("ask-help", "It is hard to ask others on this team for help.", True),
    ("no-undermining", "Nobody on this team would knowingly act to undermine my work.", False),
    ("skills-valued", "My own skills and talents are valued and used by the people I work with "
                      "on this team.", False),
]  # fmt: skip

_AREAS = [
    ("delivering-value", "Delivering value", "We deliver great stuff that our customers value."),
    ("easy-to-release", "Easy to release", "Releasing is simple, safe and mostly automated."),
    ("codebase", "Health of codebase", "Our code is clean, easy to read and well tested."),
    ("learning", "Learning", "We are learning lots of interesting stuff all the time."),
    ("mission", "Mission", "We know exactly why we are here and we are excited about it."),
    ("speed", "Speed", "We get things done quickly, with little waiting and few delays."),
    ("process", "Suitable process", "Our way of working fits us just right."),
    ("support", "Support", "We get great support and help when we ask for it."),
    ("teamwork", "Teamwork", "We are a tight-knit team that works really well together."),
    ("fun", "Fun", "We love going to work and have great fun working together."),
]

AREA_NAMES = {key: name for key, name, _ in _AREAS}


def template_items(template: str) -> list[Item]:
    """Return the items of a built-in template, in the order they are asked."""
    if template == PSYCHOLOGICAL_SAFETY:
        return [Item(k, t, AGREE7.key, reverse=r) for k, t, r in _PS]
    if template == HEALTH_CHECK:
        items = []
        for key, name, text in _AREAS:
            items.append(Item(key, f"{name}: {text}", RAG.key))
            items.append(
                Item(
                    f"{key}.trend",
                    f"{name}: getting better, the same, or worse?",
                    TREND.key,
                    scored=False,
                )
            )
        return items
    raise ValueError(f"not a built-in template: {template}")
