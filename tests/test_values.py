"""harness.corpus.values: the value classes a run imports instead of dataclasses behave as dataclasses do."""

import copy
import dataclasses
import pickle

import pytest

from harness.corpus.values import FrozenInstanceError, Value, asdict, field, fields, replace


class Point(Value, frozen=True):
    x: int
    label: str = "p"
    tags: tuple = ()


class Bag(Value):
    n: int
    items: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)


class Handle(Value, eq=False):
    n: int


@dataclasses.dataclass(frozen=True)
class DPoint:
    x: int
    label: str = "p"
    tags: tuple = ()


def test_init_defaults_and_factories():
    assert (Point(1).x, Point(1).label, Point(1, "q").label, Point(x=2, tags=(1,)).tags) == (1, "p", "q", (1,))
    assert Bag(1).items == [] and Bag(1).items is not Bag(1).items  # a fresh default per instance
    assert not hasattr(Bag, "items") and Point.label == "p"  # as dataclasses: a factory's field has no class attribute


@pytest.mark.parametrize("call", [lambda: Point(), lambda: Point(1, x=2), lambda: Point(1, nope=2), lambda: Point(1, "a", (), 4)],
                         ids=["missing", "twice", "unknown", "too-many"])  # fmt: skip
def test_wrong_arguments_are_type_errors_like_a_dataclass(call):
    with pytest.raises(TypeError):
        call()


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="follows"):

        class Bad(Value):
            a: int = 1
            b: int


def test_eq_hash_repr_match_dataclasses():
    assert Point(1) == Point(1, "p", ()) and Point(1) != Point(2) and Point(1) != DPoint(1)
    assert hash(Point(1, "a")) == hash(Point(1, "a")) and {Point(1): "v"}[Point(1)] == "v"
    assert repr(Point(1, "a", (2,))).split("(", 1)[1] == repr(DPoint(1, "a", (2,))).split("(", 1)[1]
    with pytest.raises(TypeError):
        hash(Bag(1))  # eq and not frozen: unhashable, as a dataclass
    h = Handle(1)
    assert h != Handle(1) and h == h and hash(h) == object.__hash__(h)


def test_frozen_refuses_assignment_and_deletion():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2
    with pytest.raises(AttributeError):
        del p.x
    b = Bag(1)
    b.n = 3
    assert b.n == 3


def test_replace_asdict_fields_copy_and_pickle():
    assert replace(Point(1), label="q") == Point(1, "q") and fields(Point) == ("x", "label", "tags")
    b = Bag(1, [[1], Point(2)], {"k": [3]})
    d = asdict(b)
    assert d == {"n": 1, "items": [[1], {"x": 2, "label": "p", "tags": ()}], "meta": {"k": [3]}}
    assert d["items"][0] is not b.items[0] and d["meta"]["k"] is not b.meta["k"]  # copied all the way down
    assert asdict(Point(1, "a", (1,))) == dataclasses.asdict(DPoint(1, "a", (1,)))
    assert pickle.loads(pickle.dumps(Point(3))) == Point(3) and copy.deepcopy(b) == b


def test_a_run_imports_neither_dataclasses_nor_typing():
    """What the value classes are for: the modules of a one-case run leave dataclasses (and the inspect, ast
    and dis it brings) and typing unimported."""
    import subprocess
    import sys

    code = ("import sys, harness.cli, harness.pipeline.execute, harness.pipeline.snapshots, harness.lenses.plain; "
            "print(sorted(m for m in ('dataclasses', 'inspect', 'typing', 'concurrent.futures', 'logging') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
