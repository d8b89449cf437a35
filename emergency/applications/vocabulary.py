from enum import StrEnum


class ApplicationStatus(StrEnum):
    NEW = "new"  # waiting in the queue
    IN_REVIEW = "in_review"  # a coordinator is working on it
    APPROVED = "approved"  # it became a plan
    DECLINED = "declined"  # the carer was told why
    WITHDRAWN = "withdrawn"  # the carer (or the referrer) no longer wants it


class ApplicationKind(StrEnum):
    APPLICATION = "application"  # a carer's own
    REFERRAL = "referral"  # a professional's, for a carer who agreed to be contacted
    REVIEW_UPDATE = "review_update"  # a carer's changes at the yearly review


OPEN_STATUSES = (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW)
# Kept only until the retention setting says (default 6 months); approved ones became the plan.
CLOSED_WITHOUT_PLAN = (ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN)
# What a coordinator may give as the reason a carer's application is declined (said in the text).
DECLINE_REASONS = ("not_a_carer", "outside_area", "already_has_plan", "could_not_reach", "other")
