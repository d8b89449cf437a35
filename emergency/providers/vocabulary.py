"""What a care provider can do: a fixed list, stored as its values. Pure."""
from enum import StrEnum


class Capability(StrEnum):
    PERSONAL_CARE = "personal_care"
    SITTING = "sitting"  # sitting or companionship
    OVERNIGHT = "overnight"
    LIVE_IN = "live_in"
    DEMENTIA = "dementia"
    LEARNING_DISABILITY = "learning_disability"
    CHILDREN = "children"


# The words coordinators and officers read in the console, in the order they are listed.
CAPABILITY_WORDS = {
    Capability.PERSONAL_CARE: "Personal care",
    Capability.SITTING: "Sitting or companionship",
    Capability.OVERNIGHT: "Overnight",
    Capability.LIVE_IN: "Live-in",
    Capability.DEMENTIA: "Dementia",
    Capability.LEARNING_DISABILITY: "Learning disability",
    Capability.CHILDREN: "Children",
}
