#!/usr/bin/env python3
"""Regenerates the bad-input corpus: one scenario per broken rule, each a small
change to the same valid scenario. Run from the repository root, then refresh
the expected messages with UPDATE_EXPECT=1 cargo test --release corpus.
Files of cases no longer listed here are removed, and README.md lists the
cases, which the corpus test compares with the files."""
import os
base = '''name = "corpus"
start = "2026-01"
periods = 12
tiers = ["unclassified", "secret"]

[choice]
brand = 2.0
capability = 1.0

[[vendor]]
name = "Acme"
brand = 0.6
access = { unclassified = 1.0, secret = 0.5 }
attributes = { capability = 0.7 }

[[vendor]]
name = "Zenith"
brand = 0.4
access = { unclassified = 0.8 }

[[agency]]
name = "DoD"
units = 100
tiers = { unclassified = 0.6, secret = 0.4 }
caution = 0.5
innovation = 0.02
imitation = 0.2
term = 24
annual_value = 1.0e6

[[agency.initial]]
vendor = "Acme"
tier = "secret"
units = 5

[[event]]
at = "2026-03"
vendor = "Acme"
set = { "access.secret" = 0.9 }
'''
cases = [
 ("toml_unclosed_string", "a string without its closing quote", 'name = "corpus"', 'name = "corpus'),
 ("toml_value_missing", "a key without its value is told the value is missing", 'caution = 0.5', 'caution = '),
 ("toml_two_values", "a key takes one value (two, space-separated, are told so)", 'units = 100', 'units = 100 120'),
 ("toml_list_without_commas", "the numbers of a list are separated by commas", 'brand = 0.4', 'brand = { uniform = [0.3 0.5] }'),
 ("toml_inline_table_unclosed", "an inline table needs its closing brace (the parser stops at a later line; the line that opened it is named)", 'access = { unclassified = 0.8 }', 'access = { unclassified = 0.8'),
 ("toml_duplicate_key", "a key given twice", 'periods = 12', 'periods = 12\nperiods = 24'),
 ("toml_bad_table_header", "a table header without its closing brackets", '[[agency]]\n', '[[agency]\n'),
 ("toml_bare_value", "a value that is not TOML", 'start = "2026-01"', 'start = 2026-01x'),
 ("toml_form_feed", "a raw control character (a form feed an editor left as a page break) is named, as TOML allows none", 'periods = 12', 'periods = 12\x0c'),
 ("toml_line_separator", "a line separator (U+2028) is not a line break to TOML, and is named", 'periods = 12\n', 'periods = 12\u2028'),
 ("toml_curly_quotes", "curly quotes from a word processor are told to be straight ones", 'name = "Zenith"', 'name = \u201cZenith\u201d'),
 ("toml_percentage", "a percentage as a spreadsheet shows it is told the fraction", 'caution = 0.5', 'caution = 50%'),
 ("toml_percentage_outside_range", "a percentage read outside its key's range is told the range too", 'caution = 0.5', 'caution = 150%'),
 ("toml_percentage_in_event", "an event's percentage is told the fraction alone, as events clamp", 'name = "corpus"', 'name = "corpus"\n\n[[event]]\nat = "2026-06"\nagency = "DoD"\n[event.set]\ncaution = 150%'),
 ("toml_thousands_separators", "an amount with thousands separators is told the TOML number", 'annual_value = 1.0e6', 'annual_value = 1,000,000'),
 ("toml_quoted_amount_with_suffix", "a quoted amount with a unit suffix is told the TOML number", 'annual_value = 1.0e6', 'annual_value = "$1.2M"'),
 ("toml_empty", "an empty file", None, ''),
 ("toml_csv_file", "a spreadsheet saved as CSV given as the scenario", None, 'vendor,brand,access\r\nOpenAI,0.9,1\r\n'),
 ("toml_csv_quoted_cells", "a scenario pasted into a spreadsheet's column and saved as CSV (lines with commas or quotes in quoted cells)", None, '#\r\n"# Illustrative, not data"\r\n"name = ""corpus, 2026"""\r\nperiods = 12\r\n'),
 ("key_unknown_top", "unknown keys are errors (did you mean)", 'periods = 12', 'periods = 12\nperoids = 24'),
 ("key_synonym_weights", "a key named by another word is told the key it stands for", '[choice]', '[weights]'),
 ("key_unknown_vendor", "unknown vendor key", 'brand = 0.4', 'brnd = 0.4'),
 ("key_unknown_agency", "unknown agency key", 'caution = 0.5', 'cautoin = 0.5'),
 ("key_unknown_event", "unknown event key", 'vendor = "Acme"\nset', 'vendr = "Acme"\nset'),
 ("key_top_below_last_block", "a scenario key written at the end of the file lands in the last block", 'set = { "access.secret" = 0.9 }\n', 'set = { "access.secret" = 0.9 }\n\nruns = 5000\n'),
 ("key_agency_below_initial", "an agency key written below a contract in force lands in that contract, and the agency already sets it", 'tier = "secret"\nunits = 5\n', 'tier = "secret"\nunits = 5\nannual_value = 2.0e6\n'),
 ("key_agency_new_below_initial", "an agency key the agency does not set yet, written below a contract in force", 'tier = "secret"\nunits = 5\n', 'tier = "secret"\nunits = 5\nchoice = { incumbency = 2.0 }\n'),
 ("key_agency_below_initial_after_subtable", "an agency key below a contract in force, where the agency's own keys end at an [agency.choice] table", 'caution = 0.5\ninnovation = 0.02\nimitation = 0.2\nterm = 24\nannual_value = 1.0e6\n\n[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 5\n', 'innovation = 0.02\nimitation = 0.2\nterm = 24\nannual_value = 1.0e6\n\n[agency.choice]\nincumbency = 2.0\n\n[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 5\ncaution = 0.5\n'),
 ("key_name_below_last_block", "the scenario's name written at the end of the file lands in the last event (told of the scenario's, and of an event's label)", None, None),
 ("key_tiers_in_agency", "the scenario's list of tiers written in an agency's block, where tiers is a table of fractions, is told how TOML read it", None, None),
 ("key_top_below_initial", "a scenario key written below a contract in force (not an agency key)", 'tier = "secret"\nunits = 5\n', 'tier = "secret"\nunits = 5\nseed = 5\n'),
 ("key_top_already_set_below_event", "a scenario key the file already sets, written again at the end of the file", 'set = { "access.secret" = 0.9 }\n', 'set = { "access.secret" = 0.9 }\n\nperiods = 24\n'),
 ("key_unknown_inline_initial", "an unknown key in a contract in force written inline: no header captured it, so no hint", '[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 5\n', 'initial = [{ vendor = "Acme", tier = "secret", units = 5, term = 6 }]\n'),
 ("start_missing", "start is required", 'start = "2026-01"\n', ''),
 ("start_bad_month", "start is YYYY-MM", 'start = "2026-01"', 'start = "2026-13"'),
 ("start_not_string", "start is a string", 'start = "2026-01"', 'start = 2026'),
 ("periods_missing", "periods is required", 'periods = 12\n', ''),
 ("periods_zero", "periods >= 1", 'periods = 12', 'periods = 0'),
 ("periods_fraction", "periods is an integer", 'periods = 12', 'periods = 12.5'),
 ("periods_distribution", "periods is never a distribution", 'periods = 12', 'periods = { uniform = [10, 20] }'),
 ("horizon_past_9999", "the horizon ends by 9999-12", 'start = "2026-01"\nperiods = 12', 'start = "9990-01"\nperiods = 12\nstep = "year"'),
 ("step_unknown", "step is month, quarter or year", 'periods = 12', 'periods = 12\nstep = "monht"'),
 ("runs_zero", "runs >= 1", 'periods = 12', 'periods = 12\nruns = 0'),
 ("seed_negative", "seed >= 0", 'periods = 12', 'periods = 12\nseed = -4'),
 ("tiers_empty", "at least one tier", 'tiers = ["unclassified", "secret"]', 'tiers = []'),
 ("tiers_duplicate", "tier names are unique", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "secret"]'),
 ("tiers_duplicate_case", "each tier that repeats a name, in any letter case, names the first", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "Secret", " secret ", "UNCLASSIFIED", "secret"]'),
 ("tiers_reserved_all", "'all' is reserved", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "all"]'),
 ("vendor_none", "at least one vendor", None, None),
 ("vendor_name_missing", "a vendor needs a name", 'name = "Zenith"\n', ''),
 ("vendor_name_too_long", "a name is at most 200 characters", 'name = "Zenith"', 'name = "' + 'Zenith ' * 29 + '"'),
 ("vendor_name_duplicate", "vendor names are unique", 'name = "Zenith"', 'name = "Acme"'),
 ("vendor_name_formula", "a name must not start like a spreadsheet formula (=, +, -, @)", 'name = "Zenith"', 'name = "=Zenith"'),
 ("tier_name_formula", "a tier name must not start like a spreadsheet formula", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "@home"]'),
 ("vendor_brand_missing", "a vendor needs brand", 'brand = 0.4\n', ''),
 ("vendor_access_missing", "a vendor needs access", 'access = { unclassified = 0.8 }\n', ''),
 ("brand_above_one", "brand in [0, 1]", 'brand = 0.4', 'brand = 1.2'),
 ("brand_nan", "numbers are finite", 'brand = 0.4', 'brand = nan'),
 ("brand_string", "a number or a distribution", 'brand = 0.4', 'brand = "high"'),
 ("access_unknown_tier", "tiers named must be declared (did you mean)", 'access = { unclassified = 0.8 }', 'access = { unclassified = 0.8, secrte = 0.3 }'),
 ("access_negative", "access in [0, 1]", 'access = { unclassified = 0.8 }', 'access = { unclassified = -0.1 }'),
 ("attribute_without_weight", "an attribute needs a [choice] weight", 'attributes = { capability = 0.7 }', 'attributes = { capabilty = 0.7 }'),
 ("dist_unknown_family", "distribution families (did you mean)", 'brand = 0.4', 'brand = { normall = [0.4, 0.1] }'),
 ("dist_two_keys", "a distribution has one key", 'brand = 0.4', 'brand = { normal = [0.4, 0.1], uniform = [0.1, 0.2] }'),
 ("dist_normal_sd_zero", "normal sd > 0", 'brand = 0.4', 'brand = { normal = [0.4, 0.0] }'),
 ("dist_uniform_reversed", "uniform low < high", 'brand = 0.4', 'brand = { uniform = [0.6, 0.2] }'),
 ("dist_triangular_mode_outside", "triangular low <= mode <= high", 'brand = 0.4', 'brand = { triangular = [0.2, 0.9, 0.5] }'),
 ("dist_pert_arity", "pert takes three numbers", 'brand = 0.4', 'brand = { pert = [0.2, 0.5] }'),
 ("dist_beta_nonpositive", "beta alpha, beta > 0", 'brand = 0.4', 'brand = { beta = [0.0, 2.0] }'),
 ("dist_lognormal_sigma", "lognormal sigma > 0", 'annual_value = 1.0e6', 'annual_value = { lognormal = [13.0, -0.5] }'),
 ("dist_outside_range", "a distribution must reach the valid range", 'brand = 0.4', 'brand = { uniform = [2.0, 3.0] }'),
 ("dist_normal_practically_outside", "a normal or lognormal must fall inside the valid range in at least one draw in a million (percentages told their fractions)", 'caution = 0.5', 'caution = { normal = [45.0, 5.0] }'),
 ("dist_args_not_numbers", "distribution parameters are numbers", 'brand = 0.4', 'brand = { normal = "wide" }'),
 ("agency_none", "at least one agency", None, None),
 ("agency_name_duplicate", "agency names are unique", None, None),
 ("agency_name_missing", "an agency needs a name", 'name = "DoD"\n', ''),
 ("agency_units_missing", "an agency needs units", 'units = 100\n', ''),
 ("agency_term_missing", "an agency needs term", 'term = 24\n', ''),
 ("agency_innovation_missing", "an agency needs innovation", 'innovation = 0.02\n', ''),
 ("agency_imitation_missing", "an agency needs imitation", 'imitation = 0.2\n', ''),
 ("units_negative", "units >= 0", 'units = 100', 'units = -5'),
 ("units_fraction", "units is an integer", 'units = 100', 'units = 100.5'),
 ("units_distribution", "units is never a distribution", 'units = 100', 'units = { uniform = [50, 150] }'),
 ("units_total_zero", "at least one unit in the scenario", None, None),
 ("term_zero", "term >= 1", 'term = 24', 'term = 0'),
 ("caution_above_one", "caution in [0, 1]", 'caution = 0.5', 'caution = 1.5'),
 ("innovation_negative", "innovation >= 0", 'innovation = 0.02', 'innovation = -0.02'),
 ("imitation_infinite", "numbers are finite", 'imitation = 0.2', 'imitation = inf'),
 ("annual_value_negative", "annual_value >= 0", 'annual_value = 1.0e6', 'annual_value = -1.0e6'),
 ("fractions_not_summing", "tier fractions sum to 1", 'tiers = { unclassified = 0.6, secret = 0.4 }', 'tiers = { unclassified = 0.6, secret = 0.5 }'),
 ("fractions_negative", "tier fractions >= 0", 'tiers = { unclassified = 0.6, secret = 0.4 }', 'tiers = { unclassified = 1.4, secret = -0.4 }'),
 ("fractions_unknown_tier", "tiers named must be declared", 'tiers = { unclassified = 0.6, secret = 0.4 }', 'tiers = { unclassified = 0.6, topsecret = 0.4 }'),
 ("choice_override_string", "a choice weight is a number", 'annual_value = 1.0e6', 'annual_value = 1.0e6\nchoice = { incumbency = "strong" }'),
 ("initial_unknown_vendor", "initial contracts name declared vendors (did you mean)", 'vendor = "Acme"\ntier', 'vendor = "Acne"\ntier'),
 ("initial_unknown_tier", "initial contracts name declared tiers", 'tier = "secret"\nunits = 5', 'tier = "secert"\nunits = 5'),
 ("initial_tier_missing", "initial contracts need a tier when there are several", 'tier = "secret"\nunits = 5', 'units = 5'),
 ("initial_too_many_units", "initial contracts fit in the agency's units of the tier", 'units = 5\n', 'units = 45\n'),
 ("initial_too_many_units_blocks", "initial contracts over a tier's units are reported once, at the largest block, with every block's line", 'units = 5\n', 'units = 38\n\n[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 3\n\n[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 2\n'),
 ("initial_no_access", "initial contracts go to a vendor with access > 0", 'vendor = "Acme"\ntier = "secret"', 'vendor = "Zenith"\ntier = "secret"'),
 ("initial_access_never_positive", "initial contracts go to a vendor whose access can exceed 0", 'secret = 0.5 }', 'secret = { uniform = [-0.5, 0.0] } }'),
 ("initial_access_practically_never", "initial contracts go to a vendor whose access exceeds 0 in at least 0.1% of runs", 'secret = 0.5 }', 'secret = { normal = [-0.7, 0.2] } }'),
 ("initial_remaining_zero", "remaining in 1..=1000000", 'units = 5\n', 'units = 5\nremaining = 0\n'),
 ("initial_units_zero", "initial contract units >= 1", 'units = 5\n', 'units = 0\n'),
 ("event_before_start", "an event dated before start is an error", 'at = "2026-03"', 'at = "2025-11"'),
 ("event_bad_date", "at is YYYY-MM or a period index", 'at = "2026-03"', 'at = "March 2026"'),
 ("event_negative_index", "a period index is >= 0", 'at = "2026-03"', 'at = -2'),
 ("event_index_too_large", "an at given as a period index is at most 4294967294", 'at = "2026-03"', 'at = 4294967295'),
 ("event_at_missing", "an event needs at", 'at = "2026-03"\n', ''),
 ("event_until_not_after_at", "until comes after at", 'at = "2026-03"\nvendor = "Acme"\nset = { "access.secret" = 0.9 }', 'at = "2026-03"\nuntil = "2026-02"\nvendor = "Acme"\nadd = { "access.secret" = 0.2 }'),
 ("event_until_with_set", "until undoes additions only, so an event with until sets nothing", 'at = "2026-03"', 'at = "2026-03"\nuntil = "2026-09"'),
 ("event_until_bad_date", "until is YYYY-MM or a period index", 'at = "2026-03"\nvendor = "Acme"\nset = { "access.secret" = 0.9 }', 'at = "2026-03"\nuntil = "Sept 2026"\nvendor = "Acme"\nadd = { "access.secret" = 0.2 }'),
 ("event_unknown_vendor", "events name declared vendors (did you mean)", 'vendor = "Acme"\nset', 'vendor = "Acne"\nset'),
 ("event_vendor_star", "'*' names every agency, not every vendor", 'vendor = "Acme"\nset', 'vendor = "*"\nset'),
 ("event_unknown_agency", "events name declared agencies", 'vendor = "Acme"\nset', 'agency = "DOD"\nset'),
 ("event_two_targets", "an event has one target", 'vendor = "Acme"\nset', 'vendor = "Acme"\nagency = "DoD"\nset'),
 ("event_two_targets_values_checked", "an event with two targets still has its keys and values checked, each key as the field it can be", 'vendor = "Acme"\nset = { "access.secret" = 0.9 }', 'vendor = "Acme"\nagency = "DoD"\nset = { "access.secret" = 1.9, caution = 7, brnd = 0.5 }'),
 ("event_no_target", "an event needs a target", 'vendor = "Acme"\nset', 'set'),
 ("event_changes_nothing", "an event changes something", 'set = { "access.secret" = 0.9 }\n', ''),
 ("event_unknown_vendor_key", "vendor events change vendor fields (did you mean)", 'set = { "access.secret" = 0.9 }', 'set = { brnad = 0.9 }'),
 ("event_unknown_agency_key", "agency events change agency fields", 'vendor = "Acme"\nset = { "access.secret" = 0.9 }', 'agency = "DoD"\nset = { "access.secret" = 0.9 }'),
 ("event_unknown_tier", "event keys name declared tiers", 'set = { "access.secret" = 0.9 }', 'set = { "access.top_secret" = 0.9 }'),
 ("event_set_out_of_range", "set values lie in the field's range", 'set = { "access.secret" = 0.9 }', 'set = { "access.secret" = 1.9 }'),
 ("agency_name_reserved", "agency names 'all' and '*' are reserved", 'name = "DoD"\nunits', 'name = "all"\nunits'),
 ("event_key_twice", "an event changes each key once per table", 'set = { "access.secret" = 0.9 }', 'set = { "access.secret" = 0.9, access = { secret = 0.5 } }'),
 ("choice_weight_typo", "a [choice] weight names brand, access, incumbency or an attribute some vendor has (did you mean)", 'brand = 2.0\ncapability', 'brnad = 2.0\ncapability'),
 ("choice_weight_typo_of_attribute", "a [choice] weight names an attribute some vendor has; misspelt where more vendors spell the attribute than tables the weight, the weight alone is reported, with the attribute as the fix", None, None),
 ("agency_choice_weight_typo", "an agency's choice weight names brand, access, incumbency or an attribute some vendor has (did you mean)", 'annual_value = 1.0e6', 'annual_value = 1.0e6\nchoice = { incumbancy = 2.5 }'),
 ("attribute_too_large", "weights and attributes lie in [-1e6, 1e6]", 'attributes = { capability = 0.7 }', 'attributes = { capability = 1e9 }'),
 ("annual_value_too_large", "annual_value <= 1e15", 'annual_value = 1.0e6', 'annual_value = 1.0e18'),
 ("event_add_not_number", "add values are numbers", 'set = { "access.secret" = 0.9 }', 'add = { brand = "more" }'),
 ("event_set_table_line", "vendor events change vendor fields; the message names the line of the key in an [event.set] table", 'set = { "access.secret" = 0.9 }', '\n[event.set]\n"access.secret" = 0.9\nbrnad = 0.9'),
 ("event_set_dotted_line", "event keys name declared tiers; the message names the line of the dotted key", 'set = { "access.secret" = 0.9 }', 'set.access.secret = 0.9\nset.access.secrte = 0.9'),
 ("event_set_multiline_line", "set values lie in the field's range; the message names the line of the key in a multi-line inline table", 'set = { "access.secret" = 0.9 }', 'set = {\n  "access.secret" = 0.9,\n  brand = 1.5,\n}'),
 ("event_add_table_line", "add values are numbers; the message names the line of the key in an [event.add] table", 'set = { "access.secret" = 0.9 }', '\n[event.add]\nbrand = 0.1\n"attributes.capability" = "more"'),
 ("event_key_twice_line", "an event changes each key once per table; the message names the line of the second", 'set = { "access.secret" = 0.9 }', '\n[event.set]\naccess = { secret = 0.5 }\n"access.secret" = 0.9'),
 ("vendor_nameless_initial", "a vendor needs a name; a nameless vendor does not shift the others", None, None),
 ("initial_tier_missing_unused_tier", "initial contracts need a tier when the agency gives a positive fraction to several tiers", None, None),
 ("vendor_name_case_duplicate", "vendor names are unique ignoring letter case (spreadsheets merge such rows)", 'name = "Zenith"', 'name = "ACME"'),
 ("vendor_name_space_duplicate", "vendor names are unique ignoring surrounding spaces (names are trimmed)", 'name = "Zenith"', 'name = " Acme"'),
 ("agency_name_case_duplicate", "agency names are unique ignoring letter case", None, None),
 ("agency_name_reserved_case", "agency name 'all' is reserved in any letter case", 'name = "DoD"\nunits', 'name = "All"\nunits'),
 ("agency_name_reserved_duplicate", "agency name 'all' is reserved, and a second agency 'ALL' is both reserved and the same name (the reserved word said first, as for vendors)", None, None),
 ("tiers_reserved_all_case", "tier name 'all' is reserved in any letter case", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "ALL"]'),
 ("vendor_name_reserved", "vendor names 'period' and 'date' are reserved in any letter case (shares_wide.csv's first columns)", 'name = "Zenith"', 'name = "Date"'),
 ("tiers_case_duplicate", "tier names are unique ignoring letter case", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "Secret"]'),
 ("attribute_builtin_name", "brand, access and incumbency are built-in weights, not attributes, in any letter case", 'attributes = { capability = 0.7 }', 'attributes = { capability = 0.7, brand = 0.9, Incumbency = 1.0 }'),
 ("attribute_unweighted_case_duplicate", "attribute names are unique ignoring letter case and spaces, weighted or not", 'attributes = { capability = 0.7 }', 'attributes = { capability = 0.7, speed = 0.5, " Speed" = 0.4 }'),
 ("attribute_case_mismatch", "a vendor's attribute is spelt as its weight is", 'attributes = { capability = 0.7 }', 'attributes = { Capability = 0.7 }'),
 ("choice_weight_builtin_case", "a [choice] weight for brand, access or incumbency is written in lower case", 'brand = 2.0\ncapability', 'Brand = 2.0\ncapability'),
 ("agency_choice_weight_builtin_case", "an agency's choice weight for brand, access or incumbency is written in lower case", 'annual_value = 1.0e6', 'annual_value = 1.0e6\nchoice = { INCUMBENCY = 2.5 }'),
 ("choice_attribute_case_duplicate", "attribute names are unique ignoring letter case", 'capability = 1.0', 'capability = 1.0\nCapability = 0.5'),
 ("event_attribute_builtin", "a vendor event changes attributes, not built-in weights, under attributes.", 'set = { "access.secret" = 0.9 }', 'set = { "attributes.brand" = 0.9 }'),
 ("vendor_name_control", "names must not contain control characters", 'name = "Zenith"', 'name = "Zen\\u001b[2Jith"'),
 ("agency_name_control", "agency names must not contain control characters", 'name = "DoD"\nunits', 'name = "DoD\\u0000"\nunits'),
 ("tier_name_control", "tier names must not contain control characters", 'tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "top\\tsecret"]'),
 ("vendor_name_invisible", "names must not contain invisible formatting characters (a zero-width space)", 'name = "Zenith"', 'name = "Zen\\u200bith"'),
 ("vendor_name_filler", "names must not contain invisible characters (a Hangul filler, which looks like an empty name)", 'name = "Zenith"', 'name = "\\u3164"'),
 ("agency_name_blank_braille", "a name must show a visible character (not only the blank braille pattern)", 'name = "DoD"\nunits', 'name = "\\u2800\\u2800"\nunits'),
 ("agency_name_blank_joiner", "a name must show a visible character (not only joiners and variation selectors)", 'name = "DoD"\nunits', 'name = "\\u200D\\uFE0F"\nunits'),
 ("vendor_name_joiner_duplicate", "vendor names must differ in something visible (not only in joiners)", 'name = "Zenith"', 'name = "Acme\\u200C"'),
 ("vendor_name_encoding_duplicate", "vendor names must differ in something visible (not only in how an accented letter is encoded)", None, None),
 ("vendor_name_space_kind_duplicate", "vendor names must differ in something visible (not only in a non-breaking space for a space)", None, None),
 ("event_vendor_other_encoding", "an event's vendor written with a letter encoded otherwise is told the name it looks like", None, None),
 ("agency_name_bidi", "agency names must not contain bidirectional overrides", 'name = "DoD"\nunits', 'name = "DoD\\u202e livic"\nunits'),
 ("scenario_name_control", "the scenario name must not contain control characters", 'name = "corpus"', 'name = "corpus\\u009b"'),
 ("event_label_control", "event labels must not contain control characters", 'vendor = "Acme"\nset', 'label = "Acme\\u0007 cleared"\nvendor = "Acme"\nset'),
 ("attribute_name_control", "attribute names must not contain control characters", None, None),
 ("start_year_out_of_range", "start is a month of a year from 1000 to 9999", 'start = "2026-01"', 'start = "0999-12"'),
 ("event_at_year_out_of_range", "at is a month of a year from 1000 to 9999", 'at = "2026-03"', 'at = "0999-03"'),
 ("start_toml_date", "start is a quoted month, not a TOML date", 'start = "2026-01"', 'start = 2026-01-01'),
 ("event_at_toml_date", "at is a quoted month, not a TOML date", 'at = "2026-03"', 'at = 2026-03-01'),
 ("start_month_unquoted", "a month without quotes is not TOML (told to quote it)", 'start = "2026-01"', 'start = 2026-01'),
 ("event_at_month_unquoted", "an event month without quotes is not TOML (told to quote it)", 'at = "2026-03"', 'at = 2026-03'),
 ("name_not_string", "name is a string", 'name = "corpus"', 'name = 5'),
 ("tiers_not_list", "tiers is a list of names", 'tiers = ["unclassified", "secret"]', 'tiers = "unclassified, secret"'),
 ("access_not_table", "access is a table of tiers", 'access = { unclassified = 0.8 }', 'access = 0.8'),
 ("initial_single_brackets", "[[agency.initial]] is written with double brackets", '[[agency.initial]]', '[agency.initial]'),
 ("initial_before_agency", "[[agency.initial]] follows the [[agency]] it belongs to", None, None),
 ("initial_without_agency", "[[agency.initial]] needs an [[agency]] above it", None, None),
 ("initial_after_event", "[[agency.initial]] written below an [[event]] is refused, not given to the last [[agency]] as TOML would", None, None),
 ("vendor_single_brackets", "[[vendor]] is written with double brackets", '[[vendor]]', '[vendor]'),
 ("term_too_large", "integers fit in 64 bits", 'term = 24', 'term = 99999999999999999999'),
 ("key_unknown_initial", "unknown [[agency.initial]] key (did you mean)", 'units = 5\n', 'units = 5\nremainig = 3\n'),
 ("key_unknown_several", "every unknown key is reported in one pass", None, None),
 ("vendor_single_brackets_twice", "every [[vendor]] is written with double brackets, not as a table repeated", None, None),
 ("choice_double_brackets", "[choice] is one table, written once with single brackets", None, None),
 ("table_repeated_in_block", "a table inside a block is written once per block (the line of the first is in the same block)", None, None),
 ("attribute_name_empty", "an attribute's name must not be empty", 'capability = 1.0', '"" = 1.0'),
 ("vendor_attribute_name_empty", "a vendor's attribute needs a name", 'attributes = { capability = 0.7 }', 'attributes = { capability = 0.7, "" = 0.5 }'),
 ("table_given_twice_key_and_header", "a table is given once, as key = value or under its [header]", None, None),
 ("vendor_name_star", "vendor name '*' is reserved (every vendor in --set and --vary)", 'name = "Zenith"', 'name = "*"'),
 ("dist_too_wide", "a uniform, triangular or PERT range is at most 1e150 wide (its draws multiply two widths)", 'brand = 0.4', 'brand = { triangular = [-1e200, 0.5, 1e200] }'),
 ("beta_shape_too_small", "beta shapes are at least 1e-300 (below, a draw overflows even on the log scale and comes out NaN)", 'brand = 0.4', 'brand = { beta = [1e-315, 1e-315] }'),
 ("toml_nested_too_deep", "keys nest at most as deep as the TOML parser allows (a dotted key of 130 parts is too deep)", None, None),
 ("toml_value_nested_too_deep", "values nest at most as deep as the TOML parser allows (300 arrays, one in another, are too deep)", None, None),
 ("fractions_sum_above_tolerance", "tier fractions sum to 1 within 1e-9 (1 + 1.1e-9 is too far)", 'tiers = { unclassified = 0.6, secret = 0.4 }', 'tiers = { unclassified = 0.6, secret = 0.4000000011 }'),
]
special = {
 "choice_weight_typo_of_attribute": lambda b: b.replace('brand = 2.0\ncapability', 'brand = 2.0\ncapabilty').replace('access = { unclassified = 0.8 }', 'access = { unclassified = 0.8 }\nattributes = { capability = 0.6 }'),
 "table_given_twice_key_and_header": lambda b: b.replace('[[vendor]]\nname = "Zenith"', '[vendor.access]\nsecret = 0.2\n\n[[vendor]]\nname = "Zenith"', 1),
 "vendor_single_brackets_twice": lambda b: b.replace('[[vendor]]', '[vendor]'),
 "vendor_name_encoding_duplicate": lambda b: b.replace('"Acme"', '"Caf\u00e9"').replace('name = "Zenith"', 'name = "Cafe\\u0301"'),
 "vendor_name_space_kind_duplicate": lambda b: b.replace('"Acme"', '"Acme AI"').replace('name = "Zenith"', 'name = "Acme\\u00a0AI"'),
 "event_vendor_other_encoding": lambda b: b.replace('"Acme"', '"Caf\u00e9"').replace('vendor = "Caf\u00e9"\nset', 'vendor = "Cafe\\u0301"\nset'),
 "choice_double_brackets": lambda b: b + '\n[[choice]]\nbrand = 1.0\n',
 "table_repeated_in_block": lambda b: b + '\n[[vendor]]\nname = "Third"\nbrand = 0.3\n[vendor.access]\nunclassified = 1.0\n\n[[vendor]]\nname = "Fourth"\nbrand = 0.3\n[vendor.access]\nunclassified = 1.0\n[vendor.access]\nsecret = 1.0\n',
 "vendor_none": lambda b: b.replace(b[b.index('[[vendor]]'):b.index('[[agency]]')], '').replace('[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 5\n\n','').replace('[[event]]\nat = "2026-03"\nvendor = "Acme"\nset = { "access.secret" = 0.9 }\n',''),
 "agency_none": lambda b: b[:b.index('[[agency]]')] + b[b.index('[[event]]'):],
 "agency_name_duplicate": lambda b: b + '\n[[agency]]\nname = "DoD"\nunits = 10\ninnovation = 0.01\nimitation = 0.1\nterm = 12\n',
 "vendor_nameless_initial": lambda b: b.replace(
     b[b.index('[[vendor]]'):b.index('[[agency]]')],
     '[[vendor]]\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\n'
     + b[b.index('[[vendor]]\nname = "Zenith"'):b.index('[[agency]]')]
     + b[b.index('[[vendor]]'):b.index('[[vendor]]\nname = "Zenith"')]),
 "initial_tier_missing_unused_tier": lambda b: b.replace('tiers = ["unclassified", "secret"]', 'tiers = ["unclassified", "secret", "top_secret"]').replace('tier = "secret"\nunits = 5', 'units = 5'),
 "agency_name_case_duplicate": lambda b: b + '\n[[agency]]\nname = "DOD"\nunits = 10\ninnovation = 0.01\nimitation = 0.1\nterm = 12\n',
 "attribute_name_control": lambda b: b.replace('capability = 1.0', '"capa\\u0001bility" = 1.0').replace('attributes = { capability = 0.7 }', 'attributes = { "capa\\u0001bility" = 0.7 }'),
 "initial_without_agency": lambda b: b[:b.index('[[agency]]\n')] + b[b.index('[[agency.initial]]'):],
 "initial_after_event": lambda b: b + '\n[[agency.initial]]\nvendor = "Zenith"\nunits = 5\n',
 "initial_before_agency": lambda b: b.replace('[[agency]]\n', '[[agency.initial]]\nvendor = "Zenith"\nunits = 5\n\n[[agency]]\n', 1),
 "key_unknown_several": lambda b: b.replace('brand = 0.4', 'brnd = 0.4').replace('caution = 0.5', 'cautoin = 0.5').replace('vendor = "Acme"\nset', 'vendr = "Acme"\nset'),
 "toml_nested_too_deep": lambda b: b.replace('periods = 12\n', 'periods = 12\n' + '.'.join(['a'] * 130) + ' = 1\n', 1),
 "toml_value_nested_too_deep": lambda b: b.replace('periods = 12\n', 'periods = 12\nx = ' + '[' * 300 + ']' * 300 + '\n', 1),
 "agency_name_reserved_duplicate": lambda b: b.replace('name = "DoD"', 'name = "all"').replace('[[event]]', '[[agency]]\nname = "ALL"\nunits = 10\ninnovation = 0.02\nimitation = 0.2\nterm = 12\n\n[[event]]'),
 "key_name_below_last_block": lambda b: b.replace('name = "corpus"\n', '', 1) + '\nname = "corpus"\n',
 "key_tiers_in_agency": lambda b: b.replace('tiers = ["unclassified", "secret"]\n', '', 1).replace('tiers = { unclassified = 0.6, secret = 0.4 }\n', 'tiers = ["unclassified", "secret"]\n', 1),
 "units_total_zero": lambda b: b.replace('units = 100', 'units = 0').replace('[[agency.initial]]\nvendor = "Acme"\ntier = "secret"\nunits = 5\n\n',''),
}
d = 'tests/corpus'
os.makedirs(d, exist_ok=True)
written = []
for name, rule, find, repl in cases:
    if name in special:
        text = special[name](base)
    elif find is None:
        text = repl
    else:
        assert find in base, name
        text = base.replace(find, repl, 1)
    assert text != base, name
    with open(f'{d}/{name}.toml', 'w') as f:
        f.write(f'# Breaks the rule: {rule}.\n' + text)
    written.append((name, rule))
with open(f'{d}/toml_not_utf8.toml', 'wb') as f:
    f.write(b'# Breaks the rule: a scenario is UTF-8 text.\n' + base.encode().replace(b'name = "Zenith"', b'name = "Zen\xffith"'))
written.append(('toml_not_utf8', 'a scenario is UTF-8 text'))
names = [name for name, _ in written]
assert len(set(names)) == len(names), 'a case name is used twice'
for f in sorted(os.listdir(d)):
    stem, ext = os.path.splitext(f)
    if ext in ('.toml', '.stderr') and stem not in names:
        os.remove(f'{d}/{f}')
        print(f'removed {d}/{f}')
with open(f'{d}/README.md', 'w') as f:
    f.write(f'''# The bad-input corpus

One scenario per validation rule or kind of malformed TOML, each a small
change to the same valid scenario; the first line says which rule it breaks.
Next to each `NAME.toml`, `NAME.stderr` holds exactly what a user sees from
`sharecast run NAME.toml`. The test `corpus::every_bad_input_is_rejected_with_its_message`
checks every file: exit code 2, that message, no panic, and an existing
output folder left as it was. After changing a message on purpose, regenerate
the expectations with `UPDATE_EXPECT=1 cargo test --release corpus` and review the diff.
The files are generated by `python3 tests/corpus/generate.py` (run from the
repository root); add a case there rather than by hand. It also removes the
files of cases it no longer lists and writes the list below, which the test
compares with the folder: a `.toml` and a `.stderr` for each case, no others.

## Cases ({len(written)})

''' + ''.join(f'- `{name}`: {rule}.\n' for name, rule in written))
print(len(written))
