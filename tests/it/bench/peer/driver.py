# The peer's own load generator (Python threads with requests: the peer
# spends tens of milliseconds of server CPU per booking, so a Python client
# is not its limit). Usage:
#   driver.py book  BASE SEED.json CLIENTS N     booking throughput/latency
#   driver.py avail BASE SEED.json CLIENTS N     availability requests/s
#   driver.py race  BASE SEED.json CLIENTS DB    CLIENTS users, one seat
# Prints one JSON object.
import datetime
import itertools
import json
import sqlite3
import sys
import threading
import time

import requests

CSRF = "peerbenchcsrfsecret0123456789abc"  # a 32-character CSRF secret


def pct(v, q):
    if not v:
        return 0.0
    v = sorted(v)
    return v[max(0, min(len(v) - 1, int(-(-q * len(v) // 1)) - 1))] * 1000.0


def session(base, key, service):
    s = requests.Session()
    host = base.split("//", 1)[1].split(":")[0]
    s.cookies.set("sessionid", key, domain=host)
    # The CSRF cookie a browser got with the booking page; Django checks
    # every POST's csrfmiddlewaretoken against it.
    s.cookies.set("csrftoken", CSRF, domain=host)
    return s


def slot(k):
    day = datetime.date.today() + datetime.timedelta(days=1 + k // 18)
    start = datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(minutes=30 * (k % 18))
    end = start + datetime.timedelta(minutes=30)
    return day.isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")


def book(s, base, seed, k, slot_of=slot):
    """The two form POSTs of one booking; True when it is stored."""
    date, start, end = slot_of(k)
    r = s.post(
        f"{base}/appointment/request-submit/",
        data={
            "csrfmiddlewaretoken": CSRF,
            "date": date,
            "start_time": start,
            "end_time": end,
            "service": seed["service"],
            "staff_member": seed["staff"],
        },
        allow_redirects=False,
        timeout=120,
    )
    where = r.headers.get("Location", "")
    if r.status_code != 302 or "client-info" not in where:
        return False
    r = s.post(
        base + where if where.startswith("/") else where,
        data={
            "csrfmiddlewaretoken": CSRF,
            "name": "Dewi Lestari",
            "email": "ignored@example.id",
            "phone_0": "ID",
            "phone_1": "81234567890",
            "address": "Jl. Teuku Umar 1, Denpasar",
            "additional_info": "",
            "payment_type": "full",
        },
        allow_redirects=False,
        timeout=120,
    )
    return r.status_code == 302 and "thank-you" in r.headers.get("Location", "")


def run(clients, work):
    """Runs work(i) on `clients` threads after a common start; wall seconds."""
    gate = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=lambda i=i: (gate.wait(), work(i))) for i in range(clients)]
    for t in threads:
        t.start()
    gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def main():
    phase, base, seed_path, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(seed_path) as f:
        seed = json.load(f)
    sessions = [session(base, seed["sessions"][i], seed["service"]) for i in range(clients)]
    lat, ok, bad = [], [0], [0]
    lock = threading.Lock()

    def record(t, good):
        with lock:
            lat.append(t)
            if good:
                ok[0] += 1
            else:
                bad[0] += 1

    if phase in ("book", "avail"):
        n = int(sys.argv[5])
        counter = itertools.count()
        # A day no booking of the benchmark reaches: all 18 slots free.
        free_day = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()

        def work(i):
            s = sessions[i]
            while True:
                k = next(counter)
                if k >= n:
                    return
                t0 = time.perf_counter()
                try:
                    if phase == "book":
                        good = book(s, base, seed, k)
                    else:
                        r = s.get(
                            f"{base}/appointment/ajax/available_slots/",
                            params={"selected_date": free_day, "staff_member": seed["staff"]},
                            headers={"X-Requested-With": "XMLHttpRequest"},
                            timeout=120,
                        )
                        good = r.status_code == 200 and r.json().get("success") is True
                except requests.RequestException:
                    good = False
                record(time.perf_counter() - t0, good)

        wall = run(clients, work)
        out = {"ok": ok[0], "errors": bad[0], "wall": wall, "rate": ok[0] / wall}
    elif phase == "race":
        db = sys.argv[5]
        far = datetime.date.today() + datetime.timedelta(days=300)

        def work(i):
            t0 = time.perf_counter()
            try:
                good = book(sessions[i], base, seed, 0, lambda _k: (far.isoformat(), "10:00", "10:30"))
            except requests.RequestException:
                good = False
            record(time.perf_counter() - t0, good)

        wall = run(clients, work)
        con = sqlite3.connect(db, timeout=30)
        stored = con.execute(
            "SELECT COUNT(*) FROM appointment_appointment a JOIN appointment_appointmentrequest r "
            "ON a.appointment_request_id = r.id WHERE r.date = ? AND r.start_time = ?",
            (far.isoformat(), "10:00:00"),
        ).fetchone()[0]
        con.close()
        out = {"ok": ok[0], "errors": bad[0], "wall": wall, "stored": stored}
    else:
        raise SystemExit(f"unknown phase {phase}")
    out.update({"p50": pct(lat, 0.50), "p95": pct(lat, 0.95), "p99": pct(lat, 0.99)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
