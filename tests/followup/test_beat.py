"""Beat keeps its schedule file out of the source tree (`make worker` used to leave
celerybeat-schedule.* files in the repository's root)."""

from pathlib import Path

from django.conf import settings


def test_the_schedule_file_is_kept_out_of_the_source_tree():
    path = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert not path.is_relative_to(Path(settings.BASE_DIR))
    ignored = (Path(settings.BASE_DIR) / ".gitignore").read_text().split()
    assert "celerybeat-schedule*" in ignored
