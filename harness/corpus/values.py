"""Value classes for the modules every `crashcourse run` imports, without `dataclasses`.

A class lists its fields as annotations, as a dataclass does, and derives from `Value`:

    class Artifact(Value, frozen=True):
        kind: str
        path: Path
        module: str = ""
        extra: dict = field(default_factory=dict)

The base gives it what `@dataclass` would: `__init__` (by position or by name, with the defaults),
`__repr__`, `__eq__` (same class, field by field; `eq=False` keeps identity), `__hash__` (frozen classes
only; an `eq` class that is not frozen is unhashable), and, for frozen classes, no assignment after
`__init__`. `fields`, `replace` and `asdict` below work as dataclasses' do.

Why not dataclasses here: importing it brings inspect, ast, dis and tokenize, and each class then compiles
three to six methods with `exec`. Measured on a one-case `crashcourse run` (x86_64, Python 3.11.7), that
was about a fifth of the harness's own CPU time. These methods are written once, here, and read the
field list at run time. Modules that a run does not import (teaching, scoring) keep dataclasses.
"""

from __future__ import annotations

_MISSING = object()
_SCALARS = (str, int, float, bool, type(None))


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen value."""


class field:  # noqa: N801 - spelled as dataclasses.field, which it stands for
    """A field's default made fresh for each instance: `field(default_factory=list)`."""

    __slots__ = ("default_factory",)

    def __init__(self, *, default_factory) -> None:
        self.default_factory = default_factory


class Value:
    """The base of a value class (see the module's docstring)."""

    _fields: tuple[str, ...] = ()
    _field_defaults: dict[str, object] = {}

    def __init_subclass__(cls, frozen: bool = False, eq: bool = True, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        names = list(cls._fields)
        defaults = dict(cls._field_defaults)
        for name in cls.__dict__.get("__annotations__", {}):
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, field):
                delattr(cls, name)  # as dataclasses: a factory's field has no class attribute
            if value is not _MISSING:
                defaults[name] = value
            elif name in defaults:
                del defaults[name]
            if name not in names:
                names.append(name)
        seen_default = None
        for name in names:
            if name in defaults:
                seen_default = name
            elif seen_default is not None:
                raise TypeError(f"{cls.__name__}: field {name!r} without a default follows {seen_default!r}, which has one")
        cls._fields, cls._field_defaults = tuple(names), defaults
        if eq:
            cls.__eq__ = _eq  # type: ignore[method-assign]
            cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        if frozen:
            cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
            cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign]

    def __init__(self, *args, **kwargs) -> None:
        cls = type(self)
        names = cls._fields
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} positional arguments but {len(args)} were given")
        for key in kwargs:
            if key not in names:
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
        put = object.__setattr__
        for i, name in enumerate(names):
            if i < len(args):
                if name in kwargs:
                    raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
                value = args[i]
            elif name in kwargs:
                value = kwargs[name]
            else:
                value = cls._field_defaults.get(name, _MISSING)
                if value is _MISSING:
                    raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
                if isinstance(value, field):
                    value = value.default_factory()
            put(self, name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({inner})"


def _values(obj: Value) -> tuple:
    return tuple(getattr(obj, name) for name in obj._fields)


def _eq(self: Value, other: object):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)  # type: ignore[arg-type]


def _hash(self: Value) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Value, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Value, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def fields(obj: Value | type[Value]) -> tuple[str, ...]:
    """The field names, in order."""
    return obj._fields


def replace(obj: Value, **changes):
    """A copy of obj with some fields changed (dataclasses.replace)."""
    return type(obj)(**{**{name: getattr(obj, name) for name in obj._fields}, **changes})


def asdict(obj: Value) -> dict:
    """obj as a dict, its lists, tuples, dicts and values copied all the way down (dataclasses.asdict)."""
    return {name: _copy(getattr(obj, name)) for name in obj._fields}


def _copy(v):
    if isinstance(v, _SCALARS):
        return v
    if isinstance(v, Value):
        return asdict(v)
    if isinstance(v, list | tuple):
        return type(v)(_copy(x) for x in v)
    if isinstance(v, dict):
        return type(v)((_copy(k), _copy(x)) for k, x in v.items())
    import copy

    return copy.deepcopy(v)
