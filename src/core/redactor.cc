#include "core/redactor.h"

namespace veil::core {

const std::vector<Finding>& Redactor::scan(ScanContext& ctx, std::string_view value) const {
  ctx.findings_.clear();
  policy_->patterns().findAll(ctx, value, ctx.findings_);
  mergeOverlapping(ctx.findings_);
  return ctx.findings_;
}

size_t Redactor::redact(ScanContext& ctx, std::string_view value, std::string& out) const {
  const std::vector<Finding>& findings = scan(ctx, value);
  if (findings.empty()) {
    out.append(value);
    return 0;
  }
  apply(value, findings, out);
  return findings.size();
}

void Redactor::apply(std::string_view value, const std::vector<Finding>& findings,
                     std::string& out) const {
  size_t copied = 0;
  for (const Finding& finding : findings) {
    out.append(value.substr(copied, finding.begin - copied));
    appendReplacement(finding, value.substr(finding.begin, finding.end - finding.begin), out);
    copied = finding.end;
  }
  out.append(value.substr(copied));
}

void Redactor::appendReplacement(const Finding& finding, std::string_view secret,
                                 std::string& out) const {
  const Action& action = policy_->actionFor(finding.rule);
  switch (action.kind) {
    case ActionKind::kPartial:
      appendPartial(secret, action.keep_first, action.keep_last, out);
      return;
    case ActionKind::kTruncate:
      appendTruncated(secret, action.max_bytes, action.truncate_marker, out);
      return;
    case ActionKind::kDrop:
      return;
    case ActionKind::kHash:
      if (const HashKey* key = policy_->hashKey()) {
        appendKeyedHash(*key, secret, out);
        return;
      }
      [[fallthrough]];  // unreachable with a validated config: never let the value through
    case ActionKind::kMask:
    default:
      appendMask(finding.rule, out);
      return;
  }
}

void Redactor::appendMask(uint32_t rule, std::string& out) const {
  // Template placeholders are few and the template short: a linear pass beats a regex.
  std::string_view tpl = policy_->actionFor(rule).mask_template;
  while (!tpl.empty()) {
    const size_t open = tpl.find('{');
    out.append(tpl.substr(0, open));
    if (open == std::string_view::npos) break;
    tpl.remove_prefix(open);
    if (tpl.starts_with("{rule}")) {
      out.append(policy_->ruleId(rule));
      tpl.remove_prefix(6);
    } else if (tpl.starts_with("{category}")) {
      out.append(policy_->ruleCategory(rule));
      tpl.remove_prefix(10);
    } else {
      out.push_back('{');
      tpl.remove_prefix(1);
    }
  }
}

}  // namespace veil::core
