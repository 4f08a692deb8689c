"""Another tenant's resources whose names look like Rally's, in every service the cleanup monitor scans.

  decoys.py seed CLOUD_DIR    creates what is missing (idempotent, seconds) and writes CLOUD_DIR/decoys.json
  decoys.py check CLOUD_DIR   exit 1 (and a line per decoy) if any decoy is gone or renamed

The tenant is the project `acme-webshop` and its user `acme-deployer`, never the admin project Rally and the tests
use. Two kinds of names, both in Rally's shapes (prefix, 8 characters, separator, 8 characters):
  - ordinary names people choose (`rally_frontend_database`): their task part is not hex, so they are not
    Rally's names at all (rally/common/utils.py: the task part is the start of a task uuid);
  - names with a hex task part (`c_rally_c0ffee42_...`) that no Rally task here ever had: the scan lists them as
    `unattributed` leaks, and no purge may delete them unless asked to include unattributed leaks.
`cloud.sh up` seeds them, so every integration test, the benchmark and the demo run among them; `npm test` ends
with `check`. Swift decoys live in the tenant's own account, which the monitor (scanning its own account) never
lists. Admin password from CLOUD_DIR/cloud.json; the tenant user's password is kept in decoys.json (0600).
"""
import json
import os
import secrets
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

TENANT = "acme-webshop"
TENANT_USER = "acme-deployer"
HEX = "c0ffee42"  # a task part no Rally task here has (1 in 4 billion per task)
NOVA = {"OpenStack-API-Version": "compute 2.53", "X-OpenStack-Nova-API-Version": "2.53"}
PLACEMENT = {"OpenStack-API-Version": "placement 1.14"}
CIDR = "10.251.7.0/24"


def session(cloud, project, username=None, password=None):
    auth = v3.Password(auth_url=cloud["authUrl"], username=username or cloud["username"],
                       password=password or cloud["password"], project_name=project,
                       user_domain_name="Default", project_domain_name="Default")
    return ks_session.Session(auth=auth)


class Api:
    def __init__(self, sess, region):
        self.sess = sess
        self.region = region

    def has(self, service_type):
        try:
            return bool(self.sess.get_endpoint(service_type=service_type, interface="public", region_name=self.region))
        except ks_exc.EndpointNotFound:
            return False

    def call(self, method, service_type, path, body=None, headers=None, ok=(200, 201, 202, 204)):
        response = self.sess.request(path, method, endpoint_filter={"service_type": service_type, "interface": "public",
                                                                     "region_name": self.region},
                                     json=body, headers=headers or {}, raise_exc=False,
                                     connect_retries=2 if method == "GET" else 0)
        if response.status_code not in ok:
            raise RuntimeError(f"{method} {service_type} {path}: HTTP {response.status_code} {response.text[:300]}")
        return response

    def get(self, service_type, path, headers=None):
        return self.call("GET", service_type, path, headers=headers, ok=(200, 204, 404))

    def json(self, service_type, path, headers=None):
        return self.call("GET", service_type, path, headers=headers, ok=(200,)).json()


def first(items, name):
    return next((item for item in items if item.get("name") == name), None)


class Seeder:
    def __init__(self, admin, tenant_api, tenant_id, user_id):
        self.admin = admin
        self.tenant = tenant_api
        self.tenant_id = tenant_id
        self.user_id = user_id
        self.made = []

    def record(self, service, kind, ident, name, url, service_type, api="admin", headers=None):
        self.made.append({"service": service, "type": kind, "id": ident, "name": name, "url": url,
                          "serviceType": service_type, "api": api, "headers": headers or {}})

    # Keystone
    def keystone(self):
        for name in ("rally_frontend_database", "s_rally_customer_invoices", "c_rally_staging1_webnode1",
                     f"c_rally_{HEX}_Webshop1"):
            found = first(self.admin.json("identity", f"/projects?name={name}")["projects"], name)
            if not found:
                found = self.admin.call("POST", "identity", "/projects", {"project": {
                    "name": name, "domain_id": "default", "parent_id": self.tenant_id,
                    "description": "acme-webshop's own project (a decoy for rally-monitor's cleanup)"}}).json()["project"]
            self.record("keystone", "project", found["id"], name, f"/projects/{found['id']}", "identity")
        for name in ("s-rally-backup01-primary1", f"c_rally_{HEX}_Deployer"):
            found = first(self.admin.json("identity", f"/users?name={name}")["users"], name)
            if not found:
                found = self.admin.call("POST", "identity", "/users", {"user": {
                    "name": name, "domain_id": "default", "default_project_id": self.tenant_id,
                    "password": secrets.token_hex(16)}}).json()["user"]
            self.record("keystone", "user", found["id"], name, f"/users/{found['id']}", "identity")
            if name.startswith("c_rally_"):
                self.keypair_owner = found["id"]

    # Nova: a server of the tenant, keypairs of a user the scan lists keypairs of (c_rally_), a private flavor, a
    # server group.
    def nova(self):
        owner = self.keypair_owner
        for name in ("rally_frontend_sshkey01", f"s_rally_{HEX}_Deploy01"):
            path = f"/os-keypairs/{name}?user_id={owner}"
            if self.admin.get("compute", path, NOVA).status_code == 404:
                key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIp0jCGsFaL3N00KuIImYd0Bt7CVqIe43BXA+lQtJw2s acme-webshop"
                self.admin.call("POST", "compute", "/os-keypairs", {"keypair": {
                    "name": name, "public_key": key, "user_id": owner}}, NOVA)
            self.record("nova", "keypair", name, name, path, "compute", headers=NOVA)
        flavors = self.admin.json("compute", "/flavors/detail?is_public=None", NOVA)["flavors"]
        for name in ("s_rally_customer_smallvm1", f"rally_{HEX}_Tiny0001"):
            found = first(flavors, name)
            if not found:
                found = self.admin.call("POST", "compute", "/flavors", {"flavor": {
                    "name": name, "ram": 64, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": False}}, NOVA).json()["flavor"]
                self.admin.call("POST", "compute", f"/flavors/{found['id']}/action",
                                {"addTenantAccess": {"tenant": self.tenant_id}}, NOVA)
            self.record("nova", "flavor", found["id"], name, f"/flavors/{found['id']}", "compute", headers=NOVA)
        name = f"c_rally_{HEX}_Affinity"
        found = first(self.tenant.json("compute", "/os-server-groups", NOVA)["server_groups"], name)
        if not found:
            found = self.tenant.call("POST", "compute", "/os-server-groups", {"server_group": {
                "name": name, "policies": ["anti-affinity"]}}, NOVA).json()["server_group"]
        self.record("nova", "server_group", found["id"], name, f"/os-server-groups/{found['id']}", "compute", headers=NOVA)
        name = f"s_rally_{HEX}_Webnode1"
        found = first(self.tenant.json("compute", f"/servers?name={name}", NOVA)["servers"], name)
        if not found and self.has_image_and_flavor():
            image, flavor = self.has_image_and_flavor()
            found = self.tenant.call("POST", "compute", "/servers", {"server": {
                "name": name, "imageRef": image, "flavorRef": flavor, "networks": "none"}}, NOVA).json()["server"]
        if found:
            self.record("nova", "server", found["id"], name, f"/servers/{found['id']}", "compute", headers=NOVA)

    def has_image_and_flavor(self):
        cloud_image = self.cloud.get("image")
        images = self.admin.json("image", f"/v2/images?name={cloud_image}")["images"] if cloud_image and self.admin.has("image") else []
        flavors = self.admin.json("compute", "/flavors", NOVA)["flavors"]
        flavor = first(flavors, self.cloud.get("flavor"))
        return (images[0]["id"], flavor["id"]) if images and flavor else None

    # Neutron: made by the admin in the tenant's project.
    def neutron(self):
        def ensure(collection, key, name, extra):
            items = self.admin.json("network", f"/v2.0/{collection}?name={name}&project_id={self.tenant_id}")[collection.replace("-", "_")]
            found = first(items, name)
            if not found:
                found = self.admin.call("POST", "network", f"/v2.0/{collection}", {key: {
                    "name": name, "project_id": self.tenant_id, **extra}}).json()[key]
            self.record("neutron", key, found["id"], name, f"/v2.0/{collection}/{found['id']}", "network")
            return found
        ensure("networks", "network", "rally_frontend_backnet1", {})
        network = ensure("networks", "network", f"s_rally_{HEX}_Backnet2", {})
        ensure("subnets", "subnet", f"s_rally_{HEX}_Subnet01", {"network_id": network["id"], "ip_version": 4, "cidr": CIDR})
        ensure("ports", "port", f"s_rally_{HEX}_Dbport01", {"network_id": network["id"]})
        ensure("routers", "router", f"c_rally_{HEX}_Router01", {})
        ensure("security-groups", "security_group", "s_rally_customer_firewall", {})
        ensure("security-groups", "security_group", f"s_rally_{HEX}_Webgroup", {})

    # Glance: images the tenant owns (no data: queued).
    def glance(self):
        for name in ("rally_frontend_baseimg1", f"s_rally_{HEX}_Webimage"):
            found = first(self.admin.json("image", f"/v2/images?name={name}&owner={self.tenant_id}")["images"], name)
            if not found:
                found = self.admin.call("POST", "image", "/v2/images", {
                    "name": name, "owner": self.tenant_id, "visibility": "private",
                    "disk_format": "raw", "container_format": "bare"}).json()
            self.record("glance", "image", found["id"], name, f"/v2/images/{found['id']}", "image")

    # Cinder: the tenant's volumes and a private volume type it may use.
    def cinder(self):
        for name in ("s_rally_customer_dbvolume", f"s_rally_{HEX}_Dbvolume"):
            found = first(self.tenant.json("volumev3", f"/volumes?name={name}")["volumes"], name)
            if not found:
                found = self.tenant.call("POST", "volumev3", "/volumes", {"volume": {"name": name, "size": 1}}).json()["volume"]
            self.record("cinder", "volume", found["id"], name, f"/volumes/{found['id']}", "volumev3", api="tenant")
        name = f"c_rally_{HEX}_Ssdtype1"
        found = first(self.admin.json("volumev3", "/types?is_public=None")["volume_types"], name)
        if not found:
            found = self.admin.call("POST", "volumev3", "/types", {"volume_type": {
                "name": name, "os-volume-type-access:is_public": False}}).json()["volume_type"]
            self.admin.call("POST", "volumev3", f"/types/{found['id']}/action", {"addProjectAccess": {"project": self.tenant_id}})
        self.record("cinder", "volume_type", found["id"], name, f"/types/{found['id']}", "volumev3")

    # Swift: containers in the tenant's own account.
    def swift(self):
        for name in ("rally_frontend_backups1", f"s_rally_{HEX}_Backups1"):
            self.tenant.call("PUT", "object-store", f"/{name}", ok=(201, 202, 204))
            self.record("swift", "container", name, name, f"/{name}", "object-store", api="tenant")

    # Placement: a resource provider (global; no owner).
    def placement(self):
        name = f"c_rally_{HEX}_Rackhost"
        path = f"/resource_providers?name={name}"
        found = first(self.admin.json("placement", path, PLACEMENT)["resource_providers"], name)
        if not found:
            # Placement 1.14 answers a creation with no body; uwsgi may drop the kept-alive connection after it.
            try:
                self.admin.call("POST", "placement", "/resource_providers", {"name": name}, PLACEMENT)
            except ks_exc.ConnectFailure:
                pass
            found = first(self.admin.json("placement", path, PLACEMENT)["resource_providers"], name)
        self.record("placement", "resource_provider", found["uuid"], name, f"/resource_providers/{found['uuid']}",
                    "placement", headers=PLACEMENT)


def load(cloud_dir):
    with open(os.path.join(cloud_dir, "cloud.json")) as f:
        cloud = json.load(f)
    path = os.path.join(cloud_dir, "decoys.json")
    state = {}
    if os.path.exists(path):
        with open(path) as f:
            state = json.load(f)
    return cloud, path, state


def tenant_session(cloud, state):
    return Api(session(cloud, TENANT, TENANT_USER, state["password"]), cloud["region"])


def seed(cloud_dir):
    started = time.monotonic()
    cloud, path, state = load(cloud_dir)
    admin = Api(session(cloud, cloud["projectName"]), cloud["region"])
    project = first(admin.json("identity", f"/projects?name={TENANT}")["projects"], TENANT)
    if not project:
        project = admin.call("POST", "identity", "/projects", {"project": {
            "name": TENANT, "domain_id": "default", "description": "another tenant (rally-monitor's decoys)"}}).json()["project"]
    user = first(admin.json("identity", f"/users?name={TENANT_USER}")["users"], TENANT_USER)
    password = state.get("password") or secrets.token_hex(16)
    if not user:
        user = admin.call("POST", "identity", "/users", {"user": {
            "name": TENANT_USER, "domain_id": "default", "default_project_id": project["id"], "password": password}}).json()["user"]
    elif not state.get("password"):
        admin.call("PATCH", "identity", f"/users/{user['id']}", {"user": {"password": password}})
    roles = admin.json("identity", "/roles?name=member")["roles"]
    admin.call("PUT", "identity", f"/projects/{project['id']}/users/{user['id']}/roles/{roles[0]['id']}")
    state = {"password": password, "tenant": project["id"]}
    tenant = tenant_session(cloud, state)
    seeder = Seeder(admin, tenant, project["id"], user["id"])
    seeder.cloud = cloud
    seeder.keystone()
    for service_type, step in (("compute", seeder.nova), ("network", seeder.neutron), ("image", seeder.glance),
                               ("volumev3", seeder.cinder), ("object-store", seeder.swift), ("placement", seeder.placement)):
        if admin.has(service_type):
            step()
    state["decoys"] = seeder.made
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(state, f, indent=1)
    services = sorted({d["service"] for d in seeder.made})
    print(f"decoys: {len(seeder.made)} of tenant {TENANT} in {', '.join(services)} ({time.monotonic() - started:.1f}s)")


def check(cloud_dir):
    cloud, _, state = load(cloud_dir)
    if not state.get("decoys"):
        print(f"decoys: none seeded in {cloud_dir} (run cloud.sh up)")
        return 1
    admin = Api(session(cloud, cloud["projectName"]), cloud["region"])
    tenant = tenant_session(cloud, state)
    problems = []
    for decoy in state["decoys"]:
        api = tenant if decoy["api"] == "tenant" else admin
        response = api.get(decoy["serviceType"], decoy["url"], decoy["headers"])
        what = f"{decoy['service']} {decoy['type']} {decoy['name']} ({decoy['id']})"
        if response.status_code == 404:
            problems.append(f"GONE: {what}")
            continue
        if decoy["service"] == "swift":
            continue  # a container answers with its listing; being there is all it has
        body = response.json()
        item = next(iter(body.values())) if len(body) == 1 and isinstance(next(iter(body.values())), dict) else body
        if item.get("name") != decoy["name"]:
            problems.append(f"CHANGED: {what} is now named {item.get('name')!r}")
    for line in problems:
        print(f"decoys: {line}")
    print(f"decoys: {len(state['decoys']) - len(problems)} of {len(state['decoys'])} untouched")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("seed", "check"):
        sys.exit(__doc__)
    sys.exit(seed(sys.argv[2]) or 0 if sys.argv[1] == "seed" else check(sys.argv[2]))
