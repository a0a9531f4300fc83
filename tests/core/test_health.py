from django.db import DatabaseError
from django.urls import reverse

from inspira.core.models import OutboxItem


def test_health_reports_database_broker_and_queues(client, db):
    OutboxItem.objects.create(kind="email", key="k1", payload={})
    OutboxItem.objects.create(kind="email", key="k2", payload={}, state=OutboxItem.State.FAILED)
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["broker"] in {"orm", "redis"}
    assert isinstance(data["queue_depth"], int)
    assert data["outbox_waiting"] == 1
    assert data["outbox_failed"] == 1


def test_health_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    import django_q.brokers

    class DeadBroker:
        def ping(self):
            raise ConnectionError("no broker")

    monkeypatch.setattr(django_q.brokers, "get_broker", lambda: DeadBroker())
    response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error: ConnectionError"


def test_health_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
