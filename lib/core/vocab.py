"""Closed vocabularies shared by the schema, validation and the interface.

Labels for each code live in the locale files (`data/i18n/*.yaml`, key `vocab.<code>`).
"""

# The roles. Who may do what with each is the permission table (lib/core/permissions.py); no other
# module names a role. BASE_ROLE is the role every person on the roster holds: the workforce.
ROLES = ("employee", "hr", "executive", "admin")
BASE_ROLE = "employee"
LANGUAGES = ("en", "fr")

PLATFORMS = ("linkedin", "x", "facebook", "instagram", "youtube", "blog", "other")
CONTRIBUTION_KINDS = (
    "original_post",
    "share",
    "comment",
    "customer_reply",
    "group_discussion",
    "event_promotion",
    "job_share",
)
# Kinds that leave a public post or comment behind: they must give its link. The others (a
# reply to a customer, a discussion in a closed group) give a link or a note saying what was done.
KINDS_WITH_LINK = ("original_post", "share", "comment", "event_promotion", "job_share")
FIGURE_SOURCES = ("typed", "imported", "corrected")

SIGNAL_TYPES = ("win", "loss")
WIN_CATEGORIES = ("lead", "customer_won", "testimonial", "candidate", "media_opportunity", "partner")
LOSS_CATEGORIES = (
    "complaint",
    "unresolved_problem",
    "loyal_to_competitor",
    "offer_mismatch",
    "distrust",
    "negative_comment",
)
SIGNAL_STATUSES = ("new", "acknowledged", "in_progress", "resolved")
SIGNAL_RESOLUTIONS = ("won", "lost", "retained", "closed")
# The outcomes that fit each type: a lead is won or lost; a customer at risk is kept or lost.
SIGNAL_OUTCOMES = {"win": ("won", "lost", "closed"), "loss": ("retained", "lost", "closed")}
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD")
