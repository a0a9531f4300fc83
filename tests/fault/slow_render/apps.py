import os
import time
from pathlib import Path

from django.apps import AppConfig


class SlowRenderConfig(AppConfig):
    """Test only: makes the invoice PDF job stop in the middle, where a crash hurts most (the outbox
    row is claimed, nothing is stored or sent yet)."""

    name = "tests.fault.slow_render"
    label = "fault_slow_render"

    def ready(self):
        from inspira.billing import tasks

        real = tasks.render_invoice_pdf
        markers = Path(os.environ["FAULT_MARKER_DIR"])
        pause = float(os.environ.get("FAULT_RENDER_SLEEP", "30"))

        def render_slowly(invoice):
            # Written whole, then renamed, so the test never reads half a marker.
            partial = markers / f".rendering-{invoice.pk}-{os.getpid()}"
            partial.write_text(f"rendering {invoice.pk} pid {os.getpid()}\n")
            partial.rename(markers / f"rendering-{invoice.pk}")
            time.sleep(pause)
            return real(invoice)

        tasks.render_invoice_pdf = render_slowly
