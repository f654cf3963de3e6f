"""The programme in progress: pilot communes where union cohorts set up households that now sell.

Scattered over 3,321 communes, a few hundred sellers cover no commune (a commune counts once it has
5 sellers active as of the day). So a share of the demo's sellers goes to pilot communes, 5 to a
commune, enrolled in person by recent cohorts and selling since: the reports then show provinces
past the 30% target and provinces near it. The pilot communes depend on the seed alone, and are
filled in a fixed order, so that a larger demo (or one grown with a higher --sellers) continues
where the smaller one stopped.
"""

import math
import random

PROGRAMME_SHARE = 0.4  # of the demo's sellers, until the pilot communes are full
HOUSEHOLDS_PER_COMMUNE = 5  # the reports' threshold: a pilot commune is covered once its households sell
PILOT_PROVINCES = 6
# Share of each pilot province's communes covered when its pilot is complete: past the 30% target,
# then near it, in turn.
PROVINCE_GOALS = (0.32, 0.27)


def pilot_communes(reference, seed):
    """The pilot communes in the order they fill: the smallest provinces first (a province is done
    with fewer households), rural communes first within a province, chosen by the seed."""
    by_province = {}
    for place in reference.places:
        by_province.setdefault(place.province_code, []).append(place)
    provinces = sorted(by_province, key=lambda code: (len(by_province[code]), code))[:PILOT_PROVINCES]
    communes = []
    for number, code in enumerate(provinces):
        places = list(by_province[code])
        random.Random(f"cho-que-demo:{seed}:pilot:{code}").shuffle(places)
        places.sort(key=lambda place: place.division_type != "xa")
        goal = PROVINCE_GOALS[number % len(PROVINCE_GOALS)]
        communes += places[:math.ceil(goal * len(places))]
    return communes


def programme_size(seller_count, communes):
    """How many of `seller_count` demo sellers are the pilot communes' households."""
    return min(round(seller_count * PROGRAMME_SHARE), HOUSEHOLDS_PER_COMMUNE * len(communes))


def programme_places(communes, first, last):
    """The places of the pilot households numbered `first` to `last` - 1, in filling order."""
    return [communes[number // HOUSEHOLDS_PER_COMMUNE] for number in range(first, last)]
