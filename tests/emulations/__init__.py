"""Emulations: correct implementations of a feature that no installed server offers, run on uvicorn,
so that the checks of that feature are seen to pass.

Each module is one feature: uvicorn (h11) serving the probe app as ``module:app``, with the feature
added in front of it and done as the spec asks; tests/test_real_servers.py runs the feature's
checks on it as a reference. Belongs here: the feature done right, and the small, named hook
through which a mutant puts one fault in it. Does not belong here: the faults themselves (the
mutants in tests/mutants/ declare the faulty versions), or anything a real server offers.
"""
