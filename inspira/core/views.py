from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from inspira.core.models import OutboxItem


@require_GET
def health(request):
    """For load balancers and monitoring: database, job broker and how much work waits.

    Answers 503 when the database or the broker cannot be reached. Holds no personal data.
    """
    from django_q.brokers import get_broker

    report, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
        report["outbox_waiting"] = OutboxItem.objects.filter(
            state__in=[OutboxItem.State.PENDING, OutboxItem.State.RUNNING]
        ).count()
        report["outbox_failed"] = OutboxItem.objects.filter(state=OutboxItem.State.FAILED).count()
    except DatabaseError as exc:
        healthy = False
        report["database"] = f"error: {type(exc).__name__}"
    try:
        broker = get_broker()
        broker.ping()
        report["broker"] = type(broker).__name__.lower()
        report["queue_depth"] = broker.queue_size()
    except Exception as exc:  # any broker failure makes the service unhealthy
        healthy = False
        report["broker"] = f"error: {type(exc).__name__}"
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
