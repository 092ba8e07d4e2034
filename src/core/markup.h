// Escaping text for XML and HTML: character data and attribute values alike. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// Escapes & < > " ' as character references. What XML 1.0 cannot carry — bytes that are not
// UTF-8, control characters but tab and line ends — becomes U+FFFD, byte by byte, so that the
// document (an API's XML answer, a console page) stays well-formed whatever a caller sent.
std::string XmlEscape(std::string_view text);

}  // namespace gatehouse
