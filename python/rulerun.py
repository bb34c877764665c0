"""rulerun.py - librulerun from Python (ctypes, the standard library only).

    import rulerun
    tables = rulerun.run("rules/weekly.lua", ["reports/"], jobs=4)
    for row in tables["risks"]:          # a list of dicts, column -> cell
        print(row["file"], row["risk"])
    cols, rows = rulerun.run("rules/weekly.lua", ["reports/"], as_dicts=False)["risks"]
    frames = rulerun.frames("rules/weekly.lua", ["reports/"])   # pandas DataFrames

The rows come straight from the library (its on_row callback): no CSV file
is written.  The library is found as RULERUN_LIB names it, else as the
system's loader finds librulerun.so.0; the Lua stdlib as RULERUN_STDLIB
names it (or stdlib=), else where it was installed.  docs/EMBEDDING.md has
the C API behind it.
"""
import ctypes
import ctypes.util
import os
import threading

__all__ = ["run", "process", "frames", "Error", "Tables"]

RR_OK, RR_EDOCS, RR_ERULES, RR_EINPUT, RR_EOUTPUT, RR_ENOMEM, RR_EUSAGE, RR_ECANCELED = range(8)

_MESSAGE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
_ROW_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                           ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t))


class _Options(ctypes.Structure):
    """struct rr_options of rulerun.h, field for field.  Its size goes into
    `size`, so a newer library with more fields reads only these."""
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("jobs", ctypes.c_int),
        ("out_dir", ctypes.c_char_p),
        ("glob", ctypes.c_char_p),
        ("stdlib_dir", ctypes.c_char_p),
        ("excel", ctypes.c_int),
        ("progress", ctypes.c_int),
        ("profile", ctypes.c_int),
        ("encoding", ctypes.c_char_p),
        ("allow_io", ctypes.c_int),
        ("max_steps", ctypes.c_longlong),
        ("max_memory", ctypes.c_size_t),
        ("on_message", _MESSAGE_FN),
        ("message_ud", ctypes.c_void_p),
        ("yield_path", ctypes.c_char_p),
        ("provenance", ctypes.c_int),
        ("on_row", _ROW_FN),
        ("row_ud", ctypes.c_void_p),
        ("no_csv", ctypes.c_int),
    ]


class Error(Exception):
    """A call of the library failed: status is RR_ERULES, RR_EINPUT, ...;
    the message names the file and line where there is one."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Tables(dict):
    """Table name -> rows, in the order the rules declare the tables.
    columns: table name -> its column names.  messages: what the run said
    (documents that failed, print() in rules).  failed: documents that failed
    (their other rules' rows are there)."""

    def __init__(self):
        super().__init__()
        self.columns = {}
        self.messages = []
        self.failed = 0


_lib = None
_lib_lock = threading.Lock()


def _library():
    global _lib
    with _lib_lock:
        if _lib is None:
            name = os.environ.get("RULERUN_LIB") or ctypes.util.find_library("rulerun") or "librulerun.so.0"
            lib = ctypes.CDLL(name)
            lib.rr_engine_new.restype = ctypes.c_void_p
            lib.rr_engine_new.argtypes = [ctypes.POINTER(_Options)]
            lib.rr_engine_free.argtypes = [ctypes.c_void_p]
            for f in ("rr_engine_load",):
                getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.rr_engine_load_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                                  ctypes.c_size_t]
            lib.rr_engine_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t]
            lib.rr_engine_process.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                              ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p]
            lib.rr_engine_error.restype = ctypes.c_char_p
            lib.rr_engine_error.argtypes = [ctypes.c_void_p]
            lib.rr_strerror.restype = ctypes.c_char_p
            lib.rr_strerror.argtypes = [ctypes.c_int]
            lib.rr_engine_table_count.restype = ctypes.c_size_t
            lib.rr_engine_table_count.argtypes = [ctypes.c_void_p]
            lib.rr_engine_table_name.restype = ctypes.c_char_p
            lib.rr_engine_table_name.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
            lib.rr_engine_column_count.restype = ctypes.c_size_t
            lib.rr_engine_column_count.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
            lib.rr_engine_column_name.restype = ctypes.c_char_p
            lib.rr_engine_column_name.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
            lib.rr_version.restype = ctypes.c_char_p
            _lib = lib
    return _lib


def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return _library().rr_version().decode()


def _b(s):
    return None if s is None else os.fsencode(s)


class _Engine:
    """One engine with its options and callbacks, freed on close."""

    OPTIONS = {"jobs", "glob", "stdlib", "excel", "encoding", "allow_io", "max_steps", "max_memory",
               "provenance"}

    def __init__(self, options, as_dicts):
        unknown = set(options) - self.OPTIONS
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(sorted(unknown))}; "
                            f"options: {', '.join(sorted(self.OPTIONS))}")
        self.lib = _library()
        self.as_dicts = as_dicts
        self.tables = Tables()
        self.keep = []                      # the bytes the options point to live as long as the engine
        o = _Options()
        o.size = ctypes.sizeof(_Options)
        o.jobs = int(options.get("jobs", 0))
        o.glob = self._keep(_b(options.get("glob")))
        o.stdlib_dir = self._keep(_b(options.get("stdlib")))
        o.excel = int(bool(options.get("excel", False)))
        o.encoding = self._keep(_b(options.get("encoding")))
        o.allow_io = int(bool(options.get("allow_io", False)))
        o.max_steps = int(options.get("max_steps", 0))
        o.max_memory = int(options.get("max_memory", 0))
        o.provenance = int(bool(options.get("provenance", False)))
        o.no_csv = 1
        self.on_message = _MESSAGE_FN(self._message)
        self.on_row = _ROW_FN(self._row)
        o.on_message = self.on_message
        o.on_row = self.on_row
        self.e = self.lib.rr_engine_new(ctypes.byref(o))
        if not self.e:
            raise MemoryError("rulerun: out of memory")

    def _keep(self, b):
        if b is not None:
            self.keep.append(b)
        return b

    def _message(self, ud, msg, is_progress):
        if not is_progress and msg:
            self.tables.messages.append(msg.decode("utf-8", "replace"))

    def _row(self, ud, table, ncells, cells, lens):
        name = table.decode()
        values = tuple(ctypes.string_at(cells[i], lens[i]).decode("utf-8", "replace") for i in range(ncells))
        if self.as_dicts:
            self.tables[name].append(dict(zip(self.tables.columns[name], values)))
        else:
            self.tables[name][1].append(values)

    def check(self, rc, ok=(RR_OK,)):
        if rc not in ok:
            msg = self.lib.rr_engine_error(self.e).decode("utf-8", "replace")
            raise Error(rc, f"rulerun: {self.lib.rr_strerror(rc).decode()}: {msg}")

    def loaded(self):
        """The tables, known once the rules are loaded, as empty entries."""
        for t in range(self.lib.rr_engine_table_count(self.e)):
            name = self.lib.rr_engine_table_name(self.e, t).decode()
            cols = [self.lib.rr_engine_column_name(self.e, t, c).decode()
                    for c in range(self.lib.rr_engine_column_count(self.e, t))]
            self.tables.columns[name] = cols
            self.tables[name] = [] if self.as_dicts else (cols, [])

    def close(self):
        if self.e:
            self.lib.rr_engine_free(self.e)
            self.e = None


def _load(eng, rules, source):
    if source is not None:
        data = source.encode() if isinstance(source, str) else bytes(source)
        eng.check(eng.lib.rr_engine_load_string(eng.e, _b(rules), data, len(data)))
    else:
        eng.check(eng.lib.rr_engine_load(eng.e, _b(rules)))
    eng.loaded()


def run(rules, paths, *, as_dicts=True, source=None, **options):
    """Runs the rule file rules over paths (files, or directories walked for
    glob, "*.txt" by default) and returns a Tables: per table a list of dicts
    (column -> cell), or with as_dicts=False a (columns, rows) pair with rows
    as tuples, in the order of the CSV files rulerun would write.  source:
    the rule file's text (rules then names it in messages).  Options: jobs,
    glob, stdlib, excel, encoding, allow_io, max_steps, max_memory,
    provenance.  Raises Error when the rules do not load or an input cannot
    be read; documents that fail are counted in .failed and told in
    .messages, the others' rows are there."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    eng = _Engine(options, as_dicts)
    try:
        _load(eng, rules, source)
        encoded = [_b(p) for p in paths]
        arr = (ctypes.c_char_p * len(encoded))(*encoded)
        rc = eng.lib.rr_engine_run(eng.e, arr, len(encoded))
        eng.check(rc, (RR_OK, RR_EDOCS))
        if rc == RR_EDOCS:      # the message: "N of M documents failed"
            words = eng.lib.rr_engine_error(eng.e).decode("utf-8", "replace").split()
            eng.tables.failed = int(words[0]) if words and words[0].isdigit() else 1
        return eng.tables
    finally:
        eng.close()


def process(rules, text, name="document", *, as_dicts=True, source=None, **options):
    """The rules over one document held in memory (str or bytes); name fills
    the file column.  Returns a Tables as run() does; a rule that fails is
    in .messages and .failed is 1."""
    eng = _Engine(options, as_dicts)
    try:
        _load(eng, rules, source)
        data = text.encode() if isinstance(text, str) else bytes(text)
        rc = eng.lib.rr_engine_process(eng.e, _b(name), data, len(data), None, None)
        eng.check(rc, (RR_OK, RR_EDOCS))
        if rc == RR_EDOCS:
            eng.tables.failed = 1
            eng.tables.messages.append(eng.lib.rr_engine_error(eng.e).decode("utf-8", "replace"))
        return eng.tables
    finally:
        eng.close()


def frames(rules, paths, **options):
    """run() as pandas DataFrames (one per table, every cell a string)."""
    import pandas   # only here: the module itself needs the standard library only
    tables = run(rules, paths, as_dicts=False, **options)
    return {name: pandas.DataFrame(rows, columns=cols, dtype=str) for name, (cols, rows) in tables.items()}
