#include "app/action_spec.h"

namespace veil::app {
namespace {

const std::string kAllowed = "mask, partial, hash, truncate, drop";

core::ActionKind kindOf(const YamlReader& reader, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) reader.fail(node, "the action of " + what + " must be a name or a mapping");
  const std::string name = node.as<std::string>();
  const auto kind = core::parseActionKind(name);
  if (!kind) reader.fail(node, "unknown action '" + name + "' in " + what + "; allowed: " + kAllowed);
  return *kind;
}

}  // namespace

core::Action readAction(const YamlReader& reader, const YAML::Node& node, const std::string& what) {
  core::Action action;
  if (node.IsScalar()) {
    action.kind = kindOf(reader, node, what);
    return action;
  }
  if (!node.IsMap()) reader.fail(node, "the action of " + what + " must be a name or a mapping");
  if (!node["action"]) reader.fail(node, "the action of " + what + " has no 'action'");
  action.kind = kindOf(reader, node["action"], what);
  switch (action.kind) {
    case core::ActionKind::kMask:
      reader.allowOnly(node, {"action", "template"}, "the mask action of " + what);
      if (node["template"]) action.mask_template = reader.scalar(node, "template", what, true);
      break;
    case core::ActionKind::kPartial:
      reader.allowOnly(node, {"action", "keep_first", "keep_last"}, "the partial action of " + what);
      if (node["keep_first"]) action.keep_first = reader.count(node["keep_first"], "keep_first");
      if (node["keep_last"]) action.keep_last = reader.count(node["keep_last"], "keep_last");
      break;
    case core::ActionKind::kTruncate:
      reader.allowOnly(node, {"action", "bytes", "marker"}, "the truncate action of " + what);
      if (node["bytes"]) action.max_bytes = reader.count(node["bytes"], "bytes");
      if (node["marker"]) action.truncate_marker = reader.scalar(node, "marker", what, true);
      break;
    case core::ActionKind::kHash:
    case core::ActionKind::kDrop:
      reader.allowOnly(node, {"action"}, "the " + std::string(core::actionName(action.kind)) +
                                             " action of " + what);
      break;
  }
  return action;
}

}  // namespace veil::app
