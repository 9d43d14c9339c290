# Seeds the peer benchmark: one staff member offering one free 30-minute
# service, working every day 09:00-18:00, and CLIENTS users, each with a
# signed-in session written directly (as Antre's benchmark writes its
# members' sessions: password hashing is slow on purpose and is not what
# is measured). Prints JSON: the service, the staff member and the
# session keys.
import datetime
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402

from appointment.models import Service, StaffMember, WorkingHours  # noqa: E402

clients = int(sys.argv[1])
with transaction.atomic():
    staff_user = User.objects.create_user("staff", "staff@example.id", None, first_name="Staff")
    service = Service.objects.create(
        name="Consultation", duration=datetime.timedelta(minutes=30), price=0
    )
    staff = StaffMember.objects.create(
        user=staff_user,
        slot_duration=30,
        lead_time=datetime.time(9, 0),
        finish_time=datetime.time(18, 0),
        work_on_saturday=True,
        work_on_sunday=True,
    )
    staff.services_offered.add(service)
    for day in range(7):
        WorkingHours.objects.create(
            staff_member=staff,
            day_of_week=day,
            start_time=datetime.time(9, 0),
            end_time=datetime.time(18, 0),
        )
    sessions = []
    for i in range(clients):
        user = User.objects.create_user(
            f"client{i}", f"client{i}@example.id", None, first_name="Dewi", last_name=f"Lestari {i}"
        )
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        sessions.append(s.session_key)
print(json.dumps({"service": service.id, "staff": staff.id, "sessions": sessions}))
