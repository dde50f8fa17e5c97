"""Names shared by the NLU component, the actions, the scripts and the tests, each defined once."""

from __future__ import annotations

from typing import Dict, FrozenSet

EXPOSED_HARDWARE_INTENT = "report_exposed_hardware"
NEURO_RED_FLAG_INTENT = "report_neurological_red_flags"
WARNING_SIGNS_INTENT = "report_warning_signs"
# Set only by the safety layer: an "emergency now" wound finding with no metal seen (an opened
# wound or a leaking hole over the hardware, pus with a fever, red streaks, shivering with a fever).
WOUND_EMERGENCY_INTENT = "report_wound_emergency"
# Set only by the safety layer: the assistant asks one question before deciding.
POSSIBLE_EXPOSED_HARDWARE_INTENT = "report_possible_exposed_hardware"
POSSIBLE_NEURO_RED_FLAG_INTENT = "report_possible_neurological_red_flags"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# "Delete my data": never the end of a message the safety floor flags (it gets the question instead).
DATA_DELETION_INTENT = "request_data_deletion"
FALLBACK_INTENT = "nlu_fallback"

EMERGENCY_INTENTS: FrozenSet[str] = frozenset({EXPOSED_HARDWARE_INTENT, NEURO_RED_FLAG_INTENT, WOUND_EMERGENCY_INTENT})
# The emergencies the classifier is trained on (the wound emergency comes from the rules alone).
CLASSIFIED_EMERGENCY_INTENTS: FrozenSet[str] = frozenset({EXPOSED_HARDWARE_INTENT, NEURO_RED_FLAG_INTENT})
CLARIFYING_QUESTION_INTENTS: FrozenSet[str] = frozenset(
    {POSSIBLE_EXPOSED_HARDWARE_INTENT, POSSIBLE_NEURO_RED_FLAG_INTENT}
)
# Intents whose reply is at least the warning-signs level (or a question that escalates).
ESCALATING_INTENTS: FrozenSet[str] = EMERGENCY_INTENTS | CLARIFYING_QUESTION_INTENTS | {WARNING_SIGNS_INTENT}

# Information questions, each answered by one content topic.
TOPIC_QUESTION_INTENTS: FrozenSet[str] = frozenset(
    {
        "ask_surgery_hardware",
        "ask_why_hardware_hidden",
        "ask_risk_factors",
        "ask_why_screws_loosen",
        "ask_how_protrusion_happens",
        "ask_protrusion_treatment",
        "ask_how_rare",
        "ask_prevention_followup",
    }
)

# Safety-set labels (tests/safety, tests/sealed) and the intent each must get.
SAFETY_LABEL_INTENTS: Dict[str, str] = {
    "exposed_hardware": EXPOSED_HARDWARE_INTENT,
    "neuro_red_flag": NEURO_RED_FLAG_INTENT,
}

# The key the safety layer adds to every parse result.
SAFETY_KEY = "safety"
DEFAULT_EMERGENCY_NUMBER = "your local emergency number"

# The replies that tell the user to call the emergency number now (the web widget pins them as a banner).
EMERGENCY_RESPONSES: FrozenSet[str] = frozenset(
    {"utter_emergency_exposed_hardware", "utter_emergency_neurological", "utter_emergency_wound"}
)

# The safety reply just sent -> triage category (actions/triage.py, staff analytics). The reply
# decides, not the intent: a "yes" to "can you see metal?" is recorded as the emergency it led to.
RESPONSE_TRIAGE_CATEGORIES: Dict[str, str] = {
    "utter_emergency_exposed_hardware": "emergency_exposed_hardware",
    "utter_emergency_neurological": "emergency_neurological",
    "utter_emergency_wound": "emergency_wound",
    "utter_urgent_warning_signs": "urgent_warning_signs",
    "utter_ask_metal_visible": "possible_exposed_hardware",
    "utter_ask_neuro_new": "possible_neurological",
}

# Triage category -> how soon staff must act (0 first): the staff console's queue order.
# A clarifying question asked ("can you see metal?") is a possible emergency until answered.
TRIAGE_SEVERITY: Dict[str, int] = {
    "emergency_exposed_hardware": 0,
    "emergency_neurological": 0,
    "emergency_wound": 0,
    "possible_exposed_hardware": 1,
    "possible_neurological": 1,
    "urgent_warning_signs": 2,
    "handoff": 3,
}

# A staff member has taken over the conversation from the console (assistant/staff_takeover.py):
# the slot holds {"staff": <username>, "since": <unix time of the latest staff event>}, or None.
STAFF_TAKEOVER_SLOT = "staff_takeover"
# Seconds after the latest staff event when a takeover lapses and the bot answers again.
STAFF_TAKEOVER_LAPSE_S = 1800.0
# The bot event metadata key that marks a message a staff member wrote in the console.
STAFF_REPLY_KEY = "staff_reply"
# What the bot still answers while staff have the conversation: every safety report, and the
# user's own request to delete the conversation.
TAKEOVER_ANSWERED_INTENTS: FrozenSet[str] = ESCALATING_INTENTS | {DATA_DELETION_INTENT}
# The bot's own questions: the answer to one of them ("yes", "no") is still the bot's to handle.
BOT_QUESTIONS: FrozenSet[str] = frozenset(
    {"utter_ask_metal_visible", "utter_ask_neuro_new", "utter_confirm_data_deletion"}
)
