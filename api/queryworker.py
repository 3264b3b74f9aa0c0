"""Entry point of a query worker process: `python -m api.queryworker FD` (started by api.querypool)."""
import sys
from multiprocessing.connection import Connection

from api.querypool import serve

if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
