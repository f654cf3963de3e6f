"""The consent text people read before they agree (Personal Data Protection Law 91/2025/QH15).

One version at a time; a new text gets a new version, and people are asked again.
"""

from flask_babel import lazy_gettext as _l

VERSION = "2025-1"

TITLE = _l("How Chợ Quê Online uses your personal data")

PARAGRAPHS = (
    _l("Chợ Quê Online is run by the programme that helps rural households and cooperatives sell online, "
       "with the Women's Union and the Youth Union."),
    _l("We keep your phone number, your name, your shop, your products, your sales and your lessons. "
       "We use them only for what you tick below. We never sell them and never show your phone number "
       "to buyers unless you choose to."),
    _l("Programme managers see only counts (how many shops in a commune sell online), never names or "
       "phone numbers. Your trainer sees your progress only if you are in their class."),
    _l("You can download all your data, correct it, or delete your account at any time from the \"Me\" "
       "screen. You can also take back your agreement: tell your trainer or use \"Delete my account\"."),
)

# The purposes of CONSENT_PURPOSES (server.services.accounts), in the words people read.
PURPOSES = (
    ("account", _l("My account"), _l("Keep my account and shop so that I can sign in and sell. Needed to use the app.")),
    ("training", _l("Lessons and classes"), _l("Record my lessons and quizzes, and show my progress to my trainer.")),
    ("listing", _l("My products online"), _l("Show my shop and products to buyers and to the e-commerce floors.")),
    ("programme_statistics", _l("Counting for the programme"),
     _l("Count my shop, without my name, in the programme's reports on selling online.")),
    ("sms", _l("Text messages"), _l("Send me sign-in codes and news about my classes by SMS.")),
)


def current_text():
    """The text of the current version in the caller's language."""
    return {
        "version": VERSION,
        "title": str(TITLE),
        "paragraphs": [str(paragraph) for paragraph in PARAGRAPHS],
        "purposes": [
            {"code": code, "title": str(title), "description": str(description), "required": code == "account"}
            for code, title, description in PURPOSES
        ],
    }
