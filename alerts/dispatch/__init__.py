"""Handing an escalated alert to the police (112) or fire service (119) dispatch systems.

``config`` reads the settings, ``signing`` makes and checks the HMAC headers both ways,
``payload`` builds what the agency receives, ``delivery`` makes one signed attempt and records it,
``callbacks`` applies the agencies' signed status updates. The Celery tasks are in
alerts.dispatch_tasks, the callback endpoint in alerts.dispatch_views (docs/dispatch.md).
"""
