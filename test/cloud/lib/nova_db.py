"""Nova's database setup in one Python process, saving three start-ups of nova-manage (2 s each):
the equivalent of nova-manage api_db sync; cell_v2 map_cell0; cell_v2 create_cell --name cell1; db sync.

  nova_db.py CONFIG_FILE CELL0_DATABASE_URL
"""
import sys

from oslo_log import log as logging

from nova import config
from nova import objects
from nova.cmd import manage


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    conf_file, cell0_url = argv[1], argv[2]
    config.parse_args(["nova-manage", "--config-file", conf_file])
    logging.setup(config.CONF, "nova")
    objects.register_all()
    cells = manage.CellV2Commands()
    steps = (
        ("api_db sync", lambda: manage.ApiDbCommands().sync(), (0, None)),
        ("cell_v2 map_cell0", lambda: cells.map_cell0(database_connection=cell0_url), (0,)),
        # 2: a cell with this transport URL and database exists already, as on a second run.
        ("cell_v2 create_cell", lambda: cells.create_cell(name="cell1"), (0, 2)),
        ("db sync", lambda: manage.DbCommands().sync(), (0, None)),
    )
    for name, step, fine in steps:
        result = step()
        if result not in fine:
            sys.exit(f"nova-manage {name} failed: {result}")
        print(f"{name}: done")


if __name__ == "__main__":
    main(sys.argv)
