"""Makes the local cloud's compute driver importable as nova.virt.rally_monitor_fake_virt.

Nova loads its compute driver from the nova.virt package only (nova/virt/driver.py, load_compute_driver imports
'nova.virt.%s' % CONF.compute_driver), and nova.virt is a regular package whose path cannot be extended from outside.
Python imports `sitecustomize` from PYTHONPATH at start-up (the site module); services/nova.sh puts this folder on
the Nova daemons' PYTHONPATH, and this finder, asked last, serves that one module name from the file beside it.
(It takes the place of Debian's own sitecustomize, which only installs apport's hook when apport is there.)
"""
import importlib.abc
import importlib.util
import os
import sys

_NAME = "nova.virt.rally_monitor_fake_virt"
_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rally_monitor_fake_virt.py")


class _LocalCloudDriverFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != _NAME:
            return None
        return importlib.util.spec_from_file_location(fullname, _FILE)


sys.meta_path.append(_LocalCloudDriverFinder())
