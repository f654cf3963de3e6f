"""Drawing from the demo's one random generator: weighted picks and counts with a given mean."""


class Weighted:
    """Picks keys of a {key: weight} mapping with one random number."""

    def __init__(self, weights):
        self.keys = list(weights)
        total, self.cumulative = 0, []
        for weight in weights.values():
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng):
        threshold = rng.random() * self.total
        for key, bound in zip(self.keys, self.cumulative):
            if threshold < bound:
                return key
        return self.keys[-1]


def geometric(rng, mean):
    """0, 1, 2, ... with the given mean (a geometric distribution): most often few, sometimes many."""
    keep = mean / (1 + mean)
    count = 0
    while rng.random() < keep:
        count += 1
    return count
