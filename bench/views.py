from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def bare(request):
    """The ceiling: a Django view that renders a one-line template, and nothing else."""
    return render(request, "bench/bare.html")
