"""The local cloud's compute driver: Nova's SmallFakeDriver, plus the one step of a snapshot it leaves out.

Nova's fake driver takes a snapshot by setting the task state and nothing more (nova/virt/fake.py,
FakeDriver.snapshot): no data reaches Glance, so the image Nova's API created for the snapshot stays `queued`
for ever, and whatever waits for it to become active (Rally's NovaServers.snapshot_server, a user booting from
it) times out. A real driver uploads the instance's disk and marks the image active; this one does the same with
a small stand-in disk, the way libvirt's driver does it (nova/virt/libvirt/driver.py: LibvirtDriver.snapshot sets
IMAGE_PENDING_UPLOAD then IMAGE_UPLOADING, builds the metadata in _create_snapshot_metadata, and calls
self._image_api.update(context, image_id, metadata, image_file) with nova.image.glance.API).

So on this cloud a snapshot goes through Nova's API, its conductor, the compute manager and Glance for real; only
the copy of a hypervisor's disk is not exercised (there is no disk). Loaded by nova-compute as
`compute_driver = rally_monitor_fake_virt.SnapshotUploadingFakeDriver`, that is nova.virt.rally_monitor_fake_virt
(sitecustomize.py beside it serves that name; services/nova.sh puts this folder on the Nova daemons' PYTHONPATH).
"""
import io

from nova.compute import task_states
from nova import exception
from nova.image import glance
from nova.virt import fake

# What the stand-in disk holds: 64 KiB of zeros (the fake instance has no disk to copy).
STAND_IN_DISK = bytes(64 * 1024)


class SnapshotUploadingFakeDriver(fake.SmallFakeDriver):
    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only)
        self._image_api = glance.API()

    def snapshot(self, context, instance, image_id, update_task_state):
        if instance.uuid not in self.instances:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        snapshot = self._image_api.get(context, image_id)
        image_meta = instance.image_meta
        metadata = {
            "status": "active",
            "name": snapshot["name"],
            "disk_format": image_meta.disk_format if image_meta.obj_attr_is_set("disk_format") else "raw",
            "container_format": (
                image_meta.container_format if image_meta.obj_attr_is_set("container_format") else "bare"),
            "properties": {
                "image_location": "snapshot",
                "image_state": "available",
                "owner_id": instance.project_id,
            },
        }
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        self._image_api.update(context, image_id, metadata, io.BytesIO(STAND_IN_DISK),
                               purge_props=False)
