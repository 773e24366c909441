"""Mutants: real servers made to break exactly one requirement, to prove each check can fail.

A mutant is a real server (wsgiref for WSGI, uvicorn with h11 for ASGI, or the server its
declaration names) serving the probe app behind middleware that breaks one requirement, declared
beside it by that requirement (declare.py); the checks it must fail are derived from the checks'
markers, and registry.MUTANTS finds them all.

Layout: one module per spec area, named after its catalogue file (``asgi_lifespan.py`` for
conformance/requirements/asgi_lifespan.toml), holding the mutants of that area's requirements;
``*_middleware.py`` the building blocks they share; ``*_shims.py`` faults no middleware can make
(the server itself changed, launched by the shim module's ``launch(name)``). Like the probe apps,
the modules run inside the server. The correct implementations of features no installed server
offers, which serve as passing references, are in tests/emulations/.
"""
