"""Admin calls cloud.sh needs, each batch in one Python process (the openstack CLI costs about 4 s a call).

  admin.py register          stdin: lines "USER TYPE NAME URL"; creates the service project and role, the
                             service users (admin + service roles in project service) and their endpoints.
  admin.py image NAME FILE   a public raw image NAME from FILE, unless an active one exists.
  admin.py flavor NAME [RAM] a public flavor NAME (RAM MiB, default 64; 1 vCPU, 1 GB disk), unless it exists.
  admin.py azs ZONE=HOST[,HOST...]...
                             host aggregates named ZONE with availability zone ZONE holding those compute hosts
                             (each made or completed when missing; hosts already in place are left alone).
  admin.py leftovers [TASK_UUID...]
                             prints Keystone projects and users Rally left (c_rally_*, s_rally_*; only those of
                             the given tasks, when named); exit 1 if any.

The admin password comes from OS_PASSWORD and the service users' from SERVICE_PASSWORD, never from argv.
"""
import os
import sys

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

AUTH_URL = "http://127.0.0.1:5000/v3"
REGION = "RegionOne"


def admin_session():
    auth = v3.Password(auth_url=AUTH_URL, username="admin", password=os.environ["OS_PASSWORD"],
                       project_name="admin", user_domain_name="Default", project_domain_name="Default")
    return ks_session.Session(auth=auth)


def first(items):
    return items[0] if items else None


def register(sess, lines):
    from keystoneclient.v3 import client
    ks = client.Client(session=sess, interface="public", region_name=REGION)
    project = first(ks.projects.list(name="service")) or ks.projects.create("service", "default")
    admin_role = first(ks.roles.list(name="admin"))
    service_role = first(ks.roles.list(name="service")) or ks.roles.create("service")
    password = os.environ["SERVICE_PASSWORD"]
    users = {}
    for line in lines:
        user, stype, sname, url = line.split()
        if user not in users:
            found = first(ks.users.list(name=user, domain="default"))
            users[user] = found or ks.users.create(user, domain="default", password=password)
            for role in (admin_role, service_role):
                ks.roles.grant(role, user=users[user], project=project)
        service = first(ks.services.list(type=stype)) or ks.services.create(sname, type=stype)
        have = {e.interface for e in ks.endpoints.list(service=service, region=REGION)}
        for interface in ("public", "internal", "admin"):
            if interface not in have:
                ks.endpoints.create(service, url, interface=interface, region=REGION)
        print(f"registered {stype} {url}")


def image(sess, name, path):
    from glanceclient import Client
    glance = Client("2", session=sess, region_name=REGION)
    for existing in glance.images.list(filters={"name": name}):
        if existing.status == "active" and existing.visibility == "public":
            return
        glance.images.delete(existing.id)
    created = glance.images.create(name=name, disk_format="raw", container_format="bare", visibility="public")
    with open(path, "rb") as data:
        glance.images.upload(created.id, data)
    print(f"image {name} {created.id}")


def flavor(sess, name, ram=64):
    from novaclient import client as nova_client
    from novaclient import exceptions
    nova = nova_client.Client("2.1", session=sess, region_name=REGION)
    try:
        nova.flavors.find(name=name)
    except exceptions.NotFound:
        nova.flavors.create(name, ram=ram, vcpus=1, disk=1, is_public=True)
        print(f"flavor {name}")


def azs(sess, specs):
    from novaclient import client as nova_client
    nova = nova_client.Client("2.1", session=sess, region_name=REGION)
    aggregates = {a.name: a for a in nova.aggregates.list()}
    for spec in specs:
        zone, hosts = spec.split("=", 1)
        aggregate = aggregates.get(zone) or nova.aggregates.create(zone, zone)
        for host in hosts.split(","):
            if host not in (aggregate.hosts or []):
                aggregate = nova.aggregates.add_host(aggregate, host)
        print(f"zone {zone}: {', '.join(aggregate.hosts)}")


def leftovers(sess, task_uuids):
    from keystoneclient.v3 import client
    ks = client.Client(session=sess, interface="public", region_name=REGION)
    # Rally names resources <c|s>_rally_<first 8 hex digits of the task uuid>_<random>.
    tags = tuple(u.replace("-", "")[:8] for u in task_uuids)
    prefixes = tuple(f"{kind}_rally_{tag}" for kind in "cs" for tag in tags) or ("c_rally_", "s_rally_")
    found = [f"{kind} {item.name}"
             for kind, items in (("project", ks.projects.list()), ("user", ks.users.list()))
             for item in items if item.name.startswith(prefixes)]
    for line in found:
        print(line)
    return 1 if found else 0


def main(argv):
    sess = admin_session()
    command = argv[1] if len(argv) > 1 else ""
    if command == "register":
        register(sess, [line for line in sys.stdin.read().splitlines() if line.strip()])
    elif command == "image" and len(argv) == 4:
        image(sess, argv[2], argv[3])
    elif command == "flavor" and len(argv) in (3, 4):
        flavor(sess, argv[2], *(int(ram) for ram in argv[3:]))
    elif command == "azs" and len(argv) > 2:
        azs(sess, argv[2:])
    elif command == "leftovers":
        sys.exit(leftovers(sess, argv[2:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
