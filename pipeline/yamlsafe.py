"""A strict YAML reader for study configs: no duplicated keys, no alias bombs, located errors.

``yaml.safe_load`` lets the last of two equal keys win silently, expands a few lines of aliases into
gigabytes, and raises a bare ValueError (a traceback) for an impossible date such as 2023-02-30. Here:

- a key given twice in one mapping is refused, naming both lines;
- at most ``MAX_YAML_ALIASES`` aliases, and the document expanded (aliases followed) at most
  ``MAX_YAML_NODES`` nodes; a recursive alias is refused;
- an impossible date names its line;
- nesting too deep for the parser is refused instead of crashing.
"""

from __future__ import annotations

import yaml

from pipeline.errors import ConfigError
from pipeline.ingest.limits import MAX_YAML_ALIASES

MAX_YAML_NODES = 100_000


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str, source: str):
        super().__init__(stream)
        self.source = source
        self.aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise ConfigError(f"config file {self.source}, line {line}: more than {MAX_YAML_ALIASES} YAML "
                                  "aliases (*name); a study config does not need them (an alias bomb?)")
        return super().compose_node(parent, index)


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: construct_mapping reports it as a YAML error
            continue
        line = key_node.start_mark.line + 1
        if first is not None:
            raise ConfigError(f"config file {loader.source}, line {line}: the key {key!r} is given twice "
                              f"(first on line {first}); YAML would silently keep only the last one")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as e:
        raise ConfigError(f"config file {loader.source}, line {node.start_mark.line + 1}: "
                          f"{node.value!r} is not a real date ({e})") from None


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _expanded_size(node: yaml.Node, memo: dict[int, int], open_: set[int], source: str) -> int:
    k = id(node)
    if k in memo:
        return memo[k]
    if k in open_:
        raise ConfigError(f"config file {source}, line {node.start_mark.line + 1}: a YAML alias refers to itself")
    open_.add(k)
    if isinstance(node, yaml.SequenceNode):
        n = 1 + sum(_expanded_size(c, memo, open_, source) for c in node.value)
    elif isinstance(node, yaml.MappingNode):
        n = 1 + sum(_expanded_size(a, memo, open_, source) + _expanded_size(b, memo, open_, source)
                    for a, b in node.value)
    else:
        n = 1
    open_.discard(k)
    if n > MAX_YAML_NODES:
        raise ConfigError(f"config file {source}: the YAML expands to more than {MAX_YAML_NODES:,} values "
                          "(aliases); a study config is far smaller (an alias bomb?)")
    memo[k] = n
    return n


def load_yaml(text: str, source: str) -> object:
    """Parse one YAML document strictly (see the module docstring); YAML syntax errors are ConfigErrors."""
    loader = _Loader(text, source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set(), source)
        return loader.construct_document(node)
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {source} is not valid YAML: {e}") from None
    except RecursionError:
        raise ConfigError(f"config file {source} is nested too deeply to be a study config") from None
    finally:
        loader.dispose()
