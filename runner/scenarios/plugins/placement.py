# Placement scenarios for Rally (rally-openstack 2.2.0 has none). Loaded with `rally --plugin-paths`, in the
# rally-jobs/plugins convention. The endpoint comes from the catalog through the admin's keystoneauth session, so
# the interface and region the Rally environment names are honoured, as for every other service.

from rally.task import atomic
from rally.task import validation

from rally_openstack.task import scenario

# Microversion 1.2 is the first that lists resource classes; every Placement since Ocata serves it.
MICROVERSION = "placement 1.2"


class PlacementScenario(scenario.OpenStackScenario):
    """Base for Placement scenarios: authenticated GETs against the catalog's Placement endpoint."""

    def _get(self, path):
        credential = self._admin_clients.credential
        session, _ = self._admin_clients.keystone.get_session()
        response = session.get(
            path,
            endpoint_filter={
                "service_type": "placement",
                "interface": credential.endpoint_type or "public",
                "region_name": credential.region_name,
            },
            headers={"OpenStack-API-Version": MICROVERSION, "Accept": "application/json"},
            raise_exc=False,
        )
        if response.status_code != 200:
            raise RuntimeError("GET %s answered HTTP %s: %s" % (path, response.status_code, response.text[:200]))
        return response.json()

    def _list(self, path, key):
        with atomic.ActionTimer(self, "placement.list_%s" % key):
            body = self._get(path)
        items = body.get(key)
        if not isinstance(items, list):
            raise RuntimeError("GET %s: the answer has no '%s' list" % (path, key))
        return items


@validation.add("required_platform", platform="openstack", admin=True)
@scenario.configure(name="PlacementMonitor.list_resource_providers", platform="openstack")
class ListResourceProviders(PlacementScenario):

    def run(self, min_count=0):
        """List resource providers; fail when fewer than min_count are registered.

        :param min_count: how many providers the cloud must have (e.g. its compute hosts)
        """
        providers = self._list("/resource_providers", "resource_providers")
        if len(providers) < min_count:
            raise RuntimeError("%d resource providers registered, expected at least %d" % (len(providers), min_count))


@validation.add("required_platform", platform="openstack", admin=True)
@scenario.configure(name="PlacementMonitor.list_resource_classes", platform="openstack")
class ListResourceClasses(PlacementScenario):

    def run(self):
        """List resource classes; every Placement has the standard ones (VCPU, MEMORY_MB, DISK_GB)."""
        classes = self._list("/resource_classes", "resource_classes")
        names = {item.get("name") for item in classes}
        missing = {"VCPU", "MEMORY_MB", "DISK_GB"} - names
        if missing:
            raise RuntimeError("standard resource classes missing: %s" % ", ".join(sorted(missing)))
