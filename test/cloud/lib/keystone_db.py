"""Keystone's database setup in one Python process, saving a start-up of keystone-manage (2 s): the
equivalent of keystone-manage db_sync, then keystone-manage bootstrap with an admin user, project and
role and the identity endpoints at http://127.0.0.1:5000/v3/ in RegionOne.

  OS_BOOTSTRAP_PASSWORD=... keystone_db.py CONFIG_FILE
"""
import os
import sys

import keystone.conf
from keystone.cmd import cli

URL = "http://127.0.0.1:5000/v3/"


def main(argv):
    if len(argv) != 2 or not os.environ.get("OS_BOOTSTRAP_PASSWORD"):
        sys.exit(__doc__)
    base = ["keystone-manage", "--config-file", argv[1]]
    cli.main(argv=base + ["db_sync"])
    # cli.main parses the command line into the global CONF; clearing it lets the second command parse its own.
    keystone.conf.CONF.clear()
    cli.main(argv=base + ["bootstrap", "--bootstrap-username", "admin", "--bootstrap-project-name", "admin",
                          "--bootstrap-role-name", "admin", "--bootstrap-admin-url", URL,
                          "--bootstrap-internal-url", URL, "--bootstrap-public-url", URL,
                          "--bootstrap-region-id", "RegionOne"])


if __name__ == "__main__":
    main(sys.argv)
