#pragma once

#include <string>
#include <string_view>

namespace veil::formats {

// Appends `value` as the contents of a JSON string, without the quotes: quote, backslash and
// control characters escaped, every other byte as it is (invalid UTF-8 included: the text is a
// log's, and changing bytes that are not secrets would alter it).
void appendJsonEscaped(std::string_view value, std::string& out);

}  // namespace veil::formats
