#pragma once

#include <string>

#include "app/yaml_reader.h"
#include "core/action.h"

namespace veil::app {

// Reads an action as rule packs and the config write it: a name (`mask`, `hash`, `drop`,
// `partial`, `truncate`) or a mapping with parameters:
//   {action: partial, keep_first: 6, keep_last: 4}
//   {action: truncate, bytes: 48, marker: "..."}
//   {action: mask, template: "<{rule}>"}
core::Action readAction(const YamlReader& reader, const YAML::Node& node, const std::string& what);

}  // namespace veil::app
