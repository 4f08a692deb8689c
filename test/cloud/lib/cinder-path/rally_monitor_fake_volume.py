"""The local cloud's volume driver: Cinder's FakeLoggingVolumeDriver, with an extend that does not fail.

FakeLoggingVolumeDriver (cinder/tests/fake_driver.py) keeps volumes in Cinder's database only, and fakes each call
(create_volume, delete_volume, create_snapshot, ... change nothing on a disk) except extend_volume, which it inherits
from the LVM driver (cinder/volume/drivers/lvm.py: LVMVolumeDriver.extend_volume calls self.vg.extend_volume): its
FakeBrickLVM has no such method, so every extend ends in `error_extending` with "'FakeBrickLVM' object has no
attribute 'extend_volume'". This one fakes it like the others; Cinder's volume manager records the new size, as
for a real backend (cinder/volume/manager.py, VolumeManager.extend_volume).

Loaded by cinder-volume as `volume_driver = rally_monitor_fake_volume.ExtendingFakeVolumeDriver` (services/cinder.sh
puts this folder on its PYTHONPATH).
"""
from cinder.tests import fake_driver
from cinder.volume import volume_utils


class ExtendingFakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    @volume_utils.trace_method
    def extend_volume(self, volume, new_size):
        """No disk to grow: the fake backend's volumes are records only."""
