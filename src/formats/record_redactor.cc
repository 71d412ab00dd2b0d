#include "formats/record_redactor.h"

namespace veil::formats {

size_t RecordRedactor::redact(Workspace& workspace, std::string_view record,
                              std::string& out) const {
  return redactor_.redact(workspace.scan, record, out);
}

}  // namespace veil::formats
