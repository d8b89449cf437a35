"""The report's section on emergency cover: what the strategy group pays for."""
from emergency.cover.vocabulary import OUTCOME_WORDS, Outcome
from emergency.reports import cover_queries as queries
from emergency.reports.figures import Period, Section, Table, by_month, minutes, percent


def cover_section(w) -> Section:
    period = Period(w.first_day, w.last_day)
    spent = queries.hours_and_cost_by_provider(w)
    spread = queries.time_to_cover(w)
    ended = queries.outcomes(w)
    extended, referred = queries.extensions_and_referrals(w)
    return Section("Cover", [
        Table("cover-by-month", "Cover arranged per month", "Cover booked from providers each month (local time)",
              ["Month", "Cover arranged"], by_month(period, queries.covers_by_month(w), ("cover",))),
        Table("cover-by-provider", "Hours and estimated cost, by provider",
              "Cover booked in the period: hours (to the end, or the planned end while live) and cost at each "
              "provider's hourly rate", ["Provider", "Hours", "Estimated cost (£)", "Cover"],
              [[name, hours, cost, count] for name, count, hours, cost in spent], charted=1,
              note=f"All providers: {sum(r[2] for r in spent):,.1f} hours, £{sum(r[3] for r in spent):,.2f}."
              if spent else ""),
        Table("time-to-cover", "Time to cover", "Minutes from the incident opening to cover starting",
              ["Measure", "Cover", "Median", "90th percentile", "Longest"],
              [["Opening to cover starting", spread["count"], minutes(spread["median"]), minutes(spread["p90"]),
                minutes(spread["max"])]], chart="none", note="Percentiles by the nearest-rank method."),
        Table("cover-outcomes", "How cover ended", "Cover that ended in the period, by outcome",
              ["Outcome", "Cover"], [[OUTCOME_WORDS[outcome], ended.get(outcome.value, 0)] for outcome in Outcome]),
        Table("cover-extensions-referrals", "Extensions and referrals",
              "Cover extended past the limit, and referrals to adult social care",
              ["Figure", "Count"], [["Extended past the cover limit", extended],
                                    ["Referred to adult social care", referred]], chart="none"),
        Table("provider-answers", "Providers' answers", "Asks by text to each provider, and how they answered",
              ["Provider", "Asks", "Accepted", "Declined", "No answer in time", "Accepted (%)", "Answered (%)"],
              [[name, asks, accepted, declined, late, percent(accepted, asks), percent(accepted + declined, asks)]
               for name, asks, accepted, declined, late in queries.answers_by_provider(w)], charted=4),
    ])
