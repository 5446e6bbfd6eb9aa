"""Handing an escalated alert to the police (112) or fire service (119) dispatch systems.

``config`` reads the settings, ``signing`` makes and checks the HMAC headers both ways,
``payload`` builds what the agency receives, ``delivery`` makes one signed attempt and records it,
``callbacks`` applies the agencies' signed status updates, ``tasks`` the Celery side, ``views`` and
``urls`` the callback endpoint, ``alarm`` the console's alarm when a hand-over goes unconfirmed
(docs/dispatch.md).
"""
