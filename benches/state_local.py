#!/usr/bin/env python3
"""Writes a state-and-local market of N agencies (python3 benches/state_local.py
N OUT.toml): 10 vendors, 3 tiers, 120 months; 1% states of 1,000-8,000 units,
19% counties of 50-400, the rest cities of 5-50; uncertain inputs, initial
contracts and five events. Every number is an illustrative assumption, drawn
from a fixed seed, for measuring how sharecast scales with the number of
agencies (docs/performance.md, "Writing the files of a large market")."""
import random
import sys

VENDORS = ["OpenAI", "Anthropic", "Google", "Microsoft", "Amazon", "IBM",
           "Oracle", "Palantir", "Salesforce", "Local integrators"]
CLASSIFIED = {"Microsoft", "Amazon", "Palantir", "Oracle"}


def scenario(agencies, seed=1):
    r = random.Random(seed)
    out = [f'name = "State and local AI, {agencies} agencies"',
           'start = "2026-01"\nperiods = 120\nruns = 500\nseed = 42',
           'tiers = ["public", "cjis", "secret"]',
           '[choice]\nbrand = 2.0\naccess = { uniform = [0.8, 1.2] }\n'
           'incumbency = 1.5\nprice = 1.0\n']
    for v in VENDORS:
        b = r.uniform(0.3, 0.85)
        access = {"public": "1.0"}
        cjis = r.uniform(0.2, 0.9)
        access["cjis"] = f"{{ uniform = [{cjis - 0.1:.2f}, {cjis + 0.05:.2f}] }}"
        if v in CLASSIFIED:
            access["secret"] = f"{r.uniform(0.4, 0.9):.2f}"
        cells = ", ".join(f"{k} = {x}" for k, x in access.items())
        out.append(f'[[vendor]]\nname = "{v}"\n'
                   f'brand = {{ triangular = [{b - 0.1:.2f}, {b:.2f}, {b + 0.05:.2f}] }}\n'
                   f'access = {{ {cells} }}\n'
                   f'attributes = {{ price = {{ pert = [0.2, {r.uniform(0.3, 0.7):.2f}, 0.9] }} }}\n')
    states, counties = max(3, agencies // 100), agencies // 5
    for a in range(agencies):
        if a < states:
            name, units, value = f"State {a + 1}", r.randint(1000, 8000), "[12.6, 0.4]"
            tiers = "{ public = 0.7, cjis = 0.25, secret = 0.05 }"
        elif a < counties:
            name, units, value = f"County {a + 1}", r.randint(50, 400), "[11.5, 0.4]"
            tiers = "{ public = 0.8, cjis = 0.2 }"
        else:
            name, units, value = f"City {a + 1}", r.randint(5, 50), "[10.8, 0.5]"
            tiers = "{ public = 0.85, cjis = 0.15 }"
        c = r.uniform(0.2, 0.6)
        out.append(f'[[agency]]\nname = "{name}"\nunits = {units}\ntiers = {tiers}\n'
                   f'caution = {{ pert = [{c - 0.1:.2f}, {c:.2f}, {c + 0.15:.2f}] }}\n'
                   f'innovation = {r.uniform(0.003, 0.01):.4f}\n'
                   'imitation = { uniform = [0.04, 0.12] }\n'
                   f'term = {r.choice([12, 24, 36, 48])}\n'
                   f'annual_value = {{ lognormal = {value} }}\n')
        if units >= 12 and r.random() < 0.6:
            out.append(f'[[agency.initial]]\nvendor = "{r.choice(["Microsoft", "Google", "Amazon", "IBM"])}"\n'
                       f'tier = "public"\nunits = {max(1, units // 25)}\n')
    out.append('[[event]]\nat = "2026-07"\nlabel = "State AI executive orders"\nagency = "*"\n'
               'add = { caution = { uniform = [-0.08, -0.02] }, innovation = 0.002 }\n')
    out.append('[[event]]\nat = "2027-01"\nuntil = "2028-01"\nlabel = "Federal grant programme"\n'
               'agency = "*"\nadd = { innovation = { uniform = [0.002, 0.006] } }\n')
    out.append('[[event]]\nat = "2027-01"\nlabel = "OpenAI gets CJIS and secret access"\n'
               'vendor = "OpenAI"\nset = { "access.cjis" = 0.8, "access.secret" = { uniform = [0.5, 0.8] } }\n')
    out.append('[[event]]\nat = "2029-01"\nlabel = "Anthropic price cut"\nvendor = "Anthropic"\n'
               'add = { "attributes.price" = 0.1 }\n')
    out.append('[[event]]\nat = "2030-01"\nlabel = "Budget squeeze"\nagency = "*"\n'
               'add = { annual_value = { uniform = [-20000, -5000] } }\n')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[2], "w") as f:
        f.write(scenario(int(sys.argv[1])))
